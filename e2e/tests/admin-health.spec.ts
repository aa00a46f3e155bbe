import { expect, test } from '@playwright/test';
import { admin } from '../playwright.config.js';
import { anOrganizer, apiToken, expectNoAxeViolations, expectNoHorizontalOverflow, signIn } from '../support/app.js';

const SERVICES = ['user-service', 'event-service', 'notification-service', 'audit-service'];

test('when an admin opens the overview, then the health panel shows every service up with its dependencies, and refreshes itself', async ({
  page,
}, testInfo) => {
  await signIn(page, admin);
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto('/admin/overview');
  const panel = page.getByTestId('health-panel');
  await expect(panel).toHaveAttribute('data-status', 'up');
  await expect(page.getByTestId('health-overall')).toHaveText('Up');
  const services = panel.getByTestId('health-service');
  await expect(services).toHaveCount(SERVICES.length);
  expect(await services.evaluateAll((items) => items.map((i) => i.getAttribute('data-service')))).toEqual(SERVICES);
  for (const name of SERVICES) {
    const service = panel.locator(`[data-testid="health-service"][data-service="${name}"]`);
    await expect(service).toHaveAttribute('data-status', 'up');
    for (const dependency of ['database', 'broker', 'cache']) {
      await expect(service.locator(`[data-dependency="${dependency}"]`)).toHaveAttribute('data-status', 'up');
    }
    await expect(service).toContainText(/Version \d+\.\d+\.\d+/);
    await expect(service).toContainText('Running for');
  }
  await expectNoAxeViolations(page);
  await page.screenshot({ path: testInfo.outputPath('health-1280.png'), fullPage: true });

  // Every 15 seconds the panel asks again, without a reload.
  const again = await page.waitForResponse((r) => r.url().endsWith('/api/audit/platform-health'), { timeout: 25_000 });
  expect(again.status()).toBe(200);

  await page.setViewportSize({ width: 390, height: 844 });
  await expect(panel).toBeVisible();
  await expectNoHorizontalOverflow(page);
  await expectNoAxeViolations(page);
  await panel.screenshot({ path: testInfo.outputPath('health-390.png') });
});

test('when someone who is not an admin asks for the platform health, then 403, or 401 without a token', async ({ request }) => {
  const organizer = await anOrganizer(request, 'Health organizer');
  const token = await apiToken(request, organizer);
  const refused = await request.get('/api/audit/platform-health', { headers: { authorization: `Bearer ${token}` } });
  expect(refused.status()).toBe(403);
  expect(refused.headers()['content-type']).toMatch(/^application\/problem\+json/);
  expect(await refused.text()).not.toContain('event-service');
  expect((await request.get('/api/audit/platform-health')).status()).toBe(401);
});
