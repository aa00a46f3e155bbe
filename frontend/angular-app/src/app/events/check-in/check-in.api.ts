import { HttpClient, HttpParams } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import type { CheckinSearchResult, CheckinStats } from '@secureevent/contracts';
import { Observable } from 'rxjs';

/** The door's own calls beyond checking in: finding attendees. */
@Injectable({ providedIn: 'root' })
export class CheckInApi {
  private readonly http = inject(HttpClient);

  /** Confirmed attendees of the event whose name, email or code starts with `q`. */
  search(eventId: string, q: string): Observable<CheckinSearchResult> {
    return this.http.get<CheckinSearchResult>(
      `/api/events/${encodeURIComponent(eventId)}/checkins/search`,
      { params: new HttpParams().set('q', q).set('limit', 20) },
    );
  }

  /** Undoes a check-in made less than 10 minutes ago; answers the new counts. */
  undo(eventId: string, registrationId: string): Observable<CheckinStats> {
    return this.http.delete<CheckinStats>(
      `/api/events/${encodeURIComponent(eventId)}/checkins/${encodeURIComponent(registrationId)}`,
    );
  }
}
