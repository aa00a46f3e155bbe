import { expect, test } from '@playwright/test';
import { admin } from '../playwright.config.js';
import { anOrganizer, aPerson, apiToken, expectNoAxeViolations, inDays, registerThroughApi, signIn } from '../support/app.js';

test('when an attendee opens the admin pages, then they are refused with a clear page and the API refuses too', async ({
  page,
  request,
}) => {
  const attendee = aPerson('Attendee');
  await registerThroughApi(request, attendee);
  await signIn(page, attendee);

  await expect(page.getByRole('link', { name: 'Admin' })).toHaveCount(0);
  await page.goto('/admin');
  await expect(page).toHaveURL(/\/not-allowed\?from=%2Fadmin$/);
  await expect(page.getByTestId('not-allowed')).toContainText('You are not allowed to see this page');
  await expectNoAxeViolations(page);

  await page.goto('/events/new');
  await expect(page).toHaveURL(/\/not-allowed/);

  // Hiding the page is not the protection: the API refuses the same person.
  const token = await apiToken(request, attendee);
  const users = await request.get('/api/users', { headers: { authorization: `Bearer ${token}` } });
  expect(users.status()).toBe(403);
});

test("when an admin changes a user's role, then the user holds the new role", async ({ page, request }) => {
  const person = aPerson('Promoted');
  const id = await registerThroughApi(request, person);

  await signIn(page, admin);
  await page.getByRole('link', { name: 'Admin' }).click();
  await expect(page).toHaveURL(/\/admin$/);
  await page.getByTestId('user-search').fill(person.email);
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  const row = page.locator(`tr[data-email="${person.email}"]`);
  await expect(row).toHaveCount(1);
  await expect(page.locator('tbody tr')).toHaveCount(1);
  await expectNoAxeViolations(page);

  await row.getByRole('checkbox', { name: 'organizer' }).check();
  await row.getByRole('button', { name: /Save roles/ }).click();
  await expect(page.getByTestId('admin-message')).toContainText(`Roles of ${person.email} saved: attendee, organizer`);

  const adminToken = await apiToken(request, admin);
  const found = await request.get(`/api/users?q=${encodeURIComponent(person.email)}`, {
    headers: { authorization: `Bearer ${adminToken}` },
  });
  const user = (await found.json()).items.find((u: { id: string }) => u.id === id);
  expect(user.roles).toEqual(['attendee', 'organizer']);
});

test('when an admin opens the admin page, then every event is listed, drafts and cancelled ones too', async ({ page, request }) => {
  const organizer = await anOrganizer(request, 'Draft owner');
  const token = await apiToken(request, organizer);
  const title = `Unpublished plan ${Date.now()}`;
  const created = await request.post('/api/events', {
    headers: { authorization: `Bearer ${token}` },
    data: { title, startsAt: inDays(20), endsAt: inDays(20.1), timeZone: 'Europe/Berlin', venue: 'Room 1', capacity: 10 },
  });
  expect(created.status()).toBe(201);

  await signIn(page, admin);
  await page.goto('/admin');
  const row = page.getByTestId('admin-event').filter({ hasText: title });
  await expect(row).toHaveCount(1);
  await expect(row).toContainText('draft');
});
