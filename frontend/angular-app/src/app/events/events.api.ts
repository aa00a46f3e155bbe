import { HttpClient, HttpParams } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import type {
  Attendee,
  Checkin,
  CheckinRequest,
  CreateEventRequest,
  EventDto,
  MyRegistrationDto,
  RegistrationDto,
  UpdateEventRequest,
} from '@secureevent/contracts';
import { Observable } from 'rxjs';

import { EventPage } from './event.model';

/** Filters of the public event list; every one is optional. */
export interface EventFilters {
  readonly q?: string;
  readonly from?: string;
  readonly to?: string;
  readonly tag?: string;
  readonly hasSeats?: boolean;
  readonly mode?: 'online' | 'in_person';
}

// The DTOs are declared once, in the contracts the services answer with.
export type { Attendee, Checkin };

/** One of the caller's registrations with the event it is for. */
export type MyRegistration = MyRegistrationDto;

/** HTTP access to the event service. */
@Injectable({ providedIn: 'root' })
export class EventsApi {
  private readonly http = inject(HttpClient);

  /** One page of published events; pass the previous page's `nextCursor` for the next one. */
  listPublishedEvents(
    cursor: string | null = null,
    filters: EventFilters = {},
  ): Observable<EventPage> {
    let params = new HttpParams();
    for (const [key, value] of Object.entries(filters)) {
      if (value !== undefined && value !== '' && value !== false) {
        params = params.set(key, String(value));
      }
    }
    if (cursor !== null) {
      params = params.set('cursor', cursor);
    }
    return this.http.get<EventPage>('/api/events', { params });
  }

  /** Every event in any status, past ones included (admins only; the API refuses anyone else). */
  listAllEvents(cursor: string | null = null): Observable<EventPage> {
    let params = new HttpParams().set('scope', 'all').set('limit', 100);
    if (cursor !== null) {
      params = params.set('cursor', cursor);
    }
    return this.http.get<EventPage>('/api/events', { params });
  }

  /** Events the caller organizes, any status. */
  myEvents(): Observable<{ items: EventDto[] }> {
    return this.http.get<{ items: EventDto[] }>('/api/events/mine');
  }

  getEvent(id: string, invite?: string): Observable<EventDto> {
    const params = invite ? new HttpParams().set('invite', invite) : undefined;
    return this.http.get<EventDto>(`/api/events/${encodeURIComponent(id)}`, { params });
  }

  createEvent(event: CreateEventRequest): Observable<EventDto> {
    return this.http.post<EventDto>('/api/events', event);
  }

  updateEvent(id: string, changes: UpdateEventRequest): Observable<EventDto> {
    return this.http.patch<EventDto>(`/api/events/${encodeURIComponent(id)}`, changes);
  }

  publishEvent(id: string): Observable<EventDto> {
    return this.http.post<EventDto>(`/api/events/${encodeURIComponent(id)}/publish`, {});
  }

  cancelEvent(id: string): Observable<EventDto> {
    return this.http.post<EventDto>(`/api/events/${encodeURIComponent(id)}/cancel`, {});
  }

  /**
   * Registers the caller, for `ticketTypeId` when the event offers several types, with the
   * `accessCode` that opens a hidden or code-only type; the idempotency key makes a retried click
   * register only once.
   */
  register(
    id: string,
    answers: Record<string, string | boolean>,
    idempotencyKey: string,
    invite?: string,
    ticketTypeId?: string,
    accessCode?: string,
  ): Observable<RegistrationDto> {
    const params = invite ? new HttpParams().set('invite', invite) : undefined;
    return this.http.post<RegistrationDto>(
      `/api/events/${encodeURIComponent(id)}/registrations`,
      { answers, ...(ticketTypeId ? { ticketTypeId } : {}), ...(accessCode ? { accessCode } : {}) },
      { params, headers: { 'Idempotency-Key': idempotencyKey } },
    );
  }

  cancelRegistration(registrationId: string): Observable<RegistrationDto> {
    return this.http.delete<RegistrationDto>(
      `/api/registrations/${encodeURIComponent(registrationId)}`,
    );
  }

  myRegistrations(): Observable<{ items: MyRegistration[] }> {
    return this.http.get<{ items: MyRegistration[] }>('/api/registrations/mine');
  }

  /**
   * The caller's registration for one event: the live one, else the latest cancelled one. The API
   * answers 404 when there is none.
   */
  myRegistration(eventId: string): Observable<MyRegistration> {
    return this.http.get<MyRegistration>(`/api/events/${encodeURIComponent(eventId)}/registration`);
  }

  /** The ticket's QR code as SVG text (fetched with the bearer token, so not a plain `<img src>`). */
  ticketSvg(registrationId: string): Observable<string> {
    return this.http.get(`/api/registrations/${encodeURIComponent(registrationId)}/ticket.svg`, {
      responseType: 'text',
    });
  }

  attendees(
    id: string,
    cursor: string | null = null,
  ): Observable<{ items: Attendee[]; nextCursor: string | null }> {
    let params = new HttpParams().set('limit', 100);
    if (cursor !== null) {
      params = params.set('cursor', cursor);
    }
    return this.http.get<{ items: Attendee[]; nextCursor: string | null }>(
      `/api/events/${encodeURIComponent(id)}/registrations`,
      { params },
    );
  }

  /** Checks a ticket in by its QR's signed token or its short code. */
  checkIn(id: string, presented: CheckinRequest): Observable<Checkin> {
    return this.http.post<Checkin>(`/api/events/${encodeURIComponent(id)}/checkins`, presented);
  }

  checkinStats(id: string): Observable<{ checkedIn: number; confirmed: number }> {
    return this.http.get<{ checkedIn: number; confirmed: number }>(
      `/api/events/${encodeURIComponent(id)}/checkins/stats`,
    );
  }
}
