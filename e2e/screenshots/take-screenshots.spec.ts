import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { admin } from '../playwright.config.js';
import { aPerson, aPublishedEvent, anOrganizer, apiToken, inDays, registerThroughApi, signIn } from '../support/app.js';

// Saves the main pages to docs/screenshots/*.png. Not part of the E2E suite (its own config):
//   npm run screenshots
test.describe.configure({ mode: 'serial' });
test.use({ viewport: { width: 1280, height: 860 }, colorScheme: 'light', timezoneId: 'America/New_York' });

const dir = path.resolve(import.meta.dirname, '../../docs/screenshots');

async function shoot(page: Page, name: string) {
  // Screenshots of the page at rest: no caret, no pressed button, no running transition.
  await page.evaluate(async () => {
    (document.activeElement as HTMLElement | null)?.blur();
    await Promise.all(document.getAnimations().map((a) => a.finished.catch(() => undefined)));
  });
  await page.screenshot({ path: path.join(dir, `${name}.png`), fullPage: true });
}

test('when the main pages are shown, then each is saved as a screenshot', async ({ browser, request }) => {
  test.setTimeout(180_000);
  const organizer = await anOrganizer(request, 'Grace Organizer');
  const attendee = aPerson('Ada Attendee');
  await registerThroughApi(request, attendee);

  const eventId = await aPublishedEvent(request, organizer, {
    title: 'Secure coding workshop',
    description:
      'A hands-on day on **threat modelling**, dependency hygiene and secure code review.\n\n- Bring a laptop\n- Lunch is provided',
    startsAt: inDays(6),
    endsAt: inDays(6.25),
    timeZone: 'Europe/Berlin',
    venue: 'Berlin office, room Turing',
    capacity: 30,
    tags: ['security', 'workshop'],
    questions: [
      { id: 'team', label: 'Your team', type: 'text', required: true },
      { id: 'lunch', label: 'Lunch', type: 'choice', required: true, options: ['Regular', 'Vegetarian', 'Vegan'] },
    ],
  });
  await aPublishedEvent(request, organizer, {
    title: 'All-hands Q3',
    startsAt: inDays(9),
    endsAt: inDays(9.05),
    timeZone: 'America/New_York',
    venue: null,
    onlineUrl: 'https://meet.example/all-hands',
    capacity: 500,
    tags: ['company'],
  });
  await aPublishedEvent(request, organizer, {
    title: 'Kubernetes meetup',
    startsAt: inDays(12),
    endsAt: inDays(12.1),
    timeZone: 'Europe/London',
    venue: 'London office',
    onlineUrl: 'https://meet.example/k8s',
    capacity: 2,
    tags: ['community', 'kubernetes'],
  });
  const attendeeToken = await apiToken(request, attendee);
  const registered = await request.post(`/api/events/${eventId}/registrations`, {
    headers: { authorization: `Bearer ${attendeeToken}` },
    data: { answers: { team: 'Payments', lunch: 'Vegetarian' } },
  });
  expect(registered.status()).toBe(201);

  const visitor = await browser.newPage();
  await visitor.goto('/events');
  await expect(visitor.getByTestId('event-card').first()).toBeVisible();
  await shoot(visitor, 'events');
  await visitor.goto('/sign-in');
  await shoot(visitor, 'sign-in');
  await visitor.close();

  const attendeePage = await (
    await browser.newContext({ viewport: { width: 1280, height: 860 }, timezoneId: 'America/New_York' })
  ).newPage();
  await signIn(attendeePage, attendee);
  await shoot(attendeePage, 'dashboard-attendee');
  await attendeePage.goto(`/events/${eventId}`);
  await expect(attendeePage.getByTestId('registration-status')).toBeVisible();
  await shoot(attendeePage, 'event-detail');
  await attendeePage.goto('/tickets');
  await expect(attendeePage.getByTestId('ticket-qr')).toBeVisible();
  await shoot(attendeePage, 'tickets');
  await attendeePage.setViewportSize({ width: 390, height: 844 });
  await shoot(attendeePage, 'tickets-phone');
  await attendeePage.setViewportSize({ width: 1280, height: 860 });
  await attendeePage.goto('/notifications');
  await expect(attendeePage.getByTestId('inbox')).toBeVisible();
  await shoot(attendeePage, 'notifications');
  await attendeePage.goto('/tickets');
  const ticketCode = (await attendeePage.getByTestId('ticket-code').first().textContent())!.trim();
  await attendeePage.context().close();

  const organizerPage = await (await browser.newContext({ viewport: { width: 1280, height: 860 }, timezoneId: 'Europe/Berlin' })).newPage();
  await signIn(organizerPage, organizer);
  await expect(organizerPage.getByTestId('organizer-event').first()).toBeVisible();
  await shoot(organizerPage, 'dashboard-organizer');
  await organizerPage.goto(`/events/${eventId}/check-in`);
  await organizerPage.getByTestId('ticket-code').fill(ticketCode);
  await organizerPage.getByRole('button', { name: 'Check in' }).click();
  await expect(organizerPage.getByTestId('checkin-result')).toContainText('Valid ticket');
  await shoot(organizerPage, 'check-in');
  await organizerPage.goto(`/events/${eventId}`);
  await expect(organizerPage.getByTestId('attendees')).toBeVisible();
  await shoot(organizerPage, 'event-organizer');
  await organizerPage.goto(`/events/${eventId}/edit`);
  await expect(organizerPage.getByLabel('Title')).toHaveValue('Secure coding workshop');
  await shoot(organizerPage, 'event-editor');
  await organizerPage.context().close();

  const adminPage = await (await browser.newContext({ viewport: { width: 1280, height: 860 } })).newPage();
  await signIn(adminPage, admin);
  await adminPage.goto('/admin');
  await expect(adminPage.getByTestId('users')).toBeVisible();
  await shoot(adminPage, 'admin');
  await adminPage.goto('/admin/audit');
  await adminPage.getByTestId('audit-action').fill('event.updated');
  await adminPage.getByTestId('audit-search').click();
  await expect(adminPage.getByTestId('audit-entries').or(adminPage.getByTestId('audit-empty'))).toBeVisible();
  await adminPage.getByTestId('audit-action').fill('');
  await adminPage.getByTestId('audit-search').click();
  await expect(adminPage.getByTestId('audit-entry').first()).toBeVisible();
  await adminPage.getByTestId('audit-entry').first().locator('summary').click();
  await adminPage.getByTestId('audit-verify').click();
  await expect(adminPage.getByTestId('audit-verification')).toContainText('chain');
  await shoot(adminPage, 'admin-audit');
  await adminPage.setViewportSize({ width: 390, height: 844 });
  await shoot(adminPage, 'admin-audit-phone');
  await adminPage.setViewportSize({ width: 1280, height: 860 });
  await adminPage.goto('/admin/overview');
  await expect(adminPage.getByTestId('overview')).toBeVisible();
  await adminPage.waitForTimeout(500); // the charts draw after Chart.js has loaded
  await shoot(adminPage, 'admin-overview');
  await adminPage.context().close();

  // The same pages in German (the language select in the toolbar, remembered across pages).
  const german = await (
    await browser.newContext({ viewport: { width: 1280, height: 860 }, locale: 'de-DE', timezoneId: 'Europe/Berlin' })
  ).newPage();
  await german.goto('/events');
  await expect(german.getByRole('heading', { level: 1 })).toHaveText('Kommende Veranstaltungen');
  await expect(german.getByTestId('event-card').first()).toBeVisible();
  await shoot(german, 'de-events');
  await german.setViewportSize({ width: 390, height: 844 });
  await shoot(german, 'de-events-phone');
  await german.setViewportSize({ width: 1280, height: 860 });
  await german.goto('/sign-in');
  await german.getByLabel('E-Mail').fill(organizer.email);
  await german.getByLabel('Passwort').fill(organizer.password);
  await german.getByRole('button', { name: 'Anmelden', exact: true }).click();
  await expect(german).toHaveURL(/\/dashboard$/);
  await expect(german.getByTestId('organizer-event').first()).toBeVisible();
  await shoot(german, 'de-dashboard-organizer');
  await german.goto(`/events/${eventId}`);
  await expect(german.getByTestId('attendees')).toBeVisible();
  await shoot(german, 'de-event-organizer');
  await german.goto(`/events/${eventId}/edit`);
  await shoot(german, 'de-event-editor');
  await german.context().close();
});
