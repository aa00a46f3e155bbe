import { HttpClient, HttpParams } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import type {
  AccessCodeDto,
  Attendee,
  BulkDecisionResponse,
  CreateAccessCodeRequest,
} from '@secureevent/contracts';
import { Observable } from 'rxjs';

/** HTTP access to an event's approval queue and access codes (its managers only). */
@Injectable({ providedIn: 'root' })
export class ApprovalsApi {
  private readonly http = inject(HttpClient);

  /** The event's pending registrations, oldest first (one page of up to 100). */
  pending(eventId: string): Observable<{ items: Attendee[]; nextCursor: string | null }> {
    const params = new HttpParams().set('status', 'pending').set('limit', 100);
    return this.http.get<{ items: Attendee[]; nextCursor: string | null }>(
      `/api/events/${encodeURIComponent(eventId)}/registrations`,
      { params },
    );
  }

  /** Approves or rejects registrations of the event in the order given; one result per id. */
  decide(
    eventId: string,
    kind: 'approve' | 'reject',
    ids: readonly string[],
    reason?: string,
  ): Observable<BulkDecisionResponse> {
    return this.http.post<BulkDecisionResponse>(
      `/api/events/${encodeURIComponent(eventId)}/registrations/${kind}`,
      { ids, ...(reason ? { reason } : {}) },
    );
  }

  accessCodes(eventId: string): Observable<{ items: AccessCodeDto[] }> {
    return this.http.get<{ items: AccessCodeDto[] }>(
      `/api/events/${encodeURIComponent(eventId)}/access-codes`,
    );
  }

  createAccessCode(
    eventId: string,
    body: Partial<CreateAccessCodeRequest>,
  ): Observable<AccessCodeDto> {
    return this.http.post<AccessCodeDto>(
      `/api/events/${encodeURIComponent(eventId)}/access-codes`,
      body,
    );
  }

  deleteAccessCode(eventId: string, codeId: string): Observable<void> {
    return this.http.delete<void>(
      `/api/events/${encodeURIComponent(eventId)}/access-codes/${encodeURIComponent(codeId)}`,
    );
  }
}
