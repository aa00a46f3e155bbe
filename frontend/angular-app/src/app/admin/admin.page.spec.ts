import { HttpErrorResponse, provideHttpClient } from '@angular/common/http';
import {
  HttpTestingController,
  TestRequest,
  provideHttpClientTesting,
} from '@angular/common/http/testing';
import { ComponentFixture, TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import type { AdminUser } from '@secureevent/contracts';

import { AuthStore } from '../auth/auth.store';
import { aPage, anEvent } from '../events/events.testing';
import { AdminPage } from './admin.page';

function aUser(overrides: Partial<AdminUser> = {}): AdminUser {
  return {
    id: 'usr_someone',
    email: 'someone@example.com',
    displayName: 'Some One',
    roles: ['attendee'],
    emailVerified: true,
    locale: null,
    timeZone: null,
    disabled: false,
    createdAt: '2030-01-01T00:00:00.000Z',
    ...overrides,
  };
}

const refused = {
  body: { title: 'Conflict', status: 409, code: 'CONFLICT', detail: 'The last admin stays admin.' },
  init: {
    status: 409,
    statusText: 'Conflict',
    headers: { 'Content-Type': 'application/problem+json' },
  },
};

describe('AdminPage', () => {
  let fixture: ComponentFixture<AdminPage>;
  let http: HttpTestingController;
  let reloadUser: ReturnType<typeof vi.fn>;

  const page = () => fixture.nativeElement as HTMLElement;
  const rowOf = (email: string) => page().querySelector<HTMLElement>(`tr[data-email="${email}"]`)!;
  const buttonIn = (root: HTMLElement, text: string) =>
    [...root.querySelectorAll('button')].find((b) => b.textContent?.includes(text));
  const checkboxIn = (row: HTMLElement, role: string) =>
    [...row.querySelectorAll('mat-checkbox')]
      .find((box) => box.textContent?.trim() === role)!
      .querySelector<HTMLInputElement>('input[type="checkbox"]')!;
  // Actions await the response in an async handler: let that resume, then render.
  const settle = async () => {
    await new Promise((resolve) => setTimeout(resolve));
    await fixture.whenStable();
  };
  const usersRequest = (): TestRequest =>
    http.expectOne((r) => r.method === 'GET' && r.url === '/api/users');
  const eventsRequest = (): TestRequest =>
    http.expectOne((r) => r.method === 'GET' && r.url === '/api/events');

  beforeEach(async () => {
    reloadUser = vi.fn(() => Promise.resolve());
    TestBed.configureTestingModule({
      imports: [AdminPage],
      providers: [
        provideHttpClient(),
        provideHttpClientTesting(),
        provideRouter([]),
        {
          provide: AuthStore,
          useValue: { user: () => ({ id: 'usr_admin', roles: ['admin'] }), reloadUser },
        },
      ],
    });
    http = TestBed.inject(HttpTestingController);
    fixture = TestBed.createComponent(AdminPage);
    await fixture.whenStable();
  });

  afterEach(() => http.verify());

  /** Answers the page's first two requests. */
  async function open(users: AdminUser[], events = aPage([])) {
    usersRequest().flush({ items: users, nextCursor: null });
    eventsRequest().flush(events);
    await fixture.whenStable();
  }

  it('when the page opens, then every user is a row with their roles and status, and every event is listed', async () => {
    const users = usersRequest();
    expect(users.request.params.get('limit')).toBe('50');
    expect(users.request.params.has('q')).toBe(false);
    users.flush({
      items: [
        aUser({ id: 'usr_a', email: 'a@example.com', displayName: 'Ann', roles: ['organizer'] }),
        aUser({ id: 'usr_b', email: 'b@example.com', displayName: 'Ben', disabled: true }),
      ],
      nextCursor: null,
    });
    const events = eventsRequest();
    expect(events.request.params.get('scope')).toBe('all');
    events.flush(
      aPage([
        anEvent({ title: 'Draft day', status: 'draft', visibility: 'internal', capacity: 10 }),
      ]),
    );
    await fixture.whenStable();

    const ann = rowOf('a@example.com');
    expect(ann.querySelector('td')?.textContent).toBe('Ann');
    expect(checkboxIn(ann, 'organizer').checked).toBe(true);
    expect(checkboxIn(ann, 'admin').checked).toBe(false);
    expect(buttonIn(ann, 'Disable')).toBeDefined();
    expect(rowOf('b@example.com').textContent).toContain('Disabled');
    expect(buttonIn(rowOf('b@example.com'), 'Disable')).toBeUndefined();
    const listed = page().querySelector('[data-testid="admin-event"]')?.textContent;
    expect(listed?.replace(/\s+/g, ' ')).toContain(
      'Draft day · draft · internal · 0/10 registered',
    );
  });

  it('when the admin searches, then the query is sent and the list shows only the answer', async () => {
    await open([aUser({ email: 'first@example.com' })]);

    const input = page().querySelector<HTMLInputElement>('[data-testid="user-search"]')!;
    input.value = '  carol ';
    input.dispatchEvent(new Event('input'));
    buttonIn(page(), 'Search')!.click();
    const search = usersRequest();
    expect(search.request.params.get('q')).toBe('carol');
    search.flush({ items: [aUser({ id: 'usr_c', email: 'carol@example.com' })], nextCursor: null });
    await fixture.whenStable();

    const emails = [...page().querySelectorAll('tr[data-email]')].map((r) =>
      r.getAttribute('data-email'),
    );
    expect(emails).toEqual(['carol@example.com']);
  });

  it('when nobody matches, then it says so', async () => {
    await open([]);

    expect(page().querySelector('[data-testid="users"]')).toBeNull();
    expect(page().textContent).toContain('No user matches.');
  });

  it('when there are more users, then the next page of the same search is appended', async () => {
    usersRequest().flush({
      items: [aUser({ id: 'usr_1', email: '1@example.com' })],
      nextCursor: 'c2',
    });
    eventsRequest().flush(aPage([]));
    await fixture.whenStable();

    buttonIn(page(), 'Load more users')!.click();
    const next = usersRequest();
    expect(next.request.params.get('cursor')).toBe('c2');
    next.flush({ items: [aUser({ id: 'usr_2', email: '2@example.com' })], nextCursor: null });
    await fixture.whenStable();

    expect([...page().querySelectorAll('tr[data-email]')]).toHaveLength(2);
    expect(buttonIn(page(), 'Load more users')).toBeUndefined();
  });

  it('when roles are changed and saved, then they are sent in canonical order and the saved user is shown', async () => {
    const user = aUser({ id: 'usr_x', email: 'x@example.com', roles: ['attendee'] });
    await open([user]);

    checkboxIn(rowOf('x@example.com'), 'admin').click();
    checkboxIn(rowOf('x@example.com'), 'organizer').click();
    await fixture.whenStable();
    buttonIn(rowOf('x@example.com'), 'Save roles')!.click();
    const save = http.expectOne('/api/users/usr_x/roles');
    expect(save.request.method).toBe('PATCH');
    expect(save.request.body).toEqual({ roles: ['attendee', 'organizer', 'admin'] });
    save.flush({ ...user, roles: ['attendee', 'organizer', 'admin'] });
    await settle();

    expect(page().querySelector('[data-testid="admin-message"]')?.textContent).toContain(
      'Roles of x@example.com saved: attendee, organizer, admin.',
    );
    expect(checkboxIn(rowOf('x@example.com'), 'admin').checked).toBe(true);
    expect(reloadUser).not.toHaveBeenCalled();
  });

  it('when the admin changes their own roles, then their own user is reloaded', async () => {
    const me = aUser({ id: 'usr_admin', email: 'me@example.com', roles: ['admin'] });
    await open([me]);

    checkboxIn(rowOf('me@example.com'), 'organizer').click();
    await fixture.whenStable();
    buttonIn(rowOf('me@example.com'), 'Save roles')!.click();
    http.expectOne('/api/users/usr_admin/roles').flush({ ...me, roles: ['organizer', 'admin'] });
    await settle();

    expect(reloadUser).toHaveBeenCalledTimes(1);
  });

  it('when their own user cannot be reloaded after a save, then the reason is shown', async () => {
    reloadUser.mockRejectedValue(
      new HttpErrorResponse({ status: 503, statusText: 'Service Unavailable' }),
    );
    const me = aUser({ id: 'usr_admin', email: 'me@example.com', roles: ['admin'] });
    await open([me]);

    checkboxIn(rowOf('me@example.com'), 'organizer').click();
    await fixture.whenStable();
    buttonIn(rowOf('me@example.com'), 'Save roles')!.click();
    http.expectOne('/api/users/usr_admin/roles').flush({ ...me, roles: ['organizer', 'admin'] });
    await settle();

    expect(page().querySelector('[data-testid="admin-error"]')?.textContent).toContain(
      'The server had a problem.',
    );
  });

  it('when saving roles is refused, then the reason is shown and the unsaved choice stays', async () => {
    const user = aUser({ id: 'usr_last', email: 'last@example.com', roles: ['admin'] });
    await open([user]);

    checkboxIn(rowOf('last@example.com'), 'admin').click();
    await fixture.whenStable();
    buttonIn(rowOf('last@example.com'), 'Save roles')!.click();
    http.expectOne('/api/users/usr_last/roles').flush(refused.body, refused.init);
    await settle();

    expect(page().querySelector('[data-testid="admin-error"]')?.textContent).toContain(
      'The last admin stays admin.',
    );
    expect(page().querySelector('[data-testid="admin-message"]')).toBeNull();
    expect(checkboxIn(rowOf('last@example.com'), 'admin').checked).toBe(false);
    expect(reloadUser).not.toHaveBeenCalled();
  });

  it('when a user is disabled, then the API is asked and the row says Disabled', async () => {
    const user = aUser({ id: 'usr_d', email: 'd@example.com' });
    await open([user]);

    buttonIn(rowOf('d@example.com'), 'Disable')!.click();
    const disable = http.expectOne('/api/users/usr_d/disable');
    expect(disable.request.method).toBe('POST');
    disable.flush({ ...user, disabled: true });
    await settle();

    expect(rowOf('d@example.com').textContent).toContain('Disabled');
    expect(page().querySelector('[data-testid="admin-message"]')?.textContent).toContain(
      'd@example.com is disabled and signed out everywhere.',
    );
  });

  it('when a disabled user is enabled, then the API is asked and the row offers Disable again', async () => {
    const user = aUser({ id: 'usr_e', email: 'e@example.com', disabled: true });
    await open([user]);
    expect(buttonIn(rowOf('e@example.com'), 'Disable')).toBeUndefined();

    buttonIn(rowOf('e@example.com'), 'Enable')!.click();
    const enable = http.expectOne('/api/users/usr_e/enable');
    expect(enable.request.method).toBe('POST');
    enable.flush({ ...user, disabled: false });
    await settle();

    expect(rowOf('e@example.com').textContent).toContain('Active');
    expect(buttonIn(rowOf('e@example.com'), 'Disable')).toBeDefined();
    expect(page().querySelector('[data-testid="admin-message"]')?.textContent).toContain(
      'e@example.com can sign in again.',
    );
  });

  it('when the user list is refused, then the reason is shown in words', async () => {
    usersRequest().flush(
      { title: 'Forbidden', status: 403, code: 'FORBIDDEN', detail: 'Admins only.' },
      { status: 403, statusText: 'Forbidden' },
    );
    eventsRequest().flush(aPage([]));
    await fixture.whenStable();

    expect(page().querySelector('[data-testid="admin-error"]')?.textContent).toContain(
      'Admins only.',
    );
  });

  it('when there are more events, then the next page is appended', async () => {
    usersRequest().flush({ items: [], nextCursor: null });
    eventsRequest().flush(aPage([anEvent({ title: 'One' })], 'e2'));
    await fixture.whenStable();

    buttonIn(page(), 'More events')!.click();
    const next = eventsRequest();
    expect(next.request.params.get('cursor')).toBe('e2');
    next.flush(aPage([anEvent({ title: 'Two' })]));
    await fixture.whenStable();
    const titles = [...page().querySelectorAll('[data-testid="admin-event"] a:first-child')].map(
      (a) => a.textContent,
    );
    expect(titles).toEqual(['One', 'Two']);
    expect(buttonIn(page(), 'More events')).toBeUndefined();
  });

  it('when the events cannot be loaded, then the reason is shown instead of the list', async () => {
    usersRequest().flush({ items: [], nextCursor: null });
    eventsRequest().flush(null, { status: 503, statusText: 'Service Unavailable' });
    await fixture.whenStable();

    expect(page().textContent).toContain('The server had a problem. Please try again in a moment.');
    expect(page().querySelector('[data-testid="admin-event"]')).toBeNull();
  });
});
