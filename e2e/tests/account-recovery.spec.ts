import { expect, test } from '@playwright/test';
import { aPerson, expectNoAxeViolations, registerThroughApi } from '../support/app.js';
import { linkInMail } from '../support/mailbox.js';

test('when someone forgets their password, then the mailed link sets a new one once, and the old password stops working', async ({
  page,
  request,
}) => {
  const person = aPerson('Forgetful');
  await registerThroughApi(request, person);

  await page.goto('/sign-in');
  await page.getByRole('link', { name: 'Forgot your password?' }).click();
  await expect(page).toHaveURL(/\/forgot-password$/);
  await expectNoAxeViolations(page);
  await page.getByLabel('Email').fill(person.email);
  await page.getByRole('button', { name: 'Send reset link' }).click();
  await expect(page.getByTestId('reset-sent')).toContainText(person.email);
  await expectNoAxeViolations(page);

  const link = await linkInMail(person.email, /Reset your SecureEvent password/);
  expect(link).toMatch(/^\/reset-password#token=/);
  await page.goto(link);
  await expectNoAxeViolations(page);
  const newPassword = `${person.password} renewed`;
  await page.getByLabel('New password', { exact: true }).fill(newPassword);
  await page.getByLabel('Repeat the new password').fill(newPassword);
  await page.getByRole('button', { name: 'Set new password' }).click();
  await expect(page.getByTestId('reset-done')).toBeVisible();
  await expectNoAxeViolations(page);

  // The same link a second time is refused, and says what to do.
  await page.goto('/events');
  await page.goto(link);
  await page.getByLabel('New password', { exact: true }).fill('another passphrase entirely');
  await page.getByLabel('Repeat the new password').fill('another passphrase entirely');
  await page.getByRole('button', { name: 'Set new password' }).click();
  await expect(page.getByTestId('link-invalid')).toBeVisible();
  await expect(page.getByRole('link', { name: 'Ask for a new link' })).toBeVisible();

  const old = await request.post('/api/auth/login', { data: { email: person.email, password: person.password } });
  expect(old.status()).toBe(401);
  await page.goto('/sign-in');
  await page.getByLabel('Email').fill(person.email);
  await page.getByLabel('Password').fill(newPassword);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
});

test('when someone follows the verification link of their sign-up mail, then the address is confirmed, and the link works once', async ({
  page,
  request,
}) => {
  const person = aPerson('Verifier');
  await registerThroughApi(request, person);
  const link = await linkInMail(person.email, /Confirm your email address/);
  expect(link).toMatch(/^\/verify-email#token=/);

  await page.goto(link);
  await expect(page.getByTestId('email-verified')).toBeVisible();
  await expectNoAxeViolations(page);
  const login = await (
    await request.post('/api/auth/login', { data: { email: person.email, password: person.password, tokenDelivery: 'body' } })
  ).json();
  const me = await request.get('/api/users/me', { headers: { authorization: `Bearer ${login.accessToken}` } });
  expect((await me.json()).emailVerified).toBe(true);

  await page.goto('/events');
  await page.goto(link);
  await expect(page.getByTestId('link-invalid')).toBeVisible();
});

test('when the account pages are seen on a phone, then they pass axe', async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  for (const path of ['/forgot-password', '/reset-password', '/verify-email']) {
    await page.goto(path);
    await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
    await expectNoAxeViolations(page);
  }
});
