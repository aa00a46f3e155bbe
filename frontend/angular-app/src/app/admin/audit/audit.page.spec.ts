import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { ComponentFixture, TestBed } from '@angular/core/testing';

import type { AuditEntry } from './audit.api';
import { changesOf } from './audit-entry';
import { AuditPage } from './audit.page';

function anEntry(overrides: Partial<AuditEntry> = {}): AuditEntry {
  return {
    seq: 7,
    id: 'msg_7',
    type: 'audit.recorded.v1',
    source: 'event-service',
    subject: 'evt_1',
    occurredAt: '2030-03-10T08:05:00.000Z',
    recordedAt: '2030-03-10T08:05:01.000Z',
    actor: 'usr_aaaaaaaaaaaaaaaaaaaaaaaaa',
    action: 'event.updated',
    outcome: 'success',
    data: {
      action: 'event.updated',
      changes: [
        { field: 'title', from: 'Old title', to: 'New title' },
        { field: 'capacity', from: 10, to: 20 },
        {
          field: 'organizerEmail',
          from: { hmac: 'a'.repeat(43), keyId: 'k1' },
          to: { hmac: 'b'.repeat(43), keyId: 'k1' },
        },
      ],
    },
    hash: 'h7',
    prevHash: 'h6',
    ...overrides,
  };
}

describe('AuditPage', () => {
  let fixture: ComponentFixture<AuditPage>;
  let http: HttpTestingController;
  const page = () => fixture.nativeElement as HTMLElement;
  const button = (testId: string) =>
    page().querySelector<HTMLButtonElement>(`[data-testid="${testId}"]`)!;
  const settle = async () => {
    await new Promise((resolve) => setTimeout(resolve));
    await fixture.whenStable();
  };
  const search = () => http.expectOne((r) => r.url === '/api/audit');
  const input = (name: string, value: string) => {
    const element = page().querySelector<HTMLInputElement | HTMLSelectElement>(
      `[formcontrolname="${name}"]`,
    )!;
    element.value = value;
    element.dispatchEvent(new Event(element instanceof HTMLSelectElement ? 'change' : 'input'));
  };

  beforeEach(async () => {
    TestBed.configureTestingModule({
      imports: [AuditPage],
      providers: [provideHttpClient(), provideHttpClientTesting()],
    });
    http = TestBed.inject(HttpTestingController);
    fixture = TestBed.createComponent(AuditPage);
    await fixture.whenStable();
  });

  afterEach(() => http.verify());

  it('when the page opens, then the newest entries are listed and one opens to its before/after table', async () => {
    const first = search();
    expect(first.request.params.get('limit')).toBe('50');
    expect(first.request.params.keys()).toEqual(['limit']);
    first.flush({ items: [anEntry()], nextCursor: null });
    await fixture.whenStable();

    const entry = page().querySelector('[data-testid="audit-entry"]')!;
    expect(entry.textContent).toContain('event.updated');
    expect(entry.textContent).toContain('success');
    const rows = [...entry.querySelectorAll('[data-testid="audit-changes"] tbody tr')].map((row) =>
      [...row.querySelectorAll('th, td')].map((cell) => cell.textContent?.trim()),
    );
    expect(rows).toEqual([
      ['title', 'Old title', 'New title'],
      ['capacity', '10', '20'],
      ['organizerEmail', 'withheld (personal data)', 'withheld (personal data)'],
    ]);
    expect(entry.querySelector('pre')?.textContent).toContain('"capacity"');
  });

  it('when filters are set and searched, then the API gets them, and "Load more" follows the cursor', async () => {
    search().flush({ items: [], nextCursor: null });
    await fixture.whenStable();
    expect(page().querySelector('[data-testid="audit-empty"]')).not.toBeNull();

    input('q', ' login ');
    input('action', 'auth.login');
    input('outcome', 'failure');
    input('type', 'audit.recorded.v1');
    input('from', '2030-03-01T00:00');
    page().querySelector<HTMLFormElement>('[data-testid="audit-filters"]')!.requestSubmit();
    const filtered = search();
    expect(filtered.request.params.get('q')).toBe('login');
    expect(filtered.request.params.get('action')).toBe('auth.login');
    expect(filtered.request.params.get('outcome')).toBe('failure');
    expect(filtered.request.params.get('type')).toBe('audit.recorded.v1');
    expect(filtered.request.params.get('from')).toBe(new Date('2030-03-01T00:00').toISOString());
    expect(filtered.request.params.has('to')).toBe(false);
    filtered.flush({ items: [anEntry({ seq: 9, action: 'auth.login' })], nextCursor: 'c1' });
    await fixture.whenStable();

    button('audit-load-more').click();
    const next = search();
    expect(next.request.params.get('cursor')).toBe('c1');
    expect(next.request.params.get('action')).toBe('auth.login');
    expect(next.request.params.get('type')).toBe('audit.recorded.v1');
    next.flush({ items: [anEntry({ seq: 3, action: 'auth.login' })], nextCursor: null });
    await fixture.whenStable();

    expect(page().querySelectorAll('[data-testid="audit-entry"]').length).toBe(2);
    expect(page().querySelector('[data-testid="audit-load-more"]')).toBeNull();
  });

  it('when the message type is not one, then the search waits and the field says why', async () => {
    search().flush({ items: [], nextCursor: null });
    await fixture.whenStable();
    input('type', 'checkin recorded');
    page().querySelector<HTMLFormElement>('[data-testid="audit-filters"]')!.requestSubmit();
    await fixture.whenStable();
    http.expectNone((r) => r.url === '/api/audit');
    expect(page().querySelector('mat-error')?.textContent).toBeTruthy();
  });

  it('when the chain is verified, then the result says intact with the range and time, or names the first bad entry', async () => {
    search().flush({ items: [], nextCursor: null });
    await fixture.whenStable();

    button('audit-verify').click();
    http.expectOne('/api/audit/verify').flush({
      valid: true,
      entries: 1200,
      firstBrokenSeq: null,
      fromSeq: 1,
      toSeq: 1200,
      durationMs: 12.34,
    });
    await settle();
    expect(page().querySelector('[data-testid="audit-verification"]')?.textContent).toContain(
      'The chain is intact: 1,200 entries checked (#1 to #1200) in 12.3 ms.',
    );

    button('audit-verify').click();
    http.expectOne('/api/audit/verify').flush({
      valid: false,
      entries: 40,
      firstBrokenSeq: 17,
      fromSeq: 1,
      toSeq: 40,
      durationMs: 2,
    });
    await settle();
    expect(page().querySelector('[data-testid="audit-verification"]')?.textContent).toContain(
      'the first bad entry is #17',
    );
  });

  it('when exported, then the current filter is sent and the file is handed to the browser', async () => {
    search().flush({ items: [], nextCursor: null });
    await fixture.whenStable();
    input('action', 'event.updated');
    page().querySelector<HTMLFormElement>('[data-testid="audit-filters"]')!.requestSubmit();
    search().flush({ items: [], nextCursor: null });
    await fixture.whenStable();

    const createObjectURL = vi.fn(() => 'blob:audit');
    const revokeObjectURL = vi.fn();
    Object.assign(URL, { createObjectURL, revokeObjectURL });
    const clicked: string[] = [];
    const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (
      this: HTMLAnchorElement,
    ) {
      clicked.push(this.download);
    });

    button('audit-export-csv').click();
    const request = http.expectOne((r) => r.url === '/api/audit/export');
    expect(request.request.params.get('format')).toBe('csv');
    expect(request.request.params.get('action')).toBe('event.updated');
    expect(request.request.responseType).toBe('blob');
    request.flush(new Blob(['seq,action\n']), {
      headers: { 'Content-Disposition': 'attachment; filename="audit-2030-03-10.csv"' },
    });
    await settle();

    expect(createObjectURL).toHaveBeenCalled();
    expect(clicked).toEqual(['audit-2030-03-10.csv']);
    click.mockRestore();
  });
});

describe('changesOf', () => {
  it('is null for an entry that records no change', () => {
    expect(changesOf({ data: { action: 'auth.login' } })).toBeNull();
    expect(changesOf({ data: null })).toBeNull();
  });
});
