import { HttpClient, HttpParams } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import { Observable } from 'rxjs';

import { EventPage } from './event.model';

/** HTTP access to the event service's public listing. */
@Injectable({ providedIn: 'root' })
export class EventsApi {
  private readonly http = inject(HttpClient);

  /** One page of published events; pass the previous page's `nextCursor` for the next one. */
  listPublishedEvents(cursor: string | null = null): Observable<EventPage> {
    const params = cursor === null ? undefined : new HttpParams().set('cursor', cursor);
    return this.http.get<EventPage>('/api/events', { params });
  }
}
