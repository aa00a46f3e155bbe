import { readFile } from 'node:fs/promises';
import { expect, test, type APIRequestContext, type Browser, type Page } from '@playwright/test';
import {
  aPerson,
  aPublishedEvent,
  anOrganizer,
  apiToken,
  expectNoAxeViolations,
  registerThroughApi,
  signIn,
  type Person,
} from '../support/app.js';

// The organizer's tools on an event page (issue 15): the attendee export, co-organizers by name,
// duplicating an event, and an undo at one door seen live at another.

async function signedInPage(browser: Browser, person: Person): Promise<Page> {
  const page = await (await browser.newContext({ acceptDownloads: true })).newPage();
  await signIn(page, person);
  return page;
}

async function registerFor(request: APIRequestContext, eventId: string, person: Person): Promise<string> {
  const headers = { authorization: `Bearer ${await apiToken(request, person)}` };
  const res = await request.post(`/api/events/${eventId}/registrations`, { headers, data: {} });
  expect(res.status()).toBe(201);
  return (await res.json()).ticketCode as string;
}

test('when the organizer exports the attendees, then the XLSX and the CSV download with their names; a colleague is added by name', async ({
  browser,
  request,
}) => {
  const organizer = await anOrganizer(request);
  const colleague = await anOrganizer(request, 'Colleague');
  const eventId = await aPublishedEvent(request, organizer, { title: `Export ${Date.now().toString(36)}` });
  const attendee = aPerson('=Mallory');
  await registerThroughApi(request, attendee);
  await registerFor(request, eventId, attendee);

  const page = await signedInPage(browser, organizer);
  await page.goto(`/events/${eventId}`);
  const exporter = page.getByTestId('attendee-export');
  await expect(exporter).toBeVisible();

  const [xlsx] = await Promise.all([page.waitForEvent('download'), exporter.getByTestId('export-attendees').click()]);
  expect(xlsx.suggestedFilename()).toBe(`attendees-${eventId}.xlsx`);
  const workbook = await readFile(await xlsx.path());
  expect(workbook.subarray(0, 2).toString('latin1')).toBe('PK');

  await exporter.getByRole('radio', { name: 'CSV' }).check();
  const [csv] = await Promise.all([page.waitForEvent('download'), exporter.getByTestId('export-attendees').click()]);
  expect(csv.suggestedFilename()).toBe(`attendees-${eventId}.csv`);
  const text = (await readFile(await csv.path())).toString('utf8');
  // The name that starts with '=' is written as text, never as a formula.
  expect(text).toContain(`'${attendee.displayName}`);
  expect(text).not.toMatch(/(^|,)=Mallory/m);

  // The co-organizer is found by the start of their name and listed by name, not by id.
  const people = page.getByTestId('co-organizers');
  await people.getByTestId('co-organizer-search').fill(colleague.displayName.split(' ')[0]!.slice(0, 5));
  await people.getByRole('button', { name: `Add ${colleague.displayName}` }).click();
  await expect(people.getByTestId('co-organizer').filter({ hasText: colleague.displayName })).toBeVisible();
  await expect(people.getByTestId('co-organizer').filter({ hasText: organizer.displayName })).toBeVisible();
  await expect(people).not.toContainText('usr_');
  await expectNoAxeViolations(page);
  await page.context().close();
});

test('when the organizer duplicates an event with a new start, then the editor opens on a new draft a week later', async ({
  browser,
  request,
}) => {
  const organizer = await anOrganizer(request);
  const title = `Duplicate me ${Date.now().toString(36)}`;
  const eventId = await aPublishedEvent(request, organizer, {
    title,
    timeZone: 'UTC',
    startsAt: '2031-03-10T09:00:00.000Z',
    endsAt: '2031-03-10T12:00:00.000Z',
  });
  const page = await signedInPage(browser, organizer);
  await page.goto(`/events/${eventId}`);
  await page.getByTestId('duplicate-open').click();
  await expect(page.getByTestId('duplicate-starts-at')).toHaveValue('2031-03-10T09:00');
  await expectNoAxeViolations(page);
  await page.getByTestId('duplicate-starts-at').fill('2031-03-17T09:00');
  await page.getByTestId('duplicate-create').click();
  await expect(page).toHaveURL(/\/events\/evt_[0-9a-z]+\/edit$/);
  const copyId = page.url().split('/').at(-2)!;
  expect(copyId).not.toBe(eventId);

  const headers = { authorization: `Bearer ${await apiToken(request, organizer)}` };
  const copy = await (await request.get(`/api/events/${copyId}`, { headers })).json();
  expect(copy).toMatchObject({ title, status: 'draft', startsAt: '2031-03-17T09:00:00.000Z', endsAt: '2031-03-17T12:00:00.000Z' });
  await page.context().close();
});

test('when one door undoes a check-in, then a second door sees the count and the ticket go back live', async ({ browser, request }) => {
  const organizer = await anOrganizer(request);
  const eventId = await aPublishedEvent(request, organizer, { title: `Two doors ${Date.now().toString(36)}` });
  const attendee = aPerson('Ingrid');
  await registerThroughApi(request, attendee);
  const code = await registerFor(request, eventId, attendee);

  const doorA = await signedInPage(browser, organizer);
  const doorB = await signedInPage(browser, organizer);
  for (const door of [doorA, doorB]) {
    await door.goto(`/events/${eventId}/check-in`);
    await expect(door.getByTestId('checkin-count')).toContainText('0 of 1 checked in');
  }

  await doorA.getByTestId('ticket-code').fill(code);
  await doorA.getByRole('button', { name: 'Check in' }).click();
  await expect(doorA.getByTestId('checkin-result')).toContainText('Valid ticket');
  await expect(doorB.getByTestId('checkin-count')).toContainText('1 of 1 checked in');

  await doorA.getByTestId('undo-checkin').click();
  await expect(doorA.getByTestId('checkin-result')).toContainText('Check-in undone');
  // Door B was not touched: only the push can bring the count back down.
  await expect(doorB.getByTestId('checkin-count')).toContainText('0 of 1 checked in');
  await expectNoAxeViolations(doorB);
  await doorA.context().close();
  await doorB.context().close();
});
