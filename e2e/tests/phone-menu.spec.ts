import { expect, test, type Page } from '@playwright/test';
import { admin } from '../playwright.config.js';
import { aPerson, aPublishedEvent, expectNoAxeViolations, expectNoHorizontalOverflow, registerThroughApi, signIn } from '../support/app.js';

// At 390 × 844 (a phone) the toolbar is one row and the navigation lives in the menu.

async function expectOneRowToolbar(page: Page): Promise<void> {
  const height = await page.locator('header .toolbar').evaluate((toolbar) => toolbar.getBoundingClientRect().height);
  expect(height).toBeLessThanOrEqual(64);
}

test.use({ viewport: { width: 390, height: 844 } });

test('when the admin uses the phone menu, then it opens, leads to each page, and closes with Escape', async ({ page, request }) => {
  const eventId = await aPublishedEvent(request, admin);
  // A user whose name and address cannot wrap and are much wider than the phone: the users
  // table scrolls inside its box, the page does not.
  const wide = aPerson('Unbreakable');
  const unbreakable = `${'x'.repeat(40)}${wide.email.replace(/\W/g, '')}`;
  await registerThroughApi(request, { ...wide, email: `${unbreakable}@secureevent.test`, displayName: unbreakable });
  await signIn(page, admin);
  await expectOneRowToolbar(page);

  const button = page.getByRole('button', { name: 'Menu' });
  await expect(button).toHaveAttribute('aria-expanded', 'false');
  await expect(page.getByRole('navigation', { name: 'Main' })).toBeHidden();
  await button.click();
  await expect(button).toHaveAttribute('aria-expanded', 'true');
  await expect(page.getByRole('navigation', { name: 'Main' })).toBeVisible();
  const menu = page.getByTestId('phone-menu');
  await expect(menu.getByRole('link')).toHaveText(['Events', 'Dashboard', 'My tickets', 'Admin', 'Account']);
  await expect(menu.getByRole('button', { name: 'Sign out' })).toBeVisible();
  await expectNoAxeViolations(page);
  await page.screenshot({ path: test.info().outputPath('phone-menu-open-390.png') });

  await menu.getByRole('link', { name: 'My tickets' }).click();
  await expect(page).toHaveURL(/\/tickets$/);
  await expect(menu).toBeHidden();

  await button.click();
  await page.keyboard.press('Escape');
  await expect(menu).toBeHidden();
  await expect(button).toBeFocused();

  // Nothing is wider than the phone on the pages the menu leads to.
  for (const path of ['/events', '/dashboard', '/tickets', `/events/${eventId}`, '/admin', '/notifications']) {
    await page.goto(path);
    await expect(page.getByRole('heading', { level: 1 }).first()).toBeVisible();
    await expectOneRowToolbar(page);
    await expectNoHorizontalOverflow(page);
    await expectNoAxeViolations(page);
  }

  await button.click();
  await menu.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/sign-in$/);
});

test('when a visitor opens the phone menu, then it offers sign in and sign up', async ({ page }) => {
  await page.goto('/events');
  await expectOneRowToolbar(page);
  await page.getByRole('button', { name: 'Menu' }).click();
  const menu = page.getByTestId('phone-menu');
  await expect(menu.getByRole('link')).toHaveText(['Events', 'Sign in', 'Sign up']);
  await expectNoAxeViolations(page);
  await menu.getByRole('link', { name: 'Sign up' }).click();
  await expect(page).toHaveURL(/\/sign-up$/);
  await expectNoHorizontalOverflow(page);
});
