import { expect, test, type APIRequestContext } from '@playwright/test';
import { aPerson, anOrganizer, apiToken, expectNoAxeViolations, inDays, registerThroughApi, signIn } from '../support/app.js';

// Publish and share: the "Your event is live" panel on the event page of its organizer.

async function aDraft(request: APIRequestContext, organizer: { email: string; password: string }, extra: Record<string, unknown> = {}) {
  const created = await request.post('/api/events', {
    headers: { authorization: `Bearer ${await apiToken(request, organizer)}` },
    data: {
      title: `Share test ${Date.now()}`,
      description: 'Made by the E2E suite.',
      startsAt: inDays(5),
      endsAt: inDays(5.1),
      timeZone: 'Europe/Berlin',
      venue: 'Room S',
      capacity: 20,
      ...extra,
    },
  });
  expect(created.status()).toBe(201);
  return (await created.json()) as { id: string; title: string };
}

test.beforeEach(async ({ context, baseURL }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: baseURL });
  // Record what the page hands to the Web Share API (headless Chromium on Linux has none).
  await context.addInitScript(() => {
    (window as unknown as { shared: ShareData[] }).shared = [];
    Object.defineProperty(navigator, 'share', {
      value: (data: ShareData) => {
        (window as unknown as { shared: ShareData[] }).shared.push(data);
        return Promise.resolve();
      },
    });
  });
});

for (const width of [1280, 390]) {
  test(`when an organizer publishes at ${width} px, then the page says it is live with the absolute link to copy and share`, async ({
    page,
    request,
    baseURL,
  }) => {
    const organizer = await anOrganizer(request, 'Sharer');
    const draft = await aDraft(request, organizer);
    await page.setViewportSize({ width, height: width === 390 ? 844 : 900 });
    await signIn(page, organizer);
    await page.goto(`/events/${draft.id}`);
    await expect(page.getByTestId('share-panel')).toHaveCount(0);

    await page.getByRole('button', { name: 'Publish' }).click();
    const panel = page.getByTestId('share-panel');
    await expect(panel.getByRole('heading', { name: 'Your event is live' })).toBeVisible();
    const link = `${baseURL}/events/${draft.id}`;
    await expect(panel.getByLabel('Event link')).toHaveValue(link);
    await expectNoAxeViolations(page);
    await panel.screenshot({ path: test.info().outputPath(`share-panel-${width}.png`) });

    await panel.getByRole('button', { name: 'Copy link' }).click();
    await expect(panel.getByRole('status')).toHaveText('Event link copied.');
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(link);

    await panel.getByRole('button', { name: 'Share' }).click();
    expect(await page.evaluate(() => (window as unknown as { shared: ShareData[] }).shared)).toEqual([{ title: draft.title, url: link }]);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
  });
}

test('when a private event is published, then its absolute invitation link can be copied and lets an invitee in', async ({
  page,
  request,
  baseURL,
  browser,
}) => {
  const organizer = await anOrganizer(request, 'Private sharer');
  const draft = await aDraft(request, organizer, { visibility: 'private' });
  await signIn(page, organizer);
  await page.goto(`/events/${draft.id}`);
  await page.getByRole('button', { name: 'Publish' }).click();

  const panel = page.getByTestId('share-panel');
  const invite = panel.getByLabel('Invitation link');
  await expect(invite).toHaveValue(new RegExp(`^${baseURL}/events/${draft.id}\\?invite=`));
  await expectNoAxeViolations(page);
  await panel.getByRole('button', { name: 'Copy invitation link' }).click();
  await expect(panel.getByRole('status')).toHaveText('Invitation link copied.');
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  expect(copied).toBe(await invite.inputValue());

  // Private events are for signed-in invitees: someone else, signed in, follows the copied link.
  const invitee = aPerson('Invitee');
  await registerThroughApi(request, invitee);
  const context = await browser.newContext();
  const visitor = await context.newPage();
  await signIn(visitor, invitee);
  await visitor.goto(copied);
  await expect(visitor.getByRole('heading', { level: 1 })).toHaveText(draft.title);
  await visitor.goto(`/events/${draft.id}`);
  await expect(visitor.getByRole('heading', { level: 1 })).not.toHaveText(draft.title);
  await context.close();
});
