import { AxeBuilder } from '@axe-core/playwright';
import { expect, test } from '@playwright/test';
import { admin } from '../playwright.config.js';

const inDays = (d: number) => new Date(Date.now() + d * 86_400_000).toISOString();

test('when an organizer has published an event, then a visitor sees it on the events page', async ({ page, request }) => {
  const title = `E2E meetup ${Date.now()}`;
  const login = await request.post('/api/auth/login', { data: admin });
  expect(login.status()).toBe(200);
  const headers = { authorization: `Bearer ${(await login.json()).accessToken}` };
  const created = await request.post('/api/events', {
    headers,
    data: {
      title,
      description: 'Seeded by the E2E suite.',
      startsAt: inDays(1),
      endsAt: inDays(1.1),
      timeZone: 'Europe/Berlin',
      venue: 'Room E2E',
      capacity: 40,
      tags: ['e2e'],
    },
  });
  expect(created.status()).toBe(201);
  const { id } = await created.json();
  expect((await request.post(`/api/events/${id}/publish`, { headers })).status()).toBe(200);

  const violations: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') violations.push(msg.text());
  });
  await page.goto('/events');
  const card = page.getByTestId('event-card').filter({ hasText: title });
  await expect(card).toBeVisible();
  await expect(card).toContainText('Room E2E');
  // The strict CSP holds: no inline script was needed, so nothing was blocked.
  expect(violations.filter((v) => /Content Security Policy/i.test(v))).toEqual([]);

  const axe = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']).analyze();
  expect(axe.violations.map((v) => `${v.id}: ${v.help}`)).toEqual([]);
});

test('when the API reference is opened, then every service is listed', async ({ page }) => {
  await page.goto('/api/docs');
  await expect(page.getByRole('heading', { name: /SecureEvent event-service/ })).toBeVisible();
  const definitions = page.getByRole('combobox', { name: 'Select a definition' });
  await expect(definitions.locator('option')).toHaveText(['event-service', 'user-service', 'notification-service', 'audit-service']);
  await definitions.selectOption('audit-service');
  await expect(page.getByRole('heading', { name: /SecureEvent audit-service/ })).toBeVisible();
});
