import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';

import { anEvent } from '../events/events.testing';
import { EventSharePanel } from './event-share-panel';
import { SHARE_TARGET, ShareTarget } from './share-target';

describe('EventSharePanel', () => {
  function render(
    event = anEvent({ id: 'evt_live', title: 'Summit' }),
    target: Partial<ShareTarget> = {},
  ) {
    const writeText = vi.fn((_text: string) => Promise.resolve());
    const full: ShareTarget = {
      origin: 'https://events.example.org',
      clipboard: { writeText },
      share: undefined,
      ...target,
    };
    TestBed.configureTestingModule({
      imports: [EventSharePanel],
      providers: [
        provideHttpClient(),
        provideHttpClientTesting(),
        { provide: SHARE_TARGET, useValue: full },
      ],
    });
    const fixture = TestBed.createComponent(EventSharePanel);
    fixture.componentRef.setInput('event', event);
    return { fixture, writeText, page: fixture.nativeElement as HTMLElement };
  }

  const value = (page: HTMLElement, testId: string) =>
    page.querySelector<HTMLInputElement>(`[data-testid="${testId}"]`)?.value;

  it('when the event is published, then it says it is live and shows the absolute link', async () => {
    const { fixture, page } = render();
    await fixture.whenStable();

    expect(page.querySelector('h2')?.textContent).toContain('Your event is live');
    expect(value(page, 'share-event-url')).toBe('https://events.example.org/events/evt_live');
    expect(page.querySelector('[data-testid="share-invite-url"]')).toBeNull();
  });

  it('when the event is still a draft, then there is nothing to share', async () => {
    const { fixture, page } = render(anEvent({ status: 'draft' }));
    await fixture.whenStable();

    expect(page.querySelector('[data-testid="share-panel"]')).toBeNull();
  });

  it('when copy is pressed, then the absolute link goes to the clipboard and the page says so', async () => {
    const { fixture, page, writeText } = render();
    await fixture.whenStable();

    page.querySelector<HTMLButtonElement>('[data-testid="copy-event-url"]')!.click();
    await fixture.whenStable();

    expect(writeText).toHaveBeenCalledWith('https://events.example.org/events/evt_live');
    expect(page.querySelector('[data-testid="share-status"]')?.textContent).toContain(
      'Event link copied.',
    );
  });

  it('when the clipboard refuses, then the page says to copy the link by hand', async () => {
    const { fixture, page } = render(undefined, {
      clipboard: { writeText: () => Promise.reject(new Error('NotAllowedError')) },
    });
    await fixture.whenStable();

    page.querySelector<HTMLButtonElement>('[data-testid="copy-event-url"]')!.click();
    await fixture.whenStable();

    expect(page.querySelector('[data-testid="share-status"]')?.textContent).toContain(
      'select the link and copy it yourself',
    );
  });

  it('when the browser has no Web Share API, then there is no share button', async () => {
    const { fixture, page } = render();
    await fixture.whenStable();

    expect(page.querySelector('[data-testid="share-button"]')).toBeNull();
  });

  it('when the browser can share, then share hands it the title and the absolute link', async () => {
    const share = vi.fn((_data: ShareData) => Promise.resolve());
    const { fixture, page } = render(undefined, { share });
    await fixture.whenStable();

    page.querySelector<HTMLButtonElement>('[data-testid="share-button"]')!.click();
    await fixture.whenStable();

    expect(share).toHaveBeenCalledWith({
      title: 'Summit',
      url: 'https://events.example.org/events/evt_live',
    });
  });

  it('when the event is private, then the absolute invitation link can be copied and is the one shared', async () => {
    const share = vi.fn((_data: ShareData) => Promise.resolve());
    const event = anEvent({
      id: 'evt_priv',
      title: 'Board meeting',
      visibility: 'private',
      inviteUrl: '/events/evt_priv?invite=abc123',
    });
    const { fixture, page, writeText } = render(event, { share });
    await fixture.whenStable();

    expect(value(page, 'share-invite-url')).toBe(
      'https://events.example.org/events/evt_priv?invite=abc123',
    );
    expect(page.textContent).toContain('Only people with the invitation link');
    page.querySelector<HTMLButtonElement>('[data-testid="copy-invite-url"]')!.click();
    await fixture.whenStable();
    expect(writeText).toHaveBeenCalledWith(
      'https://events.example.org/events/evt_priv?invite=abc123',
    );
    expect(page.querySelector('[data-testid="share-status"]')?.textContent).toContain(
      'Invitation link copied.',
    );

    page.querySelector<HTMLButtonElement>('[data-testid="share-button"]')!.click();
    await fixture.whenStable();
    expect(share).toHaveBeenCalledWith({
      title: 'Board meeting',
      url: 'https://events.example.org/events/evt_priv?invite=abc123',
    });
  });

  it('when a private event was just published (the answer has no invitation link), then the panel reads it from the API', async () => {
    const event = anEvent({ id: 'evt_new', visibility: 'private' });
    const { fixture, page } = render(event);
    await fixture.whenStable();
    const http = TestBed.inject(HttpTestingController);

    http
      .expectOne('/api/events/evt_new')
      .flush({ ...event, inviteUrl: '/events/evt_new?invite=xyz' });
    await fixture.whenStable();

    expect(value(page, 'share-invite-url')).toBe(
      'https://events.example.org/events/evt_new?invite=xyz',
    );
    http.verify();
  });
});
