import { expect, test } from '@playwright/test';
import { admin } from '../playwright.config.js';
import { aPerson, anOrganizer, apiToken, expectNoAxeViolations, registerThroughApi, signIn } from '../support/app.js';

// The dashboard's first-run hints, one per role, on a phone and on a desktop window.

test('when a new admin signs in, then the dashboard tells them to make someone an organizer and leads to the users page', async ({
  page,
  request,
}) => {
  const person = aPerson('New admin');
  const id = await registerThroughApi(request, person);
  const roles = await request.patch(`/api/users/${id}/roles`, {
    headers: { authorization: `Bearer ${await apiToken(request, admin)}` },
    data: { roles: ['attendee', 'admin'] },
  });
  expect(roles.status()).toBe(200);

  await signIn(page, person);
  const hint = page.getByTestId('empty-admin');
  await expect(hint).toContainText('Make someone an organizer');
  await expectNoAxeViolations(page);
  await hint.getByRole('link', { name: 'Open the users page' }).click();
  await expect(page).toHaveURL(/\/admin$/);
});

test('when a new organizer signs in on a phone, then the dashboard offers to create their first event', async ({ page, request }) => {
  const organizer = await anOrganizer(request, 'First organizer');
  await page.setViewportSize({ width: 390, height: 844 });

  await signIn(page, organizer);
  const hint = page.getByTestId('empty-organizer');
  await expect(hint).toContainText('Create your first event');
  await expect(page.getByTestId('empty-attendee')).toContainText('No upcoming events yet');
  await expectNoAxeViolations(page);
  await page.screenshot({ path: test.info().outputPath('first-run-organizer-390.png'), fullPage: true });
  await hint.getByRole('link', { name: 'Create your first event' }).click();
  await expect(page).toHaveURL(/\/events\/new$/);
});

test('when a new attendee signs in, then the dashboard says there are no upcoming events yet and leads to the events', async ({
  page,
  request,
}) => {
  const person = aPerson('First attendee');
  await registerThroughApi(request, person);

  await signIn(page, person);
  const hint = page.getByTestId('empty-attendee');
  await expect(hint).toContainText('No upcoming events yet');
  await expect(page.getByTestId('empty-organizer')).toHaveCount(0);
  await expect(page.getByTestId('empty-admin')).toHaveCount(0);
  await expectNoAxeViolations(page);
  await page.screenshot({ path: test.info().outputPath('first-run-attendee-1280.png'), fullPage: true });
  await hint.getByRole('link', { name: 'Browse events' }).click();
  await expect(page).toHaveURL(/\/events$/);
});
