import { HttpErrorResponse, HttpHeaders, provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { ComponentFixture, TestBed } from '@angular/core/testing';
import type { EventDraftRequest, EventDraftResponse } from '@secureevent/contracts';

import { EventAssist, describeDraftError, retryAfterMs } from './event-assist';

describe('EventAssist', () => {
  let fixture: ComponentFixture<EventAssist>;
  let http: HttpTestingController;
  let drafted: EventDraftResponse[];

  beforeEach(async () => {
    TestBed.configureTestingModule({
      imports: [EventAssist],
      providers: [provideHttpClient(), provideHttpClientTesting()],
    });
    http = TestBed.inject(HttpTestingController);
    fixture = TestBed.createComponent(EventAssist);
    fixture.componentRef.setInput('timeZone', 'Europe/Berlin');
    drafted = [];
    fixture.componentInstance.drafted.subscribe((response) => drafted.push(response));
    await fixture.whenStable();
  });

  afterEach(() => http.verify());

  const page = () => fixture.nativeElement as HTMLElement;
  const button = () => page().querySelector<HTMLButtonElement>('[data-testid="assist-fill"]')!;
  const settle = async () => {
    await new Promise((resolve) => setTimeout(resolve));
    await fixture.whenStable();
  };

  async function type(text: string) {
    const area = page().querySelector<HTMLTextAreaElement>('[data-testid="assist-text"]')!;
    area.value = text;
    area.dispatchEvent(new Event('input'));
    await fixture.whenStable();
  }

  it('when nothing is typed, then Fill in is disabled and the counter shows the limit', async () => {
    expect(button().disabled).toBe(true);
    expect(page().querySelector('[data-testid="assist-count"]')?.textContent?.trim()).toBe(
      '0 / 20,000 characters',
    );
    await type('   ');
    expect(button().disabled).toBe(true);
  });

  it('when text is sent, then the request carries the zone and now, the button waits, and the draft is passed on', async () => {
    await type('Lunch and learn tomorrow at noon');
    expect(page().querySelector('[data-testid="assist-count"]')?.textContent).toContain('32 / ');
    const before = Date.now();
    button().click();
    await fixture.whenStable();

    expect(button().disabled).toBe(true);
    expect(button().getAttribute('aria-busy')).toBe('true');
    expect(page().querySelector('mat-spinner')).not.toBeNull();
    const request = http.expectOne({ method: 'POST', url: '/api/assist/event-draft' });
    expect(request.request.body).toMatchObject({
      text: 'Lunch and learn tomorrow at noon',
      timeZone: 'Europe/Berlin',
    });
    const reference = Date.parse((request.request.body as EventDraftRequest).referenceTime!);
    expect(reference).toBeGreaterThanOrEqual(before - 1);
    expect(reference).toBeLessThanOrEqual(Date.now());

    const response: EventDraftResponse = {
      draft: { title: 'Lunch and learn' },
      warnings: [],
      provider: 'local',
    };
    request.flush(response);
    await settle();

    expect(drafted).toEqual([response]);
    expect(button().disabled).toBe(false);
    expect(page().querySelector('mat-spinner')).toBeNull();
  });

  it('when the limit is reached, then the error says when to try again', async () => {
    await type('Workshop on Friday');
    button().click();
    await fixture.whenStable();
    http.expectOne('/api/assist/event-draft').flush(
      { title: 'Too Many Requests', status: 429, detail: 'Too many drafts.' },
      {
        status: 429,
        statusText: 'Too Many Requests',
        headers: { 'Retry-After': '600' },
      },
    );
    await settle();

    const error = page().querySelector('[data-testid="assist-error"]')?.textContent ?? '';
    expect(error).toMatch(/^You have asked for many drafts this hour\. Try again at .+\.$/);
    expect(drafted).toEqual([]);
  });

  it('when the text is refused, then the reason is shown', async () => {
    await type('x');
    button().click();
    await fixture.whenStable();
    http.expectOne('/api/assist/event-draft').flush(
      {
        title: 'Bad Request',
        status: 400,
        detail: 'The request is invalid.',
        errors: [{ field: 'body.text', message: 'must not be empty' }],
      },
      { status: 400, statusText: 'Bad Request' },
    );
    await settle();

    expect(page().querySelector('[data-testid="assist-error"]')?.textContent).toContain(
      'The assistant cannot read this text: must not be empty',
    );
  });

  it('when the network fails, then the offline message is shown and the button works again', async () => {
    await type('Town hall on Monday');
    button().click();
    await fixture.whenStable();
    http
      .expectOne('/api/assist/event-draft')
      .error(new ProgressEvent('error'), { status: 0, statusText: 'Unknown Error' });
    await settle();

    expect(page().querySelector('[data-testid="assist-error"]')?.textContent?.trim()).toBe(
      'The server could not be reached. Check your connection and try again.',
    );
    expect(button().disabled).toBe(false);
  });

  it('when an .ics file is picked, then its text goes into the text area', async () => {
    const ics =
      'BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nSUMMARY:Offsite\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n';
    const picker = page().querySelector<HTMLInputElement>('[data-testid="assist-file"]')!;
    const file = new File([ics], 'offsite.ics', { type: 'text/calendar' });
    Object.defineProperty(picker, 'files', { value: [file], configurable: true });
    picker.dispatchEvent(new Event('change'));
    await settle();

    // A text area keeps line breaks as LF; ical.js reads either.
    expect(page().querySelector<HTMLTextAreaElement>('[data-testid="assist-text"]')!.value).toBe(
      ics.replace(/\r\n/g, '\n'),
    );
    expect(page().querySelector('[data-testid="assist-file-name"]')?.textContent).toContain(
      'offsite.ics',
    );
    expect(button().disabled).toBe(false);
  });

  it('when a file is longer than the limit, then it is not read in', async () => {
    const picker = page().querySelector<HTMLInputElement>('[data-testid="assist-file"]')!;
    const file = new File(['a'.repeat(20_001)], 'huge.txt', { type: 'text/plain' });
    Object.defineProperty(picker, 'files', { value: [file], configurable: true });
    picker.dispatchEvent(new Event('change'));
    await settle();

    expect(page().querySelector('[data-testid="assist-error"]')?.textContent).toContain(
      'huge.txt is longer than 20,000 characters.',
    );
    expect(page().querySelector<HTMLTextAreaElement>('[data-testid="assist-text"]')!.value).toBe(
      '',
    );
  });
});

describe('retryAfterMs', () => {
  const at429 = (value?: string) =>
    new HttpErrorResponse({
      status: 429,
      headers: value === undefined ? new HttpHeaders() : new HttpHeaders({ 'Retry-After': value }),
    });

  it('reads seconds and HTTP dates, and nothing else', () => {
    const now = Date.parse('2027-01-01T10:00:00Z');
    expect(retryAfterMs(at429('120'), now)).toBe(120_000);
    expect(retryAfterMs(at429('Fri, 01 Jan 2027 10:05:00 GMT'), now)).toBe(300_000);
    expect(retryAfterMs(at429('soon'), now)).toBeNull();
    expect(retryAfterMs(at429(), now)).toBeNull();
  });

  it('when a 429 has no Retry-After, then the message says later', () => {
    expect(describeDraftError(at429())).toBe(
      'You have asked for many drafts this hour. Try again later.',
    );
  });
});
