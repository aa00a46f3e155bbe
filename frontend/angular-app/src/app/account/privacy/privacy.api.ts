import { HttpClient } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import type { EraseMeRequest } from '@secureevent/contracts';
import { Observable } from 'rxjs';

/** HTTP access to the caller's personal data: the export of every service's part, and erasure. */
@Injectable({ providedIn: 'root' })
export class PrivacyApi {
  private readonly http = inject(HttpClient);

  /** The whole export as the JSON file the server sends (kept as bytes, handed to the browser as a download). */
  exportMyData(): Observable<Blob> {
    return this.http.get('/api/users/me/export', { responseType: 'blob' });
  }

  /** Erases the account and its data in every service; needs the current password. */
  eraseMe(request: EraseMeRequest): Observable<void> {
    return this.http.delete<void>('/api/users/me', { body: request });
  }
}
