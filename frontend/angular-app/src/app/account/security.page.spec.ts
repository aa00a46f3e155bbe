import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import type { Session } from '@secureevent/contracts';

import { SecurityPage } from './security.page';

const thisDevice: Session = {
  id: 'fam_aaaaaaaaaaaaaaaaaaaaaaaaa',
  createdAt: '2026-12-01T08:00:00.000Z',
  lastUsedAt: '2026-12-04T10:00:00.000Z',
  ip: '10.0.0.1',
  userAgent:
    'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
  current: true,
};
const phone: Session = {
  id: 'fam_bbbbbbbbbbbbbbbbbbbbbbbbb',
  createdAt: '2026-11-20T08:00:00.000Z',
  lastUsedAt: '2026-12-02T10:00:00.000Z',
  ip: '192.0.2.7',
  userAgent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0',
  current: false,
};
const laptop: Session = {
  ...phone,
  id: 'fam_ccccccccccccccccccccccccc',
  userAgent: null,
  ip: null,
};

describe('SecurityPage', () => {
  async function open(sessions: Session[]) {
    TestBed.configureTestingModule({
      imports: [SecurityPage],
      providers: [provideHttpClient(), provideHttpClientTesting(), provideRouter([])],
    });
    const http = TestBed.inject(HttpTestingController);
    const fixture = TestBed.createComponent(SecurityPage);
    await fixture.whenStable();
    http.expectOne('/api/users/me/sessions').flush(sessions);
    await fixture.whenStable();
    return { http, fixture, page: fixture.nativeElement as HTMLElement };
  }

  // The store awaits the reload as a promise: let its continuation run before looking.
  async function settled(fixture: { whenStable(): Promise<unknown> }) {
    await new Promise((resolve) => setTimeout(resolve));
    await fixture.whenStable();
  }

  const items = (page: HTMLElement) =>
    Array.from(page.querySelectorAll<HTMLElement>('[data-testid="session"]'));

  it('when the sessions load, then each shows its device in words, its address, and this device is marked and cannot be ended', async () => {
    const { page } = await open([thisDevice, phone, laptop]);
    const [first, second, third] = items(page);
    expect(first.textContent).toContain('Chrome 131 on Linux');
    expect(first.querySelector('[data-testid="this-device"]')).not.toBeNull();
    expect(first.querySelector('[data-testid="end-session"]')).toBeNull();
    expect(second.textContent).toContain('Firefox 128 on Windows');
    expect(second.textContent).toContain('192.0.2.7');
    expect(second.querySelector('[data-testid="this-device"]')).toBeNull();
    expect(third.textContent).toContain('Unknown device');
    expect(third.textContent).toContain('unknown');
    expect(page.querySelector('a[href="/account/two-factor"]')).not.toBeNull();
    expect(page.querySelector('a[href="/account/privacy"]')).not.toBeNull();
  });

  it('when another session is ended, then nothing is sent before the confirmation, and the list is read again after', async () => {
    const { http, fixture, page } = await open([thisDevice, phone]);
    items(page)[1].querySelector<HTMLButtonElement>('[data-testid="end-session"]')!.click();
    await fixture.whenStable();
    http.expectNone({ method: 'DELETE' });
    expect(items(page)[1].textContent).toContain('End the session on Firefox 128 on Windows?');

    items(page)[1].querySelector<HTMLButtonElement>('[data-testid="confirm-end-session"]')!.click();
    http
      .expectOne({ method: 'DELETE', url: `/api/users/me/sessions/${phone.id}` })
      .flush(null, { status: 204, statusText: 'No Content' });
    await fixture.whenStable();
    http.expectOne('/api/users/me/sessions').flush([thisDevice]);
    await settled(fixture);
    expect(items(page)).toHaveLength(1);
    expect(page.querySelector('[data-testid="sessions-notice"]')!.textContent).toContain(
      'The session is ended',
    );
    expect(page.querySelector('[data-testid="only-this-device"]')).not.toBeNull();
  });

  it('when "End all other sessions" is confirmed, then revoke-others is called once', async () => {
    const { http, fixture, page } = await open([thisDevice, phone, laptop]);
    page.querySelector<HTMLButtonElement>('[data-testid="end-others"]')!.click();
    await fixture.whenStable();
    http.expectNone({ method: 'POST' });
    page.querySelector<HTMLButtonElement>('[data-testid="confirm-end-others"]')!.click();
    http
      .expectOne({ method: 'POST', url: '/api/users/me/sessions/revoke-others' })
      .flush(null, { status: 204, statusText: 'No Content' });
    await fixture.whenStable();
    http.expectOne('/api/users/me/sessions').flush([thisDevice]);
    await settled(fixture);
    expect(items(page)).toHaveLength(1);
    expect(page.querySelector('[data-testid="end-others"]')).toBeNull();
  });

  it('when ending a session is refused, then the server’s words show and the list is read again', async () => {
    const { http, fixture, page } = await open([thisDevice, phone]);
    items(page)[1].querySelector<HTMLButtonElement>('[data-testid="end-session"]')!.click();
    await fixture.whenStable();
    items(page)[1].querySelector<HTMLButtonElement>('[data-testid="confirm-end-session"]')!.click();
    http
      .expectOne({ method: 'DELETE' })
      .flush(
        { title: 'Not Found', status: 404, code: 'NOT_FOUND', detail: 'No such session.' },
        { status: 404, statusText: 'Not Found' },
      );
    await fixture.whenStable();
    http.expectOne('/api/users/me/sessions').flush([thisDevice]);
    await fixture.whenStable();
    expect(page.querySelector('[data-testid="sessions-error"]')!.textContent).toContain(
      'No such session.',
    );
    expect(items(page)).toHaveLength(1);
  });
});
