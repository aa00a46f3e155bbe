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

// The door: an attendee's short code typed by hand, and the QR on their phone scanned by the
// organizer's camera (fed from the attendee's own page).

async function signedInPage(browser: Browser, person: Person): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await signIn(page, person);
  return page;
}

async function registerFor(request: APIRequestContext, eventId: string, person: Person): Promise<void> {
  const headers = { authorization: `Bearer ${await apiToken(request, person)}` };
  expect((await request.post(`/api/events/${eventId}/registrations`, { headers, data: {} })).status()).toBe(201);
}

test('when the organizer types an attendee’s short code as they read it aloud, then the door shows whose ticket it is, once', async ({
  browser,
  request,
}) => {
  const organizer = await anOrganizer(request);
  const eventId = await aPublishedEvent(request, organizer, { title: `Door codes ${Date.now().toString(36)}` });
  const attendee = aPerson('Zoë');
  await registerThroughApi(request, attendee);
  await registerFor(request, eventId, attendee);

  const attendeePage = await signedInPage(browser, attendee);
  await attendeePage.goto('/tickets');
  const printed = (await attendeePage.getByTestId('ticket-short-code').textContent())!.trim();
  expect(printed).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/);
  await expectNoAxeViolations(attendeePage);
  await attendeePage.context().close();

  const door = await signedInPage(browser, organizer);
  await door.goto(`/events/${eventId}/check-in`);
  await expect(door.getByTestId('checkin-count')).toContainText('0 of 1 checked in');
  // Typed in lower case, without the dash, with spaces: still the same code.
  const typed = printed.replace('-', ' ').toLowerCase();
  await door.getByTestId('ticket-code').fill(typed);
  await door.getByRole('button', { name: 'Check in' }).click();
  await expect(door.getByTestId('checkin-result')).toContainText('Valid ticket');
  await expect(door.getByTestId('checkin-attendee')).toHaveText(attendee.displayName);
  await expect(door.getByTestId('checkin-count')).toContainText('1 of 1 checked in');
  await expectNoAxeViolations(door);

  // A wrong tap is undone at once; the ticket is valid again.
  await door.getByTestId('undo-checkin').click();
  await expect(door.getByTestId('checkin-result')).toContainText('Check-in undone');
  await expect(door.getByTestId('checkin-count')).toContainText('0 of 1 checked in');
  await door.getByTestId('ticket-code').fill(printed);
  await door.getByRole('button', { name: 'Check in' }).click();
  await expect(door.getByTestId('checkin-result')).toContainText('Valid ticket');

  await door.getByTestId('ticket-code').fill(printed);
  await door.getByRole('button', { name: 'Check in' }).click();
  await expect(door.getByTestId('checkin-result')).toContainText('Already checked in');
  await expect(door.getByTestId('checkin-result')).toContainText('by you');
  await expect(door.getByTestId('checkin-attendee')).toHaveText(attendee.displayName);
  await door.context().close();
});

test('when the attendee shows the QR on their phone, then the organizer’s camera reads it and checks them in', async ({
  browser,
  request,
}) => {
  const organizer = await anOrganizer(request);
  const eventId = await aPublishedEvent(request, organizer, { title: `Door camera ${Date.now().toString(36)}` });
  const attendee = aPerson('Björn');
  await registerThroughApi(request, attendee);
  await registerFor(request, eventId, attendee);

  // The second page: the attendee's own ticket, as their phone shows it.
  const phone = await signedInPage(browser, attendee);
  await phone.goto('/tickets');
  const qr = phone.getByTestId('ticket-qr');
  await expect(qr).toBeVisible();
  const shown = `data:image/png;base64,${(await qr.screenshot()).toString('base64')}`;
  await phone.context().close();

  // The door's camera films that screen: a canvas stream drawn from the screenshot stands in for it.
  const context = await browser.newContext();
  await context.addInitScript(() => {
    const w = window as unknown as { __cameraSees?: string };
    const devices = navigator.mediaDevices;
    devices.enumerateDevices = async () => [
      { kind: 'videoinput', deviceId: 'door', groupId: 'door', label: 'Door camera', toJSON: () => ({}) },
    ];
    devices.getUserMedia = async () => {
      const canvas = document.createElement('canvas');
      canvas.width = 480;
      canvas.height = 480;
      const g = canvas.getContext('2d')!;
      const image = new Image();
      image.src = w.__cameraSees ?? '';
      await image.decode();
      const draw = () => {
        g.fillStyle = '#fff';
        g.fillRect(0, 0, 480, 480);
        g.drawImage(image, 60, 60, 360, 360);
      };
      draw();
      setInterval(draw, 100);
      return canvas.captureStream(10);
    };
  });
  const door = await context.newPage();
  await signIn(door, organizer);
  await door.goto(`/events/${eventId}/check-in`);
  await expect(door.getByTestId('checkin-count')).toContainText('0 of 1 checked in');
  await door.evaluate((src) => ((window as unknown as { __cameraSees: string }).__cameraSees = src), shown);
  await door.getByTestId('start-camera').click();
  await expect(door.getByTestId('checkin-result')).toContainText('Valid ticket');
  await expect(door.getByTestId('checkin-attendee')).toHaveText(attendee.displayName);
  await expect(door.getByTestId('checkin-count')).toContainText('1 of 1 checked in');
  await context.close();
});

test('when the organizer searches a name without its accent, then the attendee is listed and one tap checks them in', async ({
  browser,
  request,
}) => {
  const organizer = await anOrganizer(request);
  const eventId = await aPublishedEvent(request, organizer, { title: `Door search ${Date.now().toString(36)}` });
  const renee = aPerson('Renée');
  const other = aPerson('Marco');
  for (const person of [renee, other]) {
    await registerThroughApi(request, person);
    await registerFor(request, eventId, person);
  }

  const door = await signedInPage(browser, organizer);
  await door.goto(`/events/${eventId}/check-in`);
  await expect(door.getByTestId('checkin-count')).toContainText('0 of 2 checked in');
  // "Renée 1a2b3" typed as "renee 1a2b3" at the door.
  const typed = renee.displayName.replace('é', 'e').toLowerCase();
  await door.getByTestId('attendee-search').fill(typed);
  const match = door.getByTestId('match');
  await expect(match).toHaveCount(1);
  await expect(match).toContainText(renee.displayName);
  await expect(match).toContainText('General admission');
  await expectNoAxeViolations(door);

  await match.getByRole('button', { name: `Check in ${renee.displayName}` }).click();
  await expect(door.getByTestId('checkin-result')).toContainText('Valid ticket');
  await expect(door.getByTestId('checkin-attendee')).toHaveText(renee.displayName);
  await expect(door.getByTestId('checkin-ticket-type')).toHaveText('General admission');
  await expect(door.getByTestId('checkin-count')).toContainText('1 of 2 checked in');
  await expect(match).toContainText('In since');
  await expect(match.getByRole('button', { name: `Check in ${renee.displayName}` })).toBeDisabled();
  // How the door looks on a laptop and on the phone it is mostly used on.
  for (const width of [1280, 390]) {
    await door.setViewportSize({ width, height: 900 });
    await door.screenshot({ path: test.info().outputPath(`check-in-${width}.png`), fullPage: true });
  }
  await expectNoAxeViolations(door);

  await door.getByTestId('attendee-search').fill('nobody-by-this-name');
  await expect(door.getByTestId('no-matches')).toBeVisible();
  await door.context().close();
});
