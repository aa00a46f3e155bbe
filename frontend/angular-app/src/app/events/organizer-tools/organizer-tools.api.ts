import { HttpClient, HttpParams } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import type {
  AttendeeExportColumn,
  AttendeeExportFormat,
  EventDto,
  OrganizerSearchResult,
} from '@secureevent/contracts';
import { Observable } from 'rxjs';

/** HTTP access for the organizer's tools on an event page: export, co-organizers, duplicate. */
@Injectable({ providedIn: 'root' })
export class OrganizerToolsApi {
  private readonly http = inject(HttpClient);

  /** The attendee list as a CSV or XLSX file with the chosen columns. */
  exportAttendees(
    eventId: string,
    format: AttendeeExportFormat,
    columns: readonly AttendeeExportColumn[],
  ): Observable<Blob> {
    const params = new HttpParams().set('format', format).set('columns', columns.join(','));
    return this.http.get(`/api/events/${encodeURIComponent(eventId)}/attendees/export`, {
      params,
      responseType: 'blob',
    });
  }

  /** People who may organize whose name or email starts with `q`: ids and names only. */
  searchOrganizers(q: string): Observable<OrganizerSearchResult> {
    return this.http.get<OrganizerSearchResult>('/api/users/search', {
      params: new HttpParams().set('q', q),
    });
  }

  /** The names of these people, for those who may organize. */
  organizerNames(ids: readonly string[]): Observable<OrganizerSearchResult> {
    return this.http.get<OrganizerSearchResult>('/api/users/search', {
      params: new HttpParams().set('ids', ids.join(',')),
    });
  }

  addCoOrganizer(eventId: string, userId: string): Observable<EventDto> {
    return this.http.post<EventDto>(`/api/events/${encodeURIComponent(eventId)}/organizers`, {
      userId,
    });
  }

  removeCoOrganizer(eventId: string, userId: string): Observable<EventDto> {
    return this.http.delete<EventDto>(
      `/api/events/${encodeURIComponent(eventId)}/organizers/${encodeURIComponent(userId)}`,
    );
  }

  /** Copies the event (not its attendees) into a new draft; `startsAt` moves every time with it. */
  duplicateEvent(eventId: string, startsAt: string | null): Observable<EventDto> {
    return this.http.post<EventDto>(
      `/api/events/${encodeURIComponent(eventId)}/duplicate`,
      startsAt === null ? {} : { startsAt },
    );
  }
}
