import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { ComponentFixture, TestBed } from '@angular/core/testing';

import { AttendeeExport } from './attendee-export';

describe('AttendeeExport', () => {
  let fixture: ComponentFixture<AttendeeExport>;
  let http: HttpTestingController;
  let downloads: string[];
  let createObjectURL: ReturnType<typeof vi.fn>;

  const page = () => fixture.nativeElement as HTMLElement;
  const exportButton = () =>
    page().querySelector<HTMLButtonElement>('[data-testid="export-attendees"]')!;
  const untick = (column: string) =>
    page()
      .querySelector<HTMLInputElement>(`[data-testid="export-column-${column}"] input`)!
      .click();
  const settle = async () => {
    await new Promise((resolve) => setTimeout(resolve));
    await fixture.whenStable();
  };

  beforeEach(async () => {
    TestBed.configureTestingModule({
      imports: [AttendeeExport],
      providers: [provideHttpClient(), provideHttpClientTesting()],
    });
    http = TestBed.inject(HttpTestingController);
    // jsdom has no object URLs; record what the component does with the file instead.
    createObjectURL = vi.fn((_blob: Blob) => 'blob:attendees');
    Object.assign(URL, { createObjectURL, revokeObjectURL: vi.fn() });
    downloads = [];
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (
      this: HTMLAnchorElement,
    ) {
      downloads.push(`${this.download} ${this.href}`);
    });
    fixture = TestBed.createComponent(AttendeeExport);
    fixture.componentRef.setInput('eventId', 'evt_tools');
    await fixture.whenStable();
  });

  afterEach(() => {
    vi.restoreAllMocks();
    http.verify();
  });

  it('when Export is pressed, then the XLSX with every column is fetched and handed to the browser', async () => {
    exportButton().click();
    const request = http.expectOne((r) => r.url === '/api/events/evt_tools/attendees/export');
    expect(request.request.params.get('format')).toBe('xlsx');
    expect(request.request.params.get('columns')).toBe(
      'name,email,status,ticketType,code,registeredAt,checkedInAt,answers',
    );
    expect(request.request.responseType).toBe('blob');
    const file = new Blob(['PK'], { type: 'application/octet-stream' });
    request.flush(file);
    await settle();

    expect(createObjectURL).toHaveBeenCalledWith(file);
    expect(downloads).toEqual(['attendees-evt_tools.xlsx blob:attendees']);
  });

  it('when CSV and fewer columns are chosen, then only those are asked for', async () => {
    page().querySelector<HTMLInputElement>('mat-radio-button[value="csv"] input')!.click();
    untick('email');
    untick('answers');
    await fixture.whenStable();
    exportButton().click();
    const request = http.expectOne((r) => r.url === '/api/events/evt_tools/attendees/export');
    expect(request.request.params.get('format')).toBe('csv');
    expect(request.request.params.get('columns')).toBe(
      'name,status,ticketType,code,registeredAt,checkedInAt',
    );
    request.flush(new Blob(['\uFEFFName\n']));
    await settle();
    expect(downloads).toEqual(['attendees-evt_tools.csv blob:attendees']);
  });

  it('when every column is unticked, then there is nothing to export', async () => {
    for (const c of [
      'name',
      'email',
      'status',
      'ticketType',
      'code',
      'registeredAt',
      'checkedInAt',
      'answers',
    ])
      untick(c);
    await fixture.whenStable();
    expect(exportButton().disabled).toBe(true);
    expect(page().textContent).toContain('Pick at least one column.');
  });

  it('when the server refuses, then the reason is shown and nothing is downloaded', async () => {
    exportButton().click();
    http
      .expectOne((r) => r.url === '/api/events/evt_tools/attendees/export')
      .flush(new Blob([JSON.stringify({ title: 'Forbidden', status: 403, code: 'FORBIDDEN' })]), {
        status: 403,
        statusText: 'Forbidden',
      });
    await settle();
    expect(page().querySelector('[role="alert"]')).not.toBeNull();
    expect(downloads).toEqual([]);
  });
});
