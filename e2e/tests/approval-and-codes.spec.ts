import { expect, test, type Browser, type Page } from '@playwright/test';
import { aPerson, aPublishedEvent, anOrganizer, expectNoAxeViolations, registerThroughApi, signIn, type Person } from '../support/app.js';

// Approval mode and access codes (issue 14): an organizer takes registrations by approval and
// makes an access code for a hidden type in the organizer panel; one attendee registers and waits
// for approval, another opens the hidden type with the code on a phone; the organizer approves one
// and rejects the other with a reason from the approval queue, and each sees the outcome. axe and
// screenshots at 1280 and 390 px.
test.describe.configure({ mode: 'serial' });

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
  const id = await aPublishedEvent(request, organizer, {
    title: `E2E approval ${Date.now().toString(36)}`,
    registrationMode: 'approval',
    capacity: undefined,
    ticketTypes: [
      { name: 'Standard', capacity: 3 },
      { name: 'Speaker', capacity: 2, hidden: true },
    ],
  });
  eventUrl = `/events/${id}`;
});

test('when an organizer switches the editor to approval, then the mode is kept; in the panel they make an access code for the hidden type', async ({
  browser,
}, testInfo) => {
  const page = await signedInPage(browser, organizer);
  await page.goto(`${eventUrl}/edit`);
  await expect(page.getByTestId('registration-mode')).toContainText('Approval');
  // The overall limit is empty: the event has only its types' quotas, and saving keeps it so.
  await expect(page.getByTestId('capacity')).toHaveValue('');
  await expectNoAxeViolations(page);
  await page.screenshot({ path: testInfo.outputPath('editor-approval-1280.png'), fullPage: true });
  await page.getByRole('button', { name: 'Save changes' }).click();
  await expect(page).toHaveURL(new RegExp(`${eventUrl}$`));

  const codes = page.getByTestId('access-codes');
  await codes.getByTestId('new-code-text').fill('speakers-e2e');
  await codes.getByTestId('new-code-types').click();
  await page.getByRole('option', { name: 'Speaker' }).click();
  await page.keyboard.press('Escape');
  await codes.getByTestId('new-code-max').fill('1');
  await codes.getByTestId('create-code').click();
  await expect(codes.getByTestId('access-code-text')).toHaveText('SPEAKERS-E2E');
  await expect(codes.getByTestId('access-code-row')).toContainText('0 of 1');
  await expectNoAxeViolations(page);
  await page.screenshot({ path: testInfo.outputPath('panel-access-codes-1280.png'), fullPage: true });
  await page.context().close();
});

test('when an attendee registers for an approval event, then they see it waits for approval, on the event page and in their tickets', async ({
  browser,
}, testInfo) => {
  const page = await signedInPage(browser, alice);
  await page.goto(eventUrl);
  await expect(page.getByTestId('approval-mode')).toBeVisible();
  // The hidden type is not offered: one type, no picker.
  await expect(page.getByTestId('ticket-types')).toHaveCount(0);
  await page.getByTestId('register-button').click();
  await expect(page.getByTestId('registration-pending')).toContainText('waiting for the organizers’ approval');
  await expectNoAxeViolations(page);
  await page.screenshot({ path: testInfo.outputPath('detail-pending-1280.png'), fullPage: true });
  await page.goto('/tickets');
  await expect(page.getByTestId('ticket-pending')).toContainText('Waiting for approval');
  await expectNoAxeViolations(page);
  await page.context().close();
});

test('when an attendee on a phone types the access code, then the hidden type opens for them', async ({ browser }, testInfo) => {
  const phone = await signedInPage(browser, bob, 390);
  await phone.goto(eventUrl);
  await phone.getByTestId('have-access-code').click();
  // A wrong code is refused beside the form and nothing is registered.
  await phone.getByTestId('access-code').fill('NOT-A-CODE');
  await phone.getByTestId('register-button').click();
  await expect(phone.getByTestId('registration-error')).toBeVisible();
  await expect(phone.getByTestId('registration-status')).toHaveCount(0);
  await phone.getByTestId('access-code').fill('speakers-e2e');
  await expectNoAxeViolations(phone);
  await phone.screenshot({ path: testInfo.outputPath('detail-access-code-390.png'), fullPage: true });
  await phone.getByTestId('register-button').click();
  await expect(phone.getByTestId('registration-pending')).toBeVisible();
  // The hidden type's name is not shown to attendees; the organizer's code list counts the use (next test).
  await phone.context().close();
});

test('when the organizer approves one and rejects the other with a reason, then each attendee sees the outcome', async ({
  browser,
}, testInfo) => {
  const page = await signedInPage(browser, organizer);
  await page.goto(eventUrl);
  const queue = page.getByTestId('approval-queue');
  await expect(queue.getByTestId('approval-row')).toHaveCount(2);
  await expect(page.getByTestId('access-code-row')).toContainText('1 of 1');
  await expectNoAxeViolations(page);
  await page.screenshot({ path: testInfo.outputPath('panel-approvals-1280.png'), fullPage: true });
  await queue.getByRole('button', { name: `Approve ${alice.displayName}` }).click();
  await expect(queue.getByTestId('approval-notice')).toHaveText('1 approved.');
  await expect(queue.getByTestId('approval-row')).toHaveCount(1);
  await queue.getByTestId(`approval-select-${bob.email}`).click();
  await queue.getByTestId('reject-reason').fill('Speaker slots are full');
  await queue.getByTestId('reject-selected').click();
  await expect(queue.getByTestId('approval-notice')).toHaveText('1 rejected.');
  await expect(queue).toContainText('Nobody is waiting for approval.');
  await page.context().close();

  const phone = await signedInPage(browser, organizer, 390);
  await phone.goto(eventUrl);
  await expect(phone.getByTestId('approval-queue')).toBeVisible();
  await expectNoAxeViolations(phone);
  await phone.screenshot({ path: testInfo.outputPath('panel-approvals-390.png'), fullPage: true });
  await phone.context().close();

  const a = await signedInPage(browser, alice);
  await a.goto('/tickets');
  await expect(a.getByTestId('ticket-qr')).toBeVisible();
  await a.context().close();
  const b = await signedInPage(browser, bob, 390);
  await b.goto(eventUrl);
  await expect(b.getByTestId('registration-rejected')).toContainText('Speaker slots are full');
  await expectNoAxeViolations(b);
  await b.screenshot({ path: testInfo.outputPath('detail-rejected-390.png'), fullPage: true });
  await b.context().close();
});
