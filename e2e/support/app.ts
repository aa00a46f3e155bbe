import { AxeBuilder } from '@axe-core/playwright';
import { expect, type APIRequestContext, type Page } from '@playwright/test';
import { admin } from '../playwright.config.js';

/** Helpers for the web-app specs: people, events made through the API, and page checks. */

let sequence = 0;

export interface Person {
  readonly email: string;
  readonly password: string;
  readonly displayName: string;
}

/** A new, unique person (not yet registered). */
export function aPerson(name: string): Person {
  sequence += 1;
  const tag = `${Date.now().toString(36)}${sequence}`;
  return {
    email: `${name.toLowerCase().replace(/\W+/g, '-')}-${tag}@secureevent.test`,
    password: `correct horse battery ${tag}`,
    displayName: `${name} ${tag}`,
  };
}

export async function apiToken(request: APIRequestContext, who: { email: string; password: string }): Promise<string> {
  const login = await request.post('/api/auth/login', {
    data: { email: who.email, password: who.password, tokenDelivery: 'body' },
  });
  expect(login.status(), `sign-in of ${who.email}`).toBe(200);
  return (await login.json()).accessToken as string;
}

/** Registers `person` through the API and returns their user id. */
export async function registerThroughApi(request: APIRequestContext, person: Person): Promise<string> {
  const response = await request.post('/api/auth/register', { data: person });
  expect(response.status(), `sign-up of ${person.email}`).toBe(201);
  return (await response.json()).id as string;
}

/** Registers `person` and makes them an organizer (the admin grants the role through the API). */
export async function anOrganizer(request: APIRequestContext, name = 'Organizer'): Promise<Person & { id: string }> {
  const person = aPerson(name);
  const id = await registerThroughApi(request, person);
  const token = await apiToken(request, admin);
  const roles = await request.patch(`/api/users/${id}/roles`, {
    headers: { authorization: `Bearer ${token}` },
    data: { roles: ['attendee', 'organizer'] },
  });
  expect(roles.status()).toBe(200);
  return { ...person, id };
}

/** Signs in through the sign-in page and waits for the dashboard. */
export async function signIn(page: Page, person: { email: string; password: string }): Promise<void> {
  await page.goto('/sign-in');
  await page.getByLabel('Email').fill(person.email);
  await page.getByLabel('Password').fill(person.password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
}

/** Collects console errors, so a spec can assert that the strict CSP blocked nothing. */
export function watchConsole(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  return errors;
}

export function cspViolations(errors: readonly string[]): string[] {
  return errors.filter((text) => /Content Security Policy/i.test(text));
}

/** Runs axe (WCAG 2.0–2.2 A and AA) on the page as it is now and expects no violation. */
export async function expectNoAxeViolations(page: Page): Promise<void> {
  // Contrast is judged on the page at rest: not mid-transition, nor under the pressed state
  // layer of the button that was just clicked.
  await page.evaluate(async () => {
    (document.activeElement as HTMLElement | null)?.blur();
    await Promise.all(document.getAnimations().map((animation) => animation.finished.catch(() => undefined)));
  });
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']).analyze();
  expect(
    result.violations.map(
      (v) => `${v.id}: ${v.help} (${v.nodes.map((n) => `${n.target.join(' ')} ${n.failureSummary ?? ''}`).join(', ')})`,
    ),
  ).toEqual([]);
}

export const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();

/** Creates and publishes an event through the API as `organizer`; returns its id. */
export async function aPublishedEvent(
  request: APIRequestContext,
  organizer: { email: string; password: string },
  overrides: Record<string, unknown> = {},
): Promise<string> {
  const headers = { authorization: `Bearer ${await apiToken(request, organizer)}` };
  const created = await request.post('/api/events', {
    headers,
    data: {
      title: `E2E event ${Date.now()}`,
      description: 'Made by the E2E suite.',
      startsAt: inDays(3),
      endsAt: inDays(3.1),
      timeZone: 'Europe/Berlin',
      venue: 'Room E2E',
      capacity: 10,
      tags: ['e2e'],
      ...overrides,
    },
  });
  expect(created.status()).toBe(201);
  const { id } = await created.json();
  expect((await request.post(`/api/events/${id}/publish`, { headers })).status()).toBe(200);
  return id as string;
}

/**
 * Nothing on the page reaches past the window (no sideways scrolling), once the page has laid
 * itself out for the window: charts resize on a ResizeObserver callback, a frame or more after
 * the window changed, so the check is repeated for a few seconds. Names the elements that reach
 * past the window when it fails.
 */
export async function expectNoHorizontalOverflow(page: Page): Promise<void> {
  let culprits: string[] = [];
  await expect
    .poll(
      async () => {
        const { overflow, widest } = await page.evaluate(() => {
          const width = document.documentElement.clientWidth;
          const widest = Array.from(document.querySelectorAll('body *'))
            .map((el) => ({ el, right: el.getBoundingClientRect().right }))
            .filter(({ right }) => right > width + 1)
            .slice(0, 5)
            .map(({ el, right }) => `${el.tagName.toLowerCase()}.${Array.from(el.classList).join('.')} right=${Math.round(right)}`);
          return { overflow: document.documentElement.scrollWidth - width, widest };
        });
        culprits = widest;
        return overflow;
      },
      { message: 'the page is wider than the window', timeout: 5_000 },
    )
    .toBeLessThanOrEqual(0)
    .catch((error: Error) => {
      throw new Error(`${error.message}\nreaching past the window: ${culprits.join(', ')}`);
    });
}
