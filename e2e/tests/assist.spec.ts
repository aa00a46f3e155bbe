import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { anOrganizer, cspViolations, expectNoAxeViolations, signIn, watchConsole } from '../support/app.js';

// The event assistant in the editor (issue 12): an organizer pastes a sentence, presses Fill in,
// sees the form filled with suggested fields, and saves and publishes it themselves.
// With ASSIST_SCREENSHOTS=1 the filled editor is also saved to docs/screenshots/ (desktop, phone).

test.use({ timezoneId: 'Europe/Paris', colorScheme: 'light' });

const screenshotsDir = path.resolve(import.meta.dirname, '../../docs/screenshots');

async function atRest(page: Page) {
  await page.evaluate(async () => {
    (document.activeElement as HTMLElement | null)?.blur();
    await Promise.all(document.getAnimations().map((a) => a.finished.catch(() => undefined)));
  });
}

async function shoot(page: Page, name: string, outputPath: (name: string) => string) {
  await atRest(page);
  await page.screenshot({ path: outputPath(`${name}.png`), fullPage: true });
  if (process.env.ASSIST_SCREENSHOTS === '1') {
    await page.screenshot({ path: path.join(screenshotsDir, `${name}.png`), fullPage: true });
  }
}

test('when an organizer pastes a sentence and presses Fill in, then the form is filled and marked as suggested, and they publish it', async ({
  page,
}, testInfo) => {
  test.setTimeout(120_000);
  const console = watchConsole(page);
  const organizer = await anOrganizer(page.request, 'Assist Organizer');
  const year = new Date().getFullYear() + 1;
  const sentence =
    `Quarterly all-hands on March 15 ${year} at 10am Berlin time in the HQ auditorium, ` + '2.5 hours, 200 seats, ask for dietary needs';

  await page.setViewportSize({ width: 1280, height: 800 });
  await signIn(page, organizer);
  await page.getByTestId('new-event').click();
  await expect(page).toHaveURL(/\/events\/new$/);

  const fillIn = page.getByRole('button', { name: 'Fill in', exact: true });
  await expect(fillIn).toBeDisabled();
  await page.getByLabel('Describe the event').fill(sentence);
  await expect(page.getByTestId('assist-count')).toHaveText(`${sentence.length} / 20,000 characters`);
  await fillIn.click();

  await expect(page.getByTestId('assist-provider')).toContainText('Drafted by the built-in assistant');
  await expect(page.getByLabel('Title')).toHaveValue(/all-hands/i);
  await expect(page.getByTestId('time-zone')).toHaveValue('Europe/Berlin');
  await expect(page.getByLabel('Starts')).toHaveValue(`${year}-03-15T10:00`);
  await expect(page.getByLabel('Ends')).toHaveValue(`${year}-03-15T12:30`);
  await expect(page.getByLabel('Venue')).toHaveValue(/HQ auditorium/i);
  await expect(page.getByLabel('Capacity')).toHaveValue('200');
  await expect(page.getByRole('textbox', { name: 'Question 1', exact: true })).toHaveValue(/dietary/i);
  // Left empty by the draft: untouched.
  await expect(page.getByLabel('Online link (https)')).toHaveValue('');
  await expect(page.getByTestId('assist-note-onlineUrl')).toHaveCount(0);

  // Each filled field is marked, and its control is described by the mark.
  for (const field of ['title', 'timeZone', 'startsAt', 'endsAt', 'venue', 'capacity', 'questions']) {
    await expect(page.getByTestId(`assist-note-${field}`), field).toContainText('Suggested by the assistant');
  }
  await expect(page.getByLabel('Venue')).toHaveAccessibleDescription(/Suggested by the assistant/);
  await expectNoAxeViolations(page);
  await shoot(page, 'editor-assist-desktop', (name) => testInfo.outputPath(name));

  await page.setViewportSize({ width: 390, height: 844 });
  await expectNoAxeViolations(page);
  await shoot(page, 'editor-assist-phone', (name) => testInfo.outputPath(name));
  await page.setViewportSize({ width: 1280, height: 800 });

  // Editing a field takes its mark away; the others stay until Accept all.
  const title = `All-hands Q1 ${Date.now().toString(36)}`;
  await page.getByLabel('Title').fill(title);
  await expect(page.getByTestId('assist-note-title')).toHaveCount(0);
  await expect(page.getByTestId('assist-note-venue')).toContainText('Suggested by the assistant');
  await page.getByRole('button', { name: 'Accept all' }).click();
  await expect(page.getByTestId('assist-note-venue')).toHaveCount(0);
  await expect(page.getByTestId('assist-summary')).toContainText('All suggestions accepted.');

  // Nothing was saved by the assistant: publishing is the organizer's press.
  await page.getByRole('button', { name: 'Save and publish' }).click();
  await expect(page).toHaveURL(/\/events\/evt_[0-9a-z]{25}$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(title);
  await expect(page.getByText(/HQ auditorium/i)).toBeVisible();
  await expect(page.getByTestId('seats-left')).toHaveText('200 seats left');
  await expect(page.getByText('0 of 200 taken')).toBeVisible();
  await expect(page.getByLabel(/dietary/i)).toBeVisible();
  expect(cspViolations(console)).toEqual([]);
});

test('when the app is in German, then the assistant panel and its marks are German too', async ({ page }, testInfo) => {
  const organizer = await anOrganizer(page.request, 'Assist Organisatorin');
  const year = new Date().getFullYear() + 1;
  await page.setViewportSize({ width: 390, height: 844 });
  await signIn(page, organizer);
  await page.evaluate(() => localStorage.setItem('se_lang', 'de'));
  await page.goto('/events/new');

  await expect(page.getByRole('heading', { name: 'Aus Text ausfüllen' })).toBeVisible();
  await page
    .getByLabel('Beschreiben Sie die Veranstaltung')
    .fill(`Lunch and learn on June 10 ${year} from 12:00 to 13:00 in Room Turing, max 25 people`);
  await expect(page.getByTestId('assist-count')).toContainText('/ 20.000 Zeichen');
  await page.getByRole('button', { name: 'Ausfüllen', exact: true }).click();

  await expect(page.getByTestId('assist-provider')).toContainText('Entworfen vom eingebauten Assistenten');
  await expect(page.getByTestId('assist-note-venue')).toContainText('Vorschlag des Assistenten');
  await expect(page.getByLabel('Kapazität')).toHaveValue('25');
  await expectNoAxeViolations(page);
  await atRest(page);
  await page.screenshot({ path: testInfo.outputPath('editor-assist-phone-de.png'), fullPage: true });
});
