import { expect, test } from '@playwright/test';
import { aPublishedEvent, anOrganizer, expectNoAxeViolations } from '../support/app.js';

test('when someone switches to German and back, then the app follows at once, remembers it, and sets <html lang>', async ({
  page,
  request,
}) => {
  const organizer = await anOrganizer(request, 'Sprach Test');
  await aPublishedEvent(request, organizer, { title: `Sprachtest ${Date.now()}`, capacity: 3 });

  await page.goto('/events');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Upcoming events');
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');

  await page.getByLabel('Language').selectOption('de');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Kommende Veranstaltungen');
  await expect(page.locator('html')).toHaveAttribute('lang', 'de');
  await expect(page.getByRole('link', { name: 'Anmelden' })).toBeVisible();
  await expect(page.getByTestId('seats-left').first()).toContainText(/Plätze frei|Platz frei|Ausgebucht/);
  await expect(page).toHaveTitle('Veranstaltungen · SecureEvent');
  await expectNoAxeViolations(page);

  // Remembered: a reload (and the next visit) starts in German.
  await page.reload();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Kommende Veranstaltungen');
  await page.getByRole('link', { name: 'Anmelden' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Anmelden');
  await page.getByRole('button', { name: 'Anmelden', exact: true }).click();
  await expect(page.getByText('E-Mail ist erforderlich.')).toBeVisible();

  await page.getByLabel('Sprache').selectOption('en');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Sign in');
  await expect(page.getByText('Email is required.')).toBeVisible();
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await page.reload();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Sign in');
});

test('when the browser prefers French, then the first visit is in French', async ({ browser }) => {
  const context = await browser.newContext({ locale: 'fr-FR' });
  const page = await context.newPage();
  await page.goto('/events');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Événements à venir');
  await expect(page.locator('html')).toHaveAttribute('lang', 'fr');
  await expectNoAxeViolations(page);
  await context.close();
});
