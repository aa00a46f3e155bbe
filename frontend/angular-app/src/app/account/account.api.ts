import { HttpClient } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import type { ChangePasswordRequest, Session, UpdateMeRequest, User } from '@secureevent/contracts';
import { Observable } from 'rxjs';

/** HTTP access to the caller's own account and sessions (`/api/users/me…`). */
@Injectable({ providedIn: 'root' })
export class AccountApi {
  private readonly http = inject(HttpClient);

  me(): Observable<User> {
    return this.http.get<User>('/api/users/me');
  }

  /** Name, language, time zone, or a new email (needs `currentPassword`; applies once confirmed). */
  updateMe(changes: UpdateMeRequest): Observable<User> {
    return this.http.patch<User>('/api/users/me', changes);
  }

  /** Every other session of the caller ends; this one stays. */
  changePassword(request: ChangePasswordRequest): Observable<void> {
    return this.http.post<void>('/api/users/me/password', request);
  }

  /** The caller's live sessions, most recently used first. */
  sessions(): Observable<Session[]> {
    return this.http.get<Session[]>('/api/users/me/sessions');
  }

  endSession(id: string): Observable<void> {
    return this.http.delete<void>(`/api/users/me/sessions/${encodeURIComponent(id)}`);
  }

  endOtherSessions(): Observable<void> {
    return this.http.post<void>('/api/users/me/sessions/revoke-others', {});
  }
}
