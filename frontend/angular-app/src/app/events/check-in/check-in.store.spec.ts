import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';

import { AuthStore } from '../../auth/auth.store';
import { FakeWebSocket, provideFakeWebSocket } from '../../realtime/realtime.testing';
import { anEvent } from '../events.testing';
import { CheckInStore } from './check-in.store';

describe('CheckInStore', () => {
  let store: CheckInStore;
  let http: HttpTestingController;
  const eventId = 'evt_store';

  beforeEach(() => {
    FakeWebSocket.reset();
    TestBed.configureTestingModule({
      providers: [
        CheckInStore,
        provideHttpClient(),
        provideHttpClientTesting(),
        provideFakeWebSocket(),
        { provide: AuthStore, useValue: { accessToken: () => null, user: () => null } },
      ],
    });
    http = TestBed.inject(HttpTestingController);
    store = TestBed.inject(CheckInStore);
    store.load(eventId);
    http.expectOne(`/api/events/${eventId}`).flush(anEvent({ id: eventId }));
    http.expectOne(`/api/events/${eventId}/checkins/stats`).flush({ checkedIn: 1, confirmed: 5 });
  });

  afterEach(() => http.verify());

  it('when loaded, then it holds the event and the count', () => {
    expect(store.event()?.id).toBe(eventId);
    expect(store.stats()).toEqual({ checkedIn: 1, confirmed: 5 });
    expect(store.loadError()).toBeNull();
  });

  it('when a code is too short to be a ticket, then nothing is asked and the result says why', async () => {
    await store.checkIn('  short ');
    expect(store.result()).toEqual({ kind: 'invalid', reason: 'This is not a ticket code.' });
  });

  it('when a ticket is valid, then the result is valid and the count follows the server', async () => {
    const done = store.checkIn(' signed.ticket.token ');
    expect(store.checking()).toBe(true);
    const request = http.expectOne(`/api/events/${eventId}/checkins`);
    expect(request.request.body).toEqual({ ticketToken: 'signed.ticket.token' });
    request.flush({
      registrationId: 'reg_1',
      userId: 'usr_x',
      checkedInAt: '2030-03-10T08:05:00Z',
      checkedInBy: 'usr_me',
      checkedIn: 2,
      attendee: {
        displayName: 'Ada',
        email: 'ada@example.test',
        ticketCode: '7K3M9QXD',
        ticketType: null,
      },
    });
    await done;

    expect(store.result()).toEqual({
      kind: 'valid',
      registrationId: 'reg_1',
      checkedInAt: '2030-03-10T08:05:00Z',
      attendee: {
        displayName: 'Ada',
        email: 'ada@example.test',
        ticketCode: '7K3M9QXD',
        ticketType: null,
      },
    });
    expect(store.stats()).toEqual({ checkedIn: 2, confirmed: 5 });
    expect(store.checking()).toBe(false);
  });

  it('when the ticket was already used, then the result says when and by whom', async () => {
    const done = store.checkIn('signed.ticket.token');
    http.expectOne(`/api/events/${eventId}/checkins`).flush(
      {
        title: 'Conflict',
        status: 409,
        code: 'ALREADY_CHECKED_IN',
        checkedInAt: '2030-03-10T08:00:00Z',
        checkedInBy: 'usr_door',
        checkedInByName: 'Dora',
        attendee: { displayName: 'Ada', email: null, ticketCode: '7K3M9QXD', ticketType: null },
      },
      { status: 409, statusText: 'Conflict' },
    );
    await done;

    expect(store.result()).toEqual({
      kind: 'already',
      checkedInAt: '2030-03-10T08:00:00Z',
      checkedInBy: 'usr_door',
      checkedInByName: 'Dora',
      attendee: { displayName: 'Ada', email: null, ticketCode: '7K3M9QXD', ticketType: null },
    });
  });

  it('when a short code is typed in lower case with a dash and an O for a zero, then the canonical code is sent', async () => {
    const done = store.checkIn(' 7k3m-9qod ');
    const request = http.expectOne(`/api/events/${eventId}/checkins`);
    expect(request.request.body).toEqual({ code: '7K3M9Q0D' });
    request.flush(
      { title: 'Bad Request', status: 400, code: 'INVALID_TICKET', detail: 'Not a ticket.' },
      { status: 400, statusText: 'Bad Request' },
    );
    await done;
    expect(store.result()).toEqual({ kind: 'invalid', reason: 'Not a ticket.' });
  });

  it('when loading fails, then the reason is kept in words', () => {
    store.load('evt_gone');
    http
      .expectOne('/api/events/evt_gone')
      .flush(
        { title: 'Not Found', status: 404, detail: 'No such event.' },
        { status: 404, statusText: 'Not Found' },
      );
    http.expectOne('/api/events/evt_gone/checkins/stats').flush({ checkedIn: 0, confirmed: 0 });

    expect(store.loadError()).toBe('No such event.');
    expect(store.event()).toBeNull();
  });

  it('when the door searches a name, then the matches are listed, and one tap checks a match in and marks it', async () => {
    const searched = store.search(' zoë ');
    const request = http.expectOne(
      (r) => r.url === `/api/events/${eventId}/checkins/search` && r.params.get('q') === 'zoë',
    );
    const zoe = {
      registrationId: 'reg_zoe',
      displayName: 'Zoë Brontë',
      email: 'zoe@example.test',
      ticketCode: '7K3M9QXD',
      ticketType: 'General admission',
      checkedInAt: null,
      checkedInByName: null,
    };
    request.flush({ items: [zoe] });
    await searched;
    expect(store.matches()).toEqual([zoe]);

    const tapped = store.checkInMatch(zoe);
    const checkin = http.expectOne(`/api/events/${eventId}/checkins`);
    expect(checkin.request.body).toEqual({ code: '7K3M9QXD' });
    checkin.flush({
      registrationId: 'reg_zoe',
      userId: 'usr_zoe',
      checkedInAt: '2030-03-10T08:05:00Z',
      checkedInBy: 'usr_me',
      checkedIn: 2,
      attendee: {
        displayName: 'Zoë Brontë',
        email: 'zoe@example.test',
        ticketCode: '7K3M9QXD',
        ticketType: 'General admission',
      },
    });
    await tapped;
    expect(store.matches()?.[0]?.checkedInAt).toBe('2030-03-10T08:05:00Z');
    expect(store.result()?.kind).toBe('valid');
  });

  it('when the search box is emptied, then nothing is asked and the list goes', async () => {
    await store.search('   ');
    expect(store.matches()).toBeNull();
  });

  it('when the last check-in is undone, then the server is asked for that registration and the count follows', async () => {
    const done = store.checkIn('7K3M9QXD');
    http.expectOne(`/api/events/${eventId}/checkins`).flush({
      registrationId: 'reg_9',
      userId: 'usr_x',
      checkedInAt: '2030-03-10T08:05:00Z',
      checkedInBy: 'usr_me',
      checkedIn: 2,
      attendee: { displayName: 'Ada', email: null, ticketCode: '7K3M9QXD', ticketType: null },
    });
    await done;
    const undone = store.undoLast();
    const request = http.expectOne(`/api/events/${eventId}/checkins/reg_9`);
    expect(request.request.method).toBe('DELETE');
    request.flush({ checkedIn: 1, confirmed: 5 });
    await undone;
    expect(store.result()).toEqual({
      kind: 'undone',
      attendee: { displayName: 'Ada', email: null, ticketCode: '7K3M9QXD', ticketType: null },
    });
    expect(store.stats()).toEqual({ checkedIn: 1, confirmed: 5 });
  });

  describe('when another door checks in or undoes', () => {
    const hit = {
      registrationId: 'reg_live',
      displayName: 'Ada',
      email: 'ada@example.test',
      ticketCode: '7K3M9QXD',
      ticketType: null,
      checkedInAt: null,
      checkedInByName: null,
    };
    const frame = (change: 'recorded' | 'undone', checkedIn: number, at: string) =>
      FakeWebSocket.latest()!.receive({
        type: 'checkins',
        eventId,
        checkedIn,
        at,
        change,
        registrationId: 'reg_live',
      });

    beforeEach(async () => {
      FakeWebSocket.latest()!.open();
      const done = store.search('ada');
      http
        .expectOne((r) => r.url === `/api/events/${eventId}/checkins/search`)
        .flush({ items: [hit] });
      await done;
    });

    it('then the count and the search row follow, in and out again', () => {
      frame('recorded', 2, '2030-03-10T08:05:00.000Z');
      expect(store.stats()?.checkedIn).toBe(2);
      expect(store.matches()?.[0]?.checkedInAt).toBe('2030-03-10T08:05:00.000Z');
      frame('undone', 1, '2030-03-10T08:06:00.000Z');
      expect(store.stats()?.checkedIn).toBe(1);
      expect(store.matches()?.[0]?.checkedInAt).toBeNull();
    });

    it('then a count older than the one shown is ignored', () => {
      frame('undone', 1, '2030-03-10T08:06:00.000Z');
      frame('recorded', 2, '2030-03-10T08:05:00.000Z');
      expect(store.stats()?.checkedIn).toBe(1);
      expect(store.matches()?.[0]?.checkedInAt).toBeNull();
    });

    it('then a valid result here for the ticket undone elsewhere says it is undone', async () => {
      const done = store.checkIn('7K3M9QXD');
      http.expectOne(`/api/events/${eventId}/checkins`).flush({
        registrationId: 'reg_live',
        userId: 'usr_x',
        checkedInAt: '2030-03-10T08:05:00.000Z',
        checkedInBy: 'usr_me',
        checkedIn: 2,
        attendee: { displayName: 'Ada', email: null, ticketCode: '7K3M9QXD', ticketType: null },
      });
      await done;
      frame('undone', 1, '2030-03-10T08:07:00.000Z');
      expect(store.result()).toEqual({
        kind: 'undone',
        attendee: { displayName: 'Ada', email: null, ticketCode: '7K3M9QXD', ticketType: null },
      });
    });
  });
});
