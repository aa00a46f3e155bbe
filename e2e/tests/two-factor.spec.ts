import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { simpleParser } from 'mailparser';
import { Secret, TOTP } from 'otpauth';
import { aPerson, expectNoAxeViolations, registerThroughApi, signIn } from '../support/app.js';

/** The authenticator app: RFC 6238 codes from the secret the page showed. */
const codeAt = (secret: string, timestamp: number) =>
  new TOTP({ secret: Secret.fromBase32(secret), algorithm: 'SHA1', digits: 6, period: 30 }).generate({ timestamp });

async function signInWithPassword(page: Page, person: { email: string; password: string }) {
  await page.goto('/sign-in');
  await page.getByLabel('Email').fill(person.email);
  await page.getByLabel('Password').fill(person.password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
}

/** Subjects of the mail sent to `address` (the platform writes .eml files without SMTP_URL). */
async function subjectsOfMailTo(address: string): Promise<string[]> {
  const dataDir = process.env.E2E_DATA_DIR!;
  const subjects: string[] = [];
  for (const dir of [path.join(dataDir, 'mail'), path.join(dataDir, 'distributed', 'notification-service', 'mail')]) {
    for (const file of (await readdir(dir).catch(() => [] as string[])).filter((f) => f.endsWith('.eml'))) {
      const mail = await simpleParser(await readFile(path.join(dir, file)));
      const to = [mail.to ?? []].flat().flatMap((t) => t.value.map((v) => v.address));
      if (to.includes(address)) subjects.push(mail.subject ?? '');
    }
  }
  return subjects;
}

test('when someone sets up two-step sign-in with an authenticator app, then signing in needs its code, or a recovery code once', async ({
  page,
  request,
}, testInfo) => {
  const person = aPerson('Two Step');
  await registerThroughApi(request, person);
  await signIn(page, person);

  await page.goto('/account/two-factor');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Two-step sign-in');
  await expect(page.getByTestId('two-factor-off')).toBeVisible();
  await expectNoAxeViolations(page);
  await page.getByRole('button', { name: 'Set up two-step sign-in' }).click();
  await expect(page.getByRole('img', { name: 'QR code to scan with your authenticator app' })).toBeVisible();
  const secret = (await page.getByTestId('totp-secret').getAttribute('data-secret'))!;
  expect(secret).toMatch(/^[A-Z2-7]{32}$/);
  await expectNoAxeViolations(page);
  for (const width of [1280, 390]) {
    await page.setViewportSize({ width, height: width === 390 ? 844 : 900 });
    await page.screenshot({ path: testInfo.outputPath(`two-factor-setup-${width}.png`), fullPage: true });
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
  }
  await expectNoAxeViolations(page);
  await page.setViewportSize({ width: 1280, height: 900 });

  await page.getByLabel('Code from your app').fill(codeAt(secret, Date.now()));
  await page.getByRole('button', { name: 'Confirm' }).click();
  const codes = page.getByTestId('recovery-codes').getByRole('listitem');
  await expect(codes).toHaveCount(10);
  const recoveryCodes = (await codes.allTextContents()).map((c) => c.trim());
  expect(new Set(recoveryCodes).size).toBe(10);
  await expectNoAxeViolations(page);
  await page.screenshot({ path: testInfo.outputPath('two-factor-recovery-codes.png'), fullPage: true });
  await page.getByRole('button', { name: 'I have saved them' }).click();
  await expect(page.getByTestId('two-factor-on')).toBeVisible();
  await expect(page.getByTestId('codes-left')).toHaveText('Recovery codes left: 10.');
  await expect
    .poll(() => subjectsOfMailTo(person.email), { timeout: 30_000 })
    .toContain('Two-step sign-in was turned on for your SecureEvent account');

  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/sign-in$/);
  await signInWithPassword(page, person);
  const step = page.getByTestId('second-factor');
  await expect(step.getByRole('heading', { name: 'Two-step sign-in' })).toBeVisible();
  await expectNoAxeViolations(page);
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: testInfo.outputPath('sign-in-second-step-390.png'), fullPage: true });
  expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
  await expectNoAxeViolations(page);
  await page.setViewportSize({ width: 1280, height: 900 });
  // The code that confirmed the set-up was used; the app's next one (one step of drift is accepted) is new.
  await page.getByLabel('Code from your app').fill(codeAt(secret, Date.now() + 30_000));
  await page.getByRole('button', { name: 'Verify and sign in' }).click();
  await expect(page).toHaveURL(/\/dashboard$/);

  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/sign-in$/);
  await signInWithPassword(page, person);
  await page.getByRole('button', { name: 'Use a recovery code instead' }).click();
  await page.getByLabel('Recovery code').fill(recoveryCodes[0]!);
  await expectNoAxeViolations(page);
  await page.getByRole('button', { name: 'Verify and sign in' }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
  await page.goto('/account/two-factor');
  await expect(page.getByTestId('codes-left')).toHaveText('Recovery codes left: 9.');

  // The same recovery code a second time is refused.
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/sign-in$/);
  await signInWithPassword(page, person);
  await page.getByRole('button', { name: 'Use a recovery code instead' }).click();
  await page.getByLabel('Recovery code').fill(recoveryCodes[0]!);
  await page.getByRole('button', { name: 'Verify and sign in' }).click();
  await expect(page.getByTestId('form-error')).toContainText('The code is not correct.');
  await expect(page).toHaveURL(/\/sign-in/);

  // Sign in with the second code, then turn two-step sign-in off with the password.
  await page.getByLabel('Recovery code').fill(recoveryCodes[1]!);
  await page.getByRole('button', { name: 'Verify and sign in' }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
  await page.goto('/account/two-factor');
  await page.getByRole('button', { name: 'Turn off', exact: true }).click();
  await page.getByLabel('Current password').fill(person.password);
  await expectNoAxeViolations(page);
  await page.getByRole('button', { name: 'Turn off two-step sign-in' }).click();
  await expect(page.getByTestId('two-factor-off')).toBeVisible();
  const plain = await request.post('/api/auth/login', { data: { email: person.email, password: person.password, tokenDelivery: 'body' } });
  expect((await plain.json()).accessToken).toEqual(expect.any(String));
});
