import { expect, test } from '@playwright/test';
import { aPerson, cspViolations, expectNoAxeViolations, watchConsole } from '../support/app.js';

test('when someone signs up, signs out and signs in again, then they reach their dashboard each time', async ({ page }) => {
  const console = watchConsole(page);
  const person = aPerson('Signup');

  await page.goto('/sign-up');
  await expectNoAxeViolations(page);
  await page.getByLabel('Your name').fill(person.displayName);
  await page.getByLabel('Email').fill(person.email);
  await page.getByLabel('Password').fill(person.password);
  await page.getByRole('button', { name: 'Create account' }).click();

  await expect(page).toHaveURL(/\/dashboard$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Hello, ${person.displayName}`);
  await expect(page.getByTestId('signed-in-user')).toHaveText(person.displayName);
  await expectNoAxeViolations(page);
  // The access token is kept in memory only.
  const stored = await page.evaluate(() => JSON.stringify({ ...localStorage, ...sessionStorage }));
  expect(stored).not.toMatch(/eyJ/);

  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/sign-in$/);
  await expectNoAxeViolations(page);

  await page.getByLabel('Email').fill(person.email);
  await page.getByLabel('Password').fill(person.password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
  await expect(page.getByTestId('signed-in-user')).toHaveText(person.displayName);

  // A reload keeps the session through the httpOnly refresh cookie.
  await page.reload();
  await expect(page.getByTestId('signed-in-user')).toHaveText(person.displayName);
  expect(cspViolations(console)).toEqual([]);
});

test('when the password is wrong, then the sign-in page says so in words', async ({ page }) => {
  await page.goto('/sign-in');
  await page.getByLabel('Email').fill('nobody@secureevent.test');
  await page.getByLabel('Password').fill('not the password at all');
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(page.getByTestId('form-error')).toBeVisible();
  await expect(page.getByTestId('form-error')).not.toContainText('{');
  await expect(page).toHaveURL(/\/sign-in$/);
});

test('when a signed-out visitor opens a private page, then they are sent to sign in and come back after', async ({ page, request }) => {
  const person = aPerson('Returner');
  expect((await request.post('/api/auth/register', { data: person })).status()).toBe(201);

  await page.goto('/tickets');
  await expect(page).toHaveURL(/\/sign-in\?returnUrl=%2Ftickets$/);
  await page.getByLabel('Email').fill(person.email);
  await page.getByLabel('Password').fill(person.password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(page).toHaveURL(/\/tickets$/);
  await expect(page.getByTestId('empty-state')).toContainText('no tickets');
  await expectNoAxeViolations(page);
});
