import { HttpClient } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import type { EventDraftRequest, EventDraftResponse } from '@secureevent/contracts';
import { Observable } from 'rxjs';

/** HTTP access to the event assistant (`POST /api/assist/event-draft`, docs/assistant.md). */
@Injectable({ providedIn: 'root' })
export class AssistApi {
  private readonly http = inject(HttpClient);

  /** A draft of an event from a sentence, an e-mail or an .ics file's text; nothing is saved. */
  draftEvent(request: EventDraftRequest): Observable<EventDraftResponse> {
    return this.http.post<EventDraftResponse>('/api/assist/event-draft', request);
  }
}
