import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { admin } from '../playwright.config.js';
import { aPerson, aPublishedEvent, anOrganizer, apiToken, expectNoAxeViolations, registerThroughApi, signIn } from '../support/app.js';

test('when an admin searches the audit trail, then entries open to their data, the chain verifies and the filter exports', async ({
  page,
  request,
}) => {
  const organizer = await anOrganizer(request, 'Audited organizer');
  const title = `Audited event ${Date.now()}`;
  const eventId = await aPublishedEvent(request, organizer, { title });

  await signIn(page, admin);
  await page.goto('/admin');
  await page.getByTestId('admin-audit-link').click();
  await expect(page).toHaveURL(/\/admin\/audit$/);
  await expect(page.getByTestId('audit-entries')).toBeVisible();

  // The trail is written from messages, a moment after the request.
  await page.getByTestId('audit-action').fill('event.published');
  await page.getByLabel('Subject (id)').fill(eventId);
  await expect(async () => {
    await page.getByTestId('audit-search').click();
    await expect(page.getByTestId('audit-entry').first()).toBeVisible({ timeout: 2_000 });
  }).toPass({ timeout: 20_000 });
  const entries = page.getByTestId('audit-entry');
  for (const action of await entries.evaluateAll((items) => items.map((item) => item.getAttribute('data-action')))) {
    expect(action).toBe('event.published');
  }
  await entries.first().locator('summary').click();
  await expect(entries.first().locator('pre')).toContainText(eventId);
  await expectNoAxeViolations(page);

  await page.getByTestId('audit-verify').click();
  await expect(page.getByTestId('audit-verification')).toContainText('The chain is intact');

  const download = page.waitForEvent('download');
  await page.getByTestId('audit-export-csv').click();
  const file = await download;
  expect(file.suggestedFilename()).toMatch(/\.csv$/);
  const csv = readFileSync(await file.path(), 'utf8');
  expect(csv).toContain(eventId);
  expect(csv).toContain('event.published');

  // At phone size the page still works and passes axe.
  await page.setViewportSize({ width: 390, height: 844 });
  await expectNoAxeViolations(page);
});

test('when an admin opens the overview, then the charts count a registration made in the test', async ({ page, request }) => {
  const organizer = await anOrganizer(request, 'Charted organizer');
  const eventId = await aPublishedEvent(request, organizer, { title: `Charted event ${Date.now()}` });
  const attendee = aPerson('Charted attendee');
  await registerThroughApi(request, attendee);
  const token = await apiToken(request, attendee);

  await signIn(page, admin);
  await page.goto('/admin/overview');
  await expect(page.getByTestId('overview')).toBeVisible();
  // The visually hidden table beside the chart carries the numbers, each cell with its raw count
  // in data-value (the text is formatted for the language: "1,234"). The last row is today.
  const today = page.getByTestId('chart-registrations').locator('tbody tr').last().locator('td').first();
  const confirmedToday = async () => {
    const raw = await today.getAttribute('data-value');
    expect(raw).toMatch(/^\d+$/);
    return Number(raw);
  };
  // The database may hold any number of earlier registrations (benches, other suites): count from here.
  const before = await confirmedToday();

  const registered = await request.post(`/api/events/${eventId}/registrations`, {
    headers: { authorization: `Bearer ${token}`, 'Idempotency-Key': `e2e-${Date.now()}` },
    data: { answers: {} },
  });
  expect(registered.status()).toBe(201);
  expect((await registered.json()).status).toBe('confirmed');

  // The trail is written from messages, a moment after the request.
  await expect(async () => {
    await page.reload();
    await expect(page.getByTestId('overview')).toBeVisible({ timeout: 2_000 });
    expect(await confirmedToday()).toBeGreaterThanOrEqual(before + 1);
  }).toPass({ timeout: 20_000 });
  await expectNoAxeViolations(page);

  // The other ranges: the last 24 hours by hour, the last 7 days by day; both count it.
  await page.getByTestId('overview-range-day').click();
  await expect(page.getByTestId('overview')).toHaveAttribute('data-range', 'day');
  await expect(page.getByTestId('chart-registrations').locator('tbody tr')).toHaveCount(24);
  const hourly = await page
    .getByTestId('chart-registrations')
    .locator('tbody tr td:first-of-type')
    .evaluateAll((cells) => cells.map((cell) => Number(cell.getAttribute('data-value'))));
  expect(hourly.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(1);
  await page.getByTestId('overview-range-week').click();
  await expect(page.getByTestId('overview')).toHaveAttribute('data-range', 'week');
  await expect(page.getByTestId('chart-registrations').locator('tbody tr')).toHaveCount(7);
  expect(await confirmedToday()).toBeGreaterThanOrEqual(before + 1);
  await expectNoAxeViolations(page);

  // At phone size the page still works and passes axe.
  await page.setViewportSize({ width: 390, height: 844 });
  await expectNoAxeViolations(page);
});
