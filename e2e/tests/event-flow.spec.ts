import { expect, test, type Browser, type Page } from '@playwright/test';
import {
  aPerson,
  anOrganizer,
  cspViolations,
  expectNoAxeViolations,
  registerThroughApi,
  signIn,
  watchConsole,
  type Person,
} from '../support/app.js';

// One story, step by step: an organizer publishes an event with a question, attendees fill it
// (live seat counts, waitlist, promotion with a live notification), and the door checks a
// ticket in once.
test.describe.configure({ mode: 'serial' });

const title = `E2E summit ${Date.now().toString(36)}`;
let organizer: Person;
let alice: Person;
let bob: Person;
let carol: Person;
let eventUrl = '';
// Console errors of every page the story opens: the strict CSP must block nothing anywhere.
const consoleErrors: string[] = [];

async function signedInPage(browser: Browser, person: Person): Promise<Page> {
  const context = await browser.newContext();
  const page = await context.newPage();
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text());
  });
  await signIn(page, person);
  return page;
}

test.afterEach(() => {
  expect(cspViolations(consoleErrors)).toEqual([]);
});

test.beforeAll(async ({ request }) => {
  organizer = await anOrganizer(request);
  alice = aPerson('Alice');
  bob = aPerson('Bob');
  carol = aPerson('Carol');
  for (const person of [alice, bob, carol]) await registerThroughApi(request, person);
});

test('when an organizer creates an event with a question and publishes it, then it is live', async ({ page }) => {
  const console = watchConsole(page);
  await signIn(page, organizer);
  await page.getByTestId('new-event').click();
  await expect(page).toHaveURL(/\/events\/new$/);
  await expectNoAxeViolations(page);

  await page.getByLabel('Title').fill(title);
  await page.getByLabel('Description').fill('A **bold** day of talks.\n\n<script>alert(1)</script>');
  await page.getByTestId('time-zone').fill('Asia/Tokyo');
  await page.getByRole('option', { name: 'Asia/Tokyo' }).click();
  const year = new Date().getFullYear() + 1;
  await page.getByLabel('Starts').fill(`${year}-05-04T09:00`);
  await page.getByLabel('Ends').fill(`${year}-05-04T17:00`);
  await page.getByLabel('Venue').fill('Hall 1');
  await page.getByLabel('Capacity').fill('2');
  await page.getByLabel('Tags').fill('e2e, summit');
  await page.getByRole('button', { name: 'Add a question' }).click();
  await page.getByRole('textbox', { name: 'Question 1', exact: true }).fill('T-shirt size');

  // A field error shows beside its field before anything is sent.
  await page.getByLabel('Title').fill('ab');
  await page.getByRole('button', { name: 'Save and publish' }).click();
  await expect(page.getByText('Title must be at least 3 characters.')).toBeVisible();
  await page.getByLabel('Title').fill(title);

  await page.getByRole('button', { name: 'Save and publish' }).click();
  await expect(page).toHaveURL(/\/events\/evt_[0-9a-z]{25}$/);
  eventUrl = new URL(page.url()).pathname;
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(title);
  await expect(page.getByTestId('seats-left')).toHaveText('2 seats left');
  // The description is rendered from Markdown and sanitised: bold text, no script.
  await expect(page.locator('section.description strong')).toHaveText('bold');
  expect(await page.locator('section.description script').count()).toBe(0);
  // Times are shown in the viewer's zone, with Tokyo time beside them.
  await expect(page.getByText(/Event time \(Asia\/Tokyo\)/)).toBeVisible();
  await expectNoAxeViolations(page);
  expect(cspViolations(console)).toEqual([]);
});

test('when an attendee finds the event and registers with an answer, then another viewer sees the seat count drop live and the attendee sees a QR ticket', async ({
  browser,
}) => {
  const watcher = await (await browser.newContext()).newPage();
  await watcher.goto(eventUrl);
  await expect(watcher.getByTestId('seats-left')).toHaveText('2 seats left');

  const page = await signedInPage(browser, alice);
  await page.getByRole('link', { name: 'Events', exact: true }).click();
  await page.getByTestId('search-input').fill(title);
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  await expect(page).toHaveURL(/[?&]q=/);
  const card = page.getByTestId('event-card').filter({ hasText: title });
  await expect(card).toHaveCount(1);
  await expectNoAxeViolations(page);
  await card.getByRole('link', { name: title }).click();

  await page.getByLabel('T-shirt size').fill('M');
  await page.getByTestId('register-button').click();
  await expect(page.getByTestId('registration-notice')).toContainText('You are registered');

  // The watcher's page was not reloaded: the count came over the WebSocket.
  await expect(watcher.getByTestId('seats-left')).toHaveText('1 seat left');

  await page.getByRole('link', { name: 'See your ticket' }).click();
  await expect(page).toHaveURL(/\/tickets$/);
  const ticket = page.getByTestId('ticket').filter({ hasText: title });
  const qr = ticket.getByTestId('ticket-qr');
  await expect(qr).toBeVisible();
  expect(await qr.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);
  await expectNoAxeViolations(page);
  await watcher.context().close();
  await page.context().close();
});

test('when the event is full, then the next attendee is waitlisted and is promoted, with a live notification, when someone cancels', async ({
  browser,
}) => {
  const bobPage = await signedInPage(browser, bob);
  await bobPage.goto(eventUrl);
  await bobPage.getByLabel('T-shirt size').fill('L');
  await bobPage.getByTestId('register-button').click();
  await expect(bobPage.getByTestId('registration-notice')).toContainText('You are registered');
  await expect(bobPage.getByTestId('seats-left')).toHaveText(/^Full/);

  const carolPage = await signedInPage(browser, carol);
  await carolPage.goto(eventUrl);
  await expect(carolPage.getByTestId('register-button')).toHaveText('Join the waitlist');
  await carolPage.getByLabel('T-shirt size').fill('S');
  await carolPage.getByTestId('register-button').click();
  await expect(carolPage.getByTestId('registration-notice')).toContainText('waitlist (position 1)');

  await carolPage.goto('/dashboard');
  await expectNoAxeViolations(carolPage);
  const bell = carolPage.getByTestId('notification-bell');
  await expect(bell).toBeVisible();
  const unreadBefore = Number(
    (await carolPage
      .getByTestId('unread-count')
      .textContent({ timeout: 2000 })
      .catch(() => '0')) ?? 0,
  );

  const alicePage = await signedInPage(browser, alice);
  await alicePage.goto(eventUrl);
  await alicePage.getByRole('button', { name: 'Cancel my registration' }).click();
  await expect(alicePage.getByTestId('registration-notice')).toContainText('cancelled');

  // Carol's dashboard was not reloaded: the notification and its count came over the WebSocket.
  await expect(carolPage.getByTestId('unread-count')).toHaveText(String(unreadBefore + 1));
  await bell.click();
  await expect(carolPage.getByTestId('notification').first()).toContainText(title);
  await expectNoAxeViolations(carolPage);
  await carolPage.getByTestId('mark-all-read').click();
  await expect(carolPage.getByTestId('unread-count')).toHaveCount(0);

  await carolPage.goto('/tickets');
  await expect(carolPage.getByTestId('ticket').filter({ hasText: title }).getByTestId('ticket-qr')).toBeVisible();
  for (const p of [bobPage, carolPage, alicePage]) await p.context().close();
});

test('when the organizer checks a ticket in, then it is valid once and a second scan is refused', async ({ browser }) => {
  const bobPage = await signedInPage(browser, bob);
  await bobPage.goto('/tickets');
  const code = (await bobPage.getByTestId('ticket').filter({ hasText: title }).getByTestId('ticket-code').textContent())!.trim();
  expect(code.length).toBeGreaterThan(10);
  await bobPage.context().close();

  const page = await signedInPage(browser, organizer);
  await expect(page.getByTestId('organizer-event').filter({ hasText: title })).toContainText('0 of 2 checked in');
  await expectNoAxeViolations(page);
  await page.goto(`${eventUrl}/check-in`);
  await expect(page.getByTestId('checkin-count')).toContainText('0 of 2 checked in');
  await expectNoAxeViolations(page);

  await page.getByTestId('ticket-code').fill(code);
  await page.getByRole('button', { name: 'Check in' }).click();
  await expect(page.getByTestId('checkin-result')).toContainText('Valid ticket');
  await expect(page.getByTestId('checkin-count')).toContainText('1 of 2 checked in');

  await page.getByTestId('ticket-code').fill(code);
  await page.getByRole('button', { name: 'Check in' }).click();
  await expect(page.getByTestId('checkin-result')).toContainText('Already checked in');
  await expect(page.getByTestId('checkin-result')).toContainText('by you');

  await page.getByTestId('ticket-code').fill('not-a-ticket-code-at-all');
  await page.getByRole('button', { name: 'Check in' }).click();
  await expect(page.getByTestId('checkin-result')).toContainText('Invalid ticket');
  await expect(page.getByTestId('checkin-count')).toContainText('1 of 2 checked in');
  await expectNoAxeViolations(page);

  await page.goto(eventUrl);
  await expect(page.getByTestId('attendees')).toContainText(bob.displayName);
  await expectNoAxeViolations(page);
  await page.context().close();
});

test('when the organizer cancels the event, then an attendee looking at it is told at once', async ({ browser }) => {
  const bobPage = await signedInPage(browser, bob);
  await bobPage.goto(eventUrl);
  await expect(bobPage.getByTestId('registration-status')).toContainText('You are registered');

  const page = await signedInPage(browser, organizer);
  await page.goto(eventUrl);
  await page.getByRole('button', { name: 'Cancel event' }).click();
  await page.getByRole('button', { name: 'Yes, cancel the event' }).click();
  await expect(page.getByTestId('event-status')).toHaveText('cancelled');

  // Bob's page was not reloaded: the change came over the WebSocket.
  await expect(bobPage.getByTestId('event-cancelled')).toBeVisible();
  await expect(bobPage.getByTestId('event-status')).toHaveText('cancelled');
  await expectNoAxeViolations(bobPage);
  for (const p of [bobPage, page]) await p.context().close();
});
