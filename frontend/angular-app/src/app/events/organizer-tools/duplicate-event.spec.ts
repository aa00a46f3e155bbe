import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { ComponentFixture, TestBed } from '@angular/core/testing';
import { Router, provideRouter } from '@angular/router';

import { anEvent } from '../events.testing';
import { DuplicateEvent } from './duplicate-event';

describe('DuplicateEvent', () => {
  let fixture: ComponentFixture<DuplicateEvent>;
  let http: HttpTestingController;
  let navigate: ReturnType<typeof vi.spyOn>;

  const page = () => fixture.nativeElement as HTMLElement;
  const byTestId = <T extends HTMLElement>(id: string) =>
    page().querySelector<T>(`[data-testid="${id}"]`)!;
  const settle = async () => {
    await new Promise((resolve) => setTimeout(resolve));
    await fixture.whenStable();
  };

  beforeEach(async () => {
    TestBed.configureTestingModule({
      imports: [DuplicateEvent],
      providers: [provideHttpClient(), provideHttpClientTesting(), provideRouter([])],
    });
    http = TestBed.inject(HttpTestingController);
    navigate = vi.spyOn(TestBed.inject(Router), 'navigate').mockResolvedValue(true);
    fixture = TestBed.createComponent(DuplicateEvent);
    fixture.componentRef.setInput(
      'event',
      anEvent({ id: 'evt_src', startsAt: '2030-05-01T07:00:00.000Z', timeZone: 'Europe/Berlin' }),
    );
    await fixture.whenStable();
  });
  afterEach(() => {
    vi.restoreAllMocks();
    http.verify();
  });

  it('when a new start is chosen in the event’s zone, then that instant is sent and the copy opens in the editor', async () => {
    byTestId<HTMLButtonElement>('duplicate-open').click();
    await fixture.whenStable();
    const start = byTestId<HTMLInputElement>('duplicate-starts-at');
    expect(start.value).toBe('2030-05-01T09:00');
    start.value = '2030-06-03T10:30';
    start.dispatchEvent(new Event('input'));
    byTestId<HTMLButtonElement>('duplicate-create').click();
    const request = http.expectOne('/api/events/evt_src/duplicate');
    expect(request.request.body).toEqual({ startsAt: '2030-06-03T08:30:00.000Z' });
    request.flush(anEvent({ id: 'evt_copy', status: 'draft' }));
    await settle();
    expect(navigate).toHaveBeenCalledWith(['/events', 'evt_copy', 'edit']);
  });

  it('when the start is left as it is, then no start is sent (the copy keeps the times)', async () => {
    byTestId<HTMLButtonElement>('duplicate-open').click();
    await fixture.whenStable();
    byTestId<HTMLButtonElement>('duplicate-create').click();
    const request = http.expectOne('/api/events/evt_src/duplicate');
    expect(request.request.body).toEqual({});
    request.flush(anEvent({ id: 'evt_copy' }));
    await settle();
  });

  it('when the copy is refused, then the reason is shown and nothing opens', async () => {
    byTestId<HTMLButtonElement>('duplicate-open').click();
    await fixture.whenStable();
    byTestId<HTMLButtonElement>('duplicate-create').click();
    http.expectOne('/api/events/evt_src/duplicate').flush(
      {
        title: 'Forbidden',
        status: 403,
        code: 'FORBIDDEN',
        detail: 'Only the event’s organizers.',
      },
      {
        status: 403,
        statusText: 'Forbidden',
        headers: { 'Content-Type': 'application/problem+json' },
      },
    );
    await settle();
    expect(page().querySelector('[role="alert"]')?.textContent).toContain(
      'Only the event’s organizers.',
    );
    expect(navigate).not.toHaveBeenCalled();
  });
});
