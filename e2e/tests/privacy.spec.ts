import { readFile } from 'node:fs/promises';
import { expect, test } from '@playwright/test';
import { aPerson, aPublishedEvent, anOrganizer, apiToken, expectNoAxeViolations, registerThroughApi, signIn } from '../support/app.js';

test('when a person downloads their data and then deletes their account, then the file holds every service’s part, and they cannot sign in again', async ({
  page,
  request,
}) => {
  const organizer = await anOrganizer(request, 'Privacy Organizer');
  const eventId = await aPublishedEvent(request, organizer, { title: `Privacy talk ${Date.now()}` });
  const person = aPerson('Private Person');
  const id = await registerThroughApi(request, person);
  const token = await apiToken(request, person);
  const registered = await request.post(`/api/events/${eventId}/registrations`, {
    headers: { authorization: `Bearer ${token}` },
    data: {},
  });
  expect(registered.status()).toBe(201);

  await signIn(page, person);
  await page.goto('/account/privacy');
  await expect(page.getByRole('heading', { level: 1, name: 'Your data' })).toBeVisible();
  await expectNoAxeViolations(page);

  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Download my data' }).click();
  const file = await download;
  expect(file.suggestedFilename()).toMatch(/^secureevent-my-data-.*\.json$/);
  const doc = JSON.parse(await readFile(await file.path(), 'utf8')) as {
    userId: string;
    parts: { service: string; collections: Record<string, { items: Record<string, unknown>[] }> }[];
  };
  expect(doc.userId).toBe(id);
  expect(doc.parts.map((p) => p.service)).toEqual(['user-service', 'event-service', 'notification-service', 'audit-service']);
  expect(doc.parts[0]!.collections.account!.items[0]).toMatchObject({ email: person.email });
  expect(doc.parts[1]!.collections.registrations!.items).toEqual([expect.objectContaining({ event_id: eventId })]);
  expect(JSON.stringify(doc)).not.toContain(organizer.email);
  await expect(page.getByTestId('export-done')).toBeVisible();

  // The button waits for the typed word; a wrong password is refused and nothing happens.
  const erase = page.getByRole('button', { name: 'Delete my account' });
  await page.getByLabel('Current password').fill('not my password');
  await expect(erase).toBeDisabled();
  await page.getByLabel('Type DELETE to confirm').fill('DELETE');
  await erase.click();
  await expect(page.getByTestId('erase-error')).toContainText('password');
  await expectNoAxeViolations(page);

  await page.getByLabel('Current password').fill(person.password);
  await erase.click();
  await expect(page).toHaveURL(/\/$/);

  const again = await request.post('/api/auth/login', { data: { email: person.email, password: person.password } });
  expect(again.status()).toBe(401);
  await page.goto('/sign-in');
  await page.getByLabel('Email').fill(person.email);
  await page.getByLabel('Password').fill(person.password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(page).toHaveURL(/\/sign-in/);
  await expect(page.getByRole('alert')).toBeVisible();

  // The organizer's attendee list keeps the seat, anonymous, once the event-service has heard of it.
  const organizerToken = await apiToken(request, organizer);
  await expect
    .poll(async () => {
      const list = await request.get(`/api/events/${eventId}/registrations`, { headers: { authorization: `Bearer ${organizerToken}` } });
      return ((await list.json()).items as { displayName: string | null }[]).map((a) => a.displayName);
    })
    .toEqual(['Erased user']);
});

test('the privacy page at phone width', async ({ page, request }) => {
  const person = aPerson('Phone Privacy');
  await registerThroughApi(request, person);
  await page.setViewportSize({ width: 390, height: 844 });
  await signIn(page, person);
  await page.goto('/account/privacy');
  await expect(page.getByRole('button', { name: 'Download my data' })).toBeVisible();
  await expectNoAxeViolations(page);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await page.screenshot({ path: test.info().outputPath('privacy-390.png'), fullPage: true });
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.screenshot({ path: test.info().outputPath('privacy-1280.png'), fullPage: true });
});
