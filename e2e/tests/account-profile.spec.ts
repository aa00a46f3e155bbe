import { expect, test, type Page } from '@playwright/test';
import { aPerson, apiToken, expectNoAxeViolations, registerThroughApi, signIn } from '../support/app.js';

const FIREFOX_ON_WINDOWS = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0';

async function expectNoHorizontalOverflow(page: Page): Promise<void> {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow, 'the page is wider than the window').toBeLessThanOrEqual(0);
}

/** The status the browser gets when it renews its sign-in with its refresh cookie, as the app does. */
async function refreshStatus(page: Page): Promise<number> {
  return page.evaluate(async () => {
    const response = await fetch('/api/auth/refresh', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    return response.status;
  });
}

test('when someone changes their name and language, then the app switches at once, keeps it after a reload, and a later sign-in elsewhere starts in it', async ({
  page,
  browser,
  request,
}) => {
  const person = aPerson('Profile Changer');
  await registerThroughApi(request, person);
  await signIn(page, person);

  await page.getByRole('link', { name: 'Account', exact: true }).click();
  await expect(page).toHaveURL(/\/account$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Your account');
  await expect(page.getByTestId('current-email')).toContainText(person.email);
  await expectNoAxeViolations(page);

  const newName = `${person.displayName} Renamed`;
  await page.getByLabel('Display name').fill(newName);
  await page.getByTestId('profile-language').click();
  await page.getByRole('listbox').getByRole('option', { name: 'Deutsch' }).click();
  await page.getByLabel('Time zone').fill('Asia/Tok');
  await page.getByRole('option', { name: 'Asia/Tokyo' }).click();
  await page.getByRole('button', { name: 'Save profile' }).click();

  await expect(page.getByTestId('profile-saved')).toHaveText('Ihr Profil ist gespeichert.');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Ihr Konto');
  await expect(page.locator('html')).toHaveAttribute('lang', 'de');
  await expect(page.getByTestId('signed-in-user')).toHaveText(newName);
  await expectNoAxeViolations(page);

  const me = await request.get('/api/users/me', { headers: { authorization: `Bearer ${await apiToken(request, person)}` } });
  expect(await me.json()).toMatchObject({ displayName: newName, locale: 'de', timeZone: 'Asia/Tokyo' });

  await page.reload();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Ihr Konto');
  await expect(page.getByLabel('Anzeigename')).toHaveValue(newName);
  await expect(page.getByLabel('Zeitzone')).toHaveValue('Asia/Tokyo');

  // Another browser, in English until the person signs in: the profile's language then applies.
  const elsewhere = await browser.newContext({ locale: 'en-US' });
  const other = await elsewhere.newPage();
  await signIn(other, person);
  await expect(other.locator('html')).toHaveAttribute('lang', 'de');
  await expect(other.getByRole('link', { name: 'Konto', exact: true })).toBeVisible();
  await elsewhere.close();
});

test('when someone changes their password, then a weak one is refused beside the field, and afterwards only the new one signs in', async ({
  page,
  request,
}) => {
  const person = aPerson('Password Changer');
  await registerThroughApi(request, person);
  await signIn(page, person);
  await page.goto('/account');

  const localPart = person.email.split('@')[0];
  await page.getByTestId('password-current').fill(person.password);
  await page.getByTestId('password-new').fill(`${localPart} is my password`);
  await page.getByTestId('password-repeat').fill(`${localPart} is my password`);
  await page.getByRole('button', { name: 'Change password' }).click();
  await expect(page.getByTestId('new-password-error')).toContainText('must not contain your email address');
  await expect(page.getByTestId('password-error')).toContainText('The password is too weak.');
  await expectNoAxeViolations(page);

  const newPassword = `${person.password} changed`;
  await page.getByTestId('password-new').fill(newPassword);
  await page.getByTestId('password-repeat').fill(newPassword);
  await page.getByRole('button', { name: 'Change password' }).click();
  await expect(page.getByTestId('password-changed')).toContainText('Every other session was signed out');
  await expect(page.getByTestId('password-error')).toBeHidden();

  const old = await request.post('/api/auth/login', { data: { email: person.email, password: person.password } });
  expect(old.status()).toBe(401);
  const renewed = await request.post('/api/auth/login', { data: { email: person.email, password: newPassword } });
  expect(renewed.status()).toBe(200);
  // This browser's own session survives its password change.
  expect(await refreshStatus(page)).toBe(200);
});

test('when someone is signed in on two browsers and ends the other one, then the other can no longer renew its sign-in', async ({
  page,
  browser,
  request,
}) => {
  const person = aPerson('Two Browsers');
  await registerThroughApi(request, person);
  await signIn(page, person);
  const firefox = await browser.newContext({ userAgent: FIREFOX_ON_WINDOWS });
  const other = await firefox.newPage();
  await signIn(other, person);

  await page.goto('/account');
  await page.getByRole('navigation', { name: 'Account pages' }).getByRole('link', { name: 'Security' }).click();
  await expect(page).toHaveURL(/\/account\/security$/);
  const sessions = page.getByTestId('session');
  await expect(sessions).toHaveCount(2);
  const mine = sessions.filter({ has: page.getByTestId('this-device') });
  await expect(mine).toHaveCount(1);
  await expect(mine.getByTestId('end-session')).toHaveCount(0);
  const theirs = sessions.filter({ hasText: 'Firefox 128 on Windows' });
  await expect(theirs).toHaveCount(1);
  await expect(page.getByRole('link', { name: 'Two-factor authentication' })).toHaveAttribute('href', '/account/two-factor');
  await expect(page.getByRole('link', { name: 'Your data' })).toHaveAttribute('href', '/account/privacy');
  await expectNoAxeViolations(page);

  await theirs.getByRole('button', { name: /End session/ }).click();
  await expect(theirs.getByRole('alert')).toContainText('End the session on Firefox 128 on Windows?');
  await expectNoAxeViolations(page);
  await theirs.getByRole('button', { name: 'Yes, end it' }).click();
  await expect(page.getByTestId('sessions-notice')).toContainText('The session is ended');
  await expect(sessions).toHaveCount(1);
  await expect(page.getByTestId('only-this-device')).toBeVisible();

  // The ended browser's renewal is refused (its access token lives out its 5 minutes, see docs/auth.md),
  // so its next start leads to the sign-in page; this browser's session goes on.
  expect(await refreshStatus(other)).toBe(401);
  await other.reload();
  await expect(other).toHaveURL(/\/sign-in/);
  expect(await refreshStatus(page)).toBe(200);
  await firefox.close();
});

test('when the account pages are seen at desktop and phone sizes, then they pass axe, fit the window, and the phone menu leads to them', async ({
  page,
  request,
}) => {
  const person = aPerson('Account Viewer');
  await registerThroughApi(request, person);
  await signIn(page, person);
  for (const size of [
    { width: 1280, height: 900 },
    { width: 390, height: 844 },
  ]) {
    await page.setViewportSize(size);
    for (const path of ['/account', '/account/security']) {
      await page.goto(path);
      await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
      if (path === '/account/security') await expect(page.getByTestId('session')).toHaveCount(1);
      await expectNoAxeViolations(page);
      await expectNoHorizontalOverflow(page);
      await page.screenshot({ path: test.info().outputPath(`${path.slice(1).replace('/', '-')}-${size.width}.png`), fullPage: true });
    }
  }

  await page.goto('/dashboard');
  await page.getByRole('button', { name: 'Menu' }).click();
  await page.getByTestId('phone-menu').getByRole('link', { name: 'Account' }).click();
  await expect(page).toHaveURL(/\/account$/);
  await expect(page.getByTestId('phone-menu-button')).toHaveAttribute('aria-expanded', 'false');
});

test('when a signed-out visitor opens the account pages, then they are sent to sign in first', async ({ page }) => {
  for (const path of ['/account', '/account/security']) {
    await page.goto(path);
    await expect(page).toHaveURL(/\/sign-in\?returnUrl=/);
  }
});
