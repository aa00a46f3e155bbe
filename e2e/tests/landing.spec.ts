import { expect, test, type Page } from '@playwright/test';
import { admin } from '../playwright.config.js';
import {
  aPerson,
  aPublishedEvent,
  inDays,
  cspViolations,
  expectNoAxeViolations,
  registerThroughApi,
  signIn,
  watchConsole,
} from '../support/app.js';

/** Nothing on the page is wider than the window (no sideways scrolling on a phone). */
async function expectNoHorizontalOverflow(page: Page): Promise<void> {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow).toBeLessThanOrEqual(0);
}

for (const width of [1280, 390]) {
  test(`when a visitor opens / at ${width} px, then they see what this is, the next public event and the way to sign up`, async ({
    page,
    request,
  }) => {
    const console = watchConsole(page);
    const title = `Landing meetup ${Date.now()}`;
    await aPublishedEvent(request, admin, { title, venue: 'Landing hall', startsAt: inDays(0.02), endsAt: inDays(0.05) });
    await page.setViewportSize({ width, height: width === 390 ? 844 : 900 });

    await page.goto('/');
    await expect(page).toHaveURL(/\/$/);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Run events people sign up for');
    const event = page.getByTestId('landing-events').getByRole('listitem').filter({ hasText: title });
    await expect(event).toContainText('Landing hall');
    await expectNoAxeViolations(page);
    await expectNoHorizontalOverflow(page);
    await page.screenshot({ path: test.info().outputPath(`landing-${width}.png`), fullPage: true });

    await event.getByRole('link', { name: title }).click();
    await expect(page).toHaveURL(/\/events\/evt_[0-9a-z]{25}$/);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(title);

    await page.goto('/');
    await page.getByTestId('landing-sign-up').click();
    await expect(page).toHaveURL(/\/sign-up$/);
    expect(cspViolations(console)).toEqual([]);
  });
}

test('when someone signed in opens /, then they reach their dashboard', async ({ page, request }) => {
  const person = aPerson('Landing');
  await registerThroughApi(request, person);
  await signIn(page, person);

  await page.goto('/');
  await expect(page).toHaveURL(/\/dashboard$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Hello, ${person.displayName}`);
});

test('when a visitor opens / in German, then the landing page speaks German', async ({ page }) => {
  await page.addInitScript(() => localStorage.setItem('se_lang', 'de'));
  await page.goto('/');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Veranstaltungen, für die sich Menschen anmelden');
  await expect(page.locator('html')).toHaveAttribute('lang', 'de');
  await expectNoAxeViolations(page);
});
