import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { ComponentFixture, TestBed } from '@angular/core/testing';

import { Attendee } from '../events.api';
import { anEvent } from '../events.testing';
import { ApprovalQueue } from './approval-queue';

function pending(id: string, name: string): Attendee {
  return {
    id,
    eventId: 'evt_queue',
    userId: `usr_${id}`,
    status: 'pending',
    ticketTypeId: 'tkt_general',
    answers: {},
    createdAt: '2030-01-03T00:00:00.000Z',
    checkedInAt: null,
    displayName: name,
    email: `${name.toLowerCase()}@example.com`,
  };
}

describe('ApprovalQueue', () => {
  let fixture: ComponentFixture<ApprovalQueue>;
  let http: HttpTestingController;
  const page = () => fixture.nativeElement as HTMLElement;
  const button = (text: string) =>
    [...page().querySelectorAll('button')].find((b) => b.textContent?.includes(text));
  const settle = async () => {
    await new Promise((resolve) => setTimeout(resolve));
    await fixture.whenStable();
  };
  const answerPending = (items: Attendee[]) =>
    http
      .expectOne(
        (r) =>
          r.method === 'GET' &&
          r.url === '/api/events/evt_queue/registrations' &&
          r.params.get('status') === 'pending',
      )
      .flush({ items, nextCursor: null });

  beforeEach(async () => {
    TestBed.configureTestingModule({
      imports: [ApprovalQueue],
      providers: [provideHttpClient(), provideHttpClientTesting()],
    });
    http = TestBed.inject(HttpTestingController);
    fixture = TestBed.createComponent(ApprovalQueue);
    fixture.componentRef.setInput(
      'event',
      anEvent({ id: 'evt_queue', registrationMode: 'approval' }),
    );
    fixture.detectChanges();
    answerPending([pending('reg_a', 'Ada'), pending('reg_b', 'Bob')]);
    await settle();
  });

  afterEach(() => http.verify());

  it('when people wait, then each is listed with approve and reject, and nothing is sent until one is clicked', () => {
    expect(page().querySelectorAll('[data-testid="approval-row"]').length).toBe(2);
    expect(page().textContent).toContain('Ada');
    expect(button('Approve selected')?.disabled).toBe(true);
  });

  it('when one is approved, then only its id is sent, the outcome is said and the queue reloads', async () => {
    const decided: unknown[] = [];
    fixture.componentInstance.decided.subscribe(() => decided.push(true));
    (page().querySelector('[aria-label="Approve Ada"]') as HTMLButtonElement).click();
    const request = http.expectOne('/api/events/evt_queue/registrations/approve');
    expect(request.request.body).toEqual({ ids: ['reg_a'] });
    request.flush({ results: [{ id: 'reg_a', ok: true }] });
    await settle();
    answerPending([pending('reg_b', 'Bob')]);
    await settle();
    expect(page().querySelector('[data-testid="approval-notice"]')?.textContent).toContain(
      '1 approved',
    );
    expect(page().querySelectorAll('[data-testid="approval-row"]').length).toBe(1);
    expect(decided.length).toBe(1);
  });

  it('when all are selected and rejected with a reason, then every id and the reason are sent, and a partial outcome says so', async () => {
    fixture.componentInstance.toggleAll(true);
    (
      fixture.componentInstance as unknown as { reason: { setValue(v: string): void } }
    ).reason.setValue('Members only');
    await settle();
    button('Reject selected')!.click();
    const request = http.expectOne('/api/events/evt_queue/registrations/reject');
    expect(request.request.body).toEqual({ ids: ['reg_a', 'reg_b'], reason: 'Members only' });
    request.flush({
      results: [
        { id: 'reg_a', ok: true },
        {
          id: 'reg_b',
          ok: false,
          error: { code: 'INVALID_STATE_TRANSITION', detail: 'not pending' },
        },
      ],
    });
    await settle();
    answerPending([]);
    await settle();
    expect(page().querySelector('[data-testid="approval-notice"]')?.textContent).toContain(
      '1 of 2',
    );
    expect(page().textContent).toContain('Nobody is waiting for approval.');
  });
});
