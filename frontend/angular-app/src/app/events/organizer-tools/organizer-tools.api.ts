import { HttpClient, HttpParams } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import type { AttendeeExportColumn, AttendeeExportFormat } from '@secureevent/contracts';
import { Observable } from 'rxjs';

/** HTTP access for the organizer's tools on an event page: the attendee export. */
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
}
