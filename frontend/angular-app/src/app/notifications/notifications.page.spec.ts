import { provideHttpClient } from '@angular/common/http';
import {
  HttpTestingController,
  TestRequest,
  provideHttpClientTesting,
} from '@angular/common/http/testing';
import { signal } from '@angular/core';
import { ComponentFixture, TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import type { NotificationDto } from '@secureevent/contracts';

import { AuthStore } from '../auth/auth.store';
import { FakeWebSocket, provideFakeWebSocket } from '../realtime/realtime.testing';
import { NotificationPreferences } from './notifications.api';
import { NotificationsPage } from './notifications.page';
import { UnreadCountStore } from './unread-count.store';

let sequence = 0;
function aNotification(overrides: Partial<NotificationDto> = {}): NotificationDto {
  sequence += 1;
  return {
    id: `ntf_${sequence}`,
    kind: 'registration_confirmed',
    title: `Notification ${sequence}`,
    body: 'Something happened.',
    link: null,
    createdAt: '2030-03-01T09:00:00.000Z',
    readAt: null,
    ...overrides,
  };
}

const preferences: NotificationPreferences = {
  registration_confirmed: 'in_app',
  registration_waitlisted: 'in_app',
  registration_promoted: 'both',
  registration_rejected: 'both',
  event_updated: 'in_app',
  event_cancelled: 'both',
  event_reminder: 'email',
  roles_changed: 'in_app',
};

describe('NotificationsPage', () => {
  let fixture: ComponentFixture<NotificationsPage>;
  let http: HttpTestingController;
  let unread: ReturnType<typeof signal<number | null>>;

  const page = () => fixture.nativeElement as HTMLElement;
  const items = () => [...page().querySelectorAll<HTMLElement>('[data-testid="notification"]')];
  const button = (root: HTMLElement, text: string) =>
    [...root.querySelectorAll('button')].find((b) => b.textContent?.includes(text));
  // Actions await the response in an async handler: let that resume, then render.
  const settle = async () => {
    await new Promise((resolve) => setTimeout(resolve));
    await fixture.whenStable();
  };
  const inboxRequest = (): TestRequest =>
    http.expectOne((r) => r.method === 'GET' && r.url === '/api/notifications');
  const problem = (status: number, detail: string) =>
    [
      { title: 'Error', status, code: status === 404 ? 'NOT_FOUND' : 'CONFLICT', detail },
      {
        status,
        statusText: 'Error',
        headers: { 'Content-Type': 'application/problem+json' },
      },
    ] as const;

  beforeEach(async () => {
    FakeWebSocket.reset();
    unread = signal<number | null>(null);
    TestBed.configureTestingModule({
      imports: [NotificationsPage],
      providers: [
        provideHttpClient(),
        provideHttpClientTesting(),
        provideRouter([]),
        provideFakeWebSocket(),
        { provide: UnreadCountStore, useValue: { unread } },
        {
          provide: AuthStore,
          useValue: {
            accessToken: () => 'token-1',
            user: () => ({ id: 'usr_me', roles: ['attendee'] }),
            refresh: () => Promise.resolve('token-1'),
          },
        },
      ],
    });
    http = TestBed.inject(HttpTestingController);
    fixture = TestBed.createComponent(NotificationsPage);
    await fixture.whenStable();
  });

  afterEach(() => http.verify());

  /** Answers the inbox's first page and the preferences. */
  async function open(notifications: NotificationDto[], unreadCount = 0, nextCursor = null) {
    inboxRequest().flush({ items: notifications, nextCursor, unread: unreadCount });
    http.expectOne('/api/notifications/preferences').flush(preferences);
    await fixture.whenStable();
  }

  it('when the page opens, then each notification is listed, unread ones marked, and the bell gets the count', async () => {
    const first = inboxRequest();
    expect(first.request.params.get('limit')).toBe('20');
    first.flush({
      items: [
        aNotification({ title: 'You are registered', link: '/events/evt_1', body: 'See you.' }),
        aNotification({ title: 'Roles changed', readAt: '2030-03-01T10:00:00.000Z' }),
      ],
      nextCursor: null,
      unread: 1,
    });
    http.expectOne('/api/notifications/preferences').flush(preferences);
    await fixture.whenStable();

    const [registered, roles] = items();
    expect(registered.classList).toContain('unread');
    expect(registered.querySelector('h2')?.textContent).toContain('Unread:');
    expect(registered.querySelector('a')?.getAttribute('href')).toBe('/events/evt_1');
    expect(registered.textContent).toContain('See you.');
    expect(button(registered, 'Mark as read')).toBeDefined();
    expect(roles.classList).not.toContain('unread');
    expect(button(roles, 'Mark as read')).toBeUndefined();
    expect(unread()).toBe(1);
  });

  it('when there are none, then it says so', async () => {
    await open([]);

    expect(page().querySelector('[data-testid="empty-state"]')?.textContent).toContain(
      'No notifications yet.',
    );
  });

  it('when one is marked read, then the API is told, it stops looking unread and the bell counts one less', async () => {
    const notification = aNotification({ id: 'ntf_read_me' });
    await open([notification, aNotification()], 2);

    button(items()[0], 'Mark as read')!.click();
    const request = http.expectOne('/api/notifications/ntf_read_me/read');
    expect(request.request.method).toBe('POST');
    request.flush({});
    await settle();

    expect(items()[0].classList).not.toContain('unread');
    expect(items()[1].classList).toContain('unread');
    expect(unread()).toBe(1);
  });

  it('when marking read is refused, then the reason is shown and it stays unread', async () => {
    const notification = aNotification({ id: 'ntf_gone' });
    await open([notification], 1);

    button(items()[0], 'Mark as read')!.click();
    http
      .expectOne('/api/notifications/ntf_gone/read')
      .flush(...problem(409, 'This notification was removed.'));
    await settle();

    expect(page().querySelector('[role="alert"]')?.textContent).toContain(
      'This notification was removed.',
    );
    expect(items()[0].classList).toContain('unread');
    expect(unread()).toBe(1);
  });

  it('when all are marked read, then none looks unread and the bell shows zero', async () => {
    await open([aNotification(), aNotification()], 2);

    page().querySelector<HTMLButtonElement>('[data-testid="mark-all-read"]')!.click();
    const request = http.expectOne('/api/notifications/read-all');
    expect(request.request.method).toBe('POST');
    request.flush({ marked: 2 });
    await settle();

    expect(items().filter((item) => item.classList.contains('unread'))).toEqual([]);
    expect(unread()).toBe(0);
  });

  it('when there are more, then the next page is fetched with the cursor and appended', async () => {
    inboxRequest().flush({
      items: [aNotification({ title: 'Newer' })],
      nextCursor: 'n2',
      unread: 0,
    });
    http.expectOne('/api/notifications/preferences').flush(preferences);
    await fixture.whenStable();

    button(page(), 'Load more')!.click();
    const next = inboxRequest();
    expect(next.request.params.get('cursor')).toBe('n2');
    next.flush({ items: [aNotification({ title: 'Older' })], nextCursor: null, unread: 0 });
    await fixture.whenStable();

    expect(
      items().map((item) => item.querySelector('h2')?.textContent?.replace(/\s+/g, ' ').trim()),
    ).toEqual(['Unread: Newer', 'Unread: Older']);
    expect(button(page(), 'Load more')).toBeUndefined();
  });

  it('when a notification arrives live, then it goes on top, once even if it comes twice', async () => {
    await open([aNotification({ title: 'Earlier' })], 1);
    const socket = FakeWebSocket.latest()!;
    socket.open();
    socket.receive({ type: 'ready', userId: 'usr_me', expiresAt: '2030-01-01T00:00:00Z' });

    const live = aNotification({ id: 'ntf_live', title: 'Seat for you' });
    socket.receive({ type: 'notification', notification: live, unread: 2 });
    socket.receive({ type: 'notification', notification: live, unread: 2 });
    await fixture.whenStable();

    expect(
      items().map((item) => item.querySelector('h2')?.textContent?.replace(/\s+/g, ' ').trim()),
    ).toEqual(['Unread: Seat for you', 'Unread: Earlier']);
  });

  it('when the inbox cannot be loaded, then the reason is shown', async () => {
    inboxRequest().flush(null, { status: 503, statusText: 'Service Unavailable' });
    http.expectOne('/api/notifications/preferences').flush(preferences);
    await fixture.whenStable();

    expect(page().querySelector('[role="alert"]')?.textContent).toContain(
      'The server had a problem. Please try again in a moment.',
    );
  });

  it('when a kind is sent to another channel, then the whole preference set is saved and it says so', async () => {
    await open([]);
    const selects = page().querySelectorAll<HTMLElement>('mat-select');
    expect(selects).toHaveLength(8);
    // event_reminder, after the four registration kinds and the two event kinds.
    expect(selects[6].textContent).toContain('By email');

    selects[0].click();
    await fixture.whenStable();
    const both = [...document.querySelectorAll<HTMLElement>('mat-option')].find(
      (option) => option.textContent?.trim() === 'Both',
    )!;
    both.click();
    const save = http.expectOne('/api/notifications/preferences');
    expect(save.request.method).toBe('PUT');
    expect(save.request.body).toEqual({ ...preferences, registration_confirmed: 'both' });
    save.flush({ ...preferences, registration_confirmed: 'both' });
    await settle();

    expect(page().querySelector('.preferences [role="status"]')?.textContent).toContain('Saved.');
  });

  it('when the server has no preferences yet, then it says so instead of the choices', async () => {
    inboxRequest().flush({ items: [], nextCursor: null, unread: 0 });
    http
      .expectOne('/api/notifications/preferences')
      .flush(null, { status: 404, statusText: 'Not Found' });
    await fixture.whenStable();

    expect(page().querySelectorAll('mat-select')).toHaveLength(0);
    expect(page().textContent).toContain(
      'Notification preferences are not available on this server yet.',
    );
  });
});
