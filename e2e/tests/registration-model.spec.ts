import { expect, test, type Browser, type Page } from '@playwright/test';
import { aPerson, anOrganizer, expectNoAxeViolations, registerThroughApi, signIn, type Person } from '../support/app.js';

// Ticket types with quotas (issue 14): an organizer offers two types in the editor, attendees
// pick one on the event page and see each type's seats; a full type puts its newcomers on its
// own waitlist while the other still confirms. axe at desktop and phone sizes.
test.describe.configure({ mode: 'serial' });

const title = `E2E tickets ${Date.now().toString(36)}`;
let organizer: Person;
let alice: Person;
let bob: Person;
let eventUrl = '';

async function signedInPage(browser: Browser, person: Person, width = 1280): Promise<Page> {
  const context = await browser.newContext({ viewport: { width, height: width > 600 ? 900 : 844 } });
  const page = await context.newPage();
  await signIn(page, person);
  return page;
}

test.beforeAll(async ({ request }) => {
  organizer = await anOrganizer(request);
  alice = aPerson('Alice');
  bob = aPerson('Bob');
  for (const person of [alice, bob]) await registerThroughApi(request, person);
});

test('when an organizer adds two ticket types in the editor and publishes, then the event offers both with their seats', async ({
  browser,
}, testInfo) => {
  const page = await signedInPage(browser, organizer);
  await page.goto('/events/new');
  await page.getByLabel('Title').fill(title);
  const year = new Date().getFullYear() + 1;
  await page.getByLabel('Starts').fill(`${year}-06-04T09:00`);
  await page.getByLabel('Ends').fill(`${year}-06-04T17:00`);
  await page.getByLabel('Venue').fill('Hall 2');
  await page.getByLabel('Capacity').fill('3');
  await page.getByRole('button', { name: 'Add a ticket type' }).click();
  await page.getByRole('button', { name: 'Add a ticket type' }).click();
  await page.getByRole('textbox', { name: 'Ticket type 1' }).fill('Standard');
  await page.getByLabel('Seats of type 1').fill('2');
  await page.getByRole('textbox', { name: 'Ticket type 2' }).fill('Student');
  await page.getByLabel('Seats of type 2').fill('1');
  await expect(page.getByText('Optional limit across all ticket types; empty: only their own')).toBeVisible();
  await expectNoAxeViolations(page);
  await page.screenshot({ path: testInfo.outputPath('editor-ticket-types-1280.png'), fullPage: true });

  await page.getByRole('button', { name: 'Save and publish' }).click();
  await expect(page).toHaveURL(/\/events\/evt_[0-9a-z]{25}$/);
  eventUrl = new URL(page.url()).pathname;
  const picker = page.getByTestId('ticket-types');
  await expect(picker.getByRole('radio')).toHaveCount(2);
  await expect(picker).toContainText('Standard');
  await expect(picker).toContainText('2 seats left');
  await expect(picker).toContainText('Student');
  await expect(picker).toContainText('1 seat left');
  await page.context().close();
});

test('when attendees pick a ticket type, then they get a seat of it; once it is full, the next one waits for that type', async ({
  browser,
}, testInfo) => {
  const page = await signedInPage(browser, alice);
  await page.goto(eventUrl);
  // Registering without picking a type says so beside the picker, and registers nothing.
  await page.getByTestId('register-button').click();
  await expect(page.getByText('Choose a ticket type.')).toBeVisible();
  await expect(page.getByTestId('registration-status')).toHaveCount(0);
  await page.getByRole('radio', { name: /Student/ }).check();
  await expectNoAxeViolations(page);
  await page.screenshot({ path: testInfo.outputPath('detail-ticket-types-1280.png'), fullPage: true });
  await page.getByTestId('register-button').click();
  await expect(page.getByTestId('registration-status')).toContainText('You are registered.');
  await expect(page.getByTestId('registration-ticket-type')).toHaveText('Ticket type: Student');
  await page.context().close();

  const phone = await signedInPage(browser, bob, 390);
  await phone.goto(eventUrl);
  const student = phone.getByRole('radio', { name: /Student/ });
  await expect(phone.getByTestId('ticket-types')).toContainText('Full · waitlist open');
  await student.check();
  await expect(phone.getByTestId('register-button')).toHaveText(/Join the waitlist/);
  await expectNoAxeViolations(phone);
  await phone.screenshot({ path: testInfo.outputPath('detail-ticket-types-390.png'), fullPage: true });
  await phone.getByTestId('register-button').click();
  await expect(phone.getByTestId('registration-status')).toContainText('position 1');
  await expect(phone.getByTestId('registration-ticket-type')).toHaveText('Ticket type: Student');
  await phone.context().close();
});
