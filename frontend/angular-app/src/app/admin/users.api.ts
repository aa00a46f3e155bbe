import { HttpClient, HttpParams } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import type { AdminUser, Role } from '@secureevent/contracts';
import { Observable } from 'rxjs';

/** One page of users as admins see them; `nextCursor` is null on the last page. */
export interface AdminUserPage {
  readonly items: AdminUser[];
  readonly nextCursor: string | null;
}

/** HTTP access to the user-service's admin routes (the API refuses anyone but admins). */
@Injectable({ providedIn: 'root' })
export class UsersApi {
  private readonly http = inject(HttpClient);

  /** Users whose email or name matches `q` (every user when empty), 50 at a time. */
  listUsers(q: string, cursor: string | null = null): Observable<AdminUserPage> {
    let params = new HttpParams().set('limit', 50);
    if (q) {
      params = params.set('q', q);
    }
    if (cursor) {
      params = params.set('cursor', cursor);
    }
    return this.http.get<AdminUserPage>('/api/users', { params });
  }

  setRoles(userId: string, roles: readonly Role[]): Observable<AdminUser> {
    return this.http.patch<AdminUser>(`/api/users/${encodeURIComponent(userId)}/roles`, { roles });
  }

  /** Disables the account and signs it out everywhere. */
  disableUser(userId: string): Observable<AdminUser> {
    return this.http.post<AdminUser>(`/api/users/${encodeURIComponent(userId)}/disable`, {});
  }

  /** Lets a disabled account sign in again. */
  enableUser(userId: string): Observable<AdminUser> {
    return this.http.post<AdminUser>(`/api/users/${encodeURIComponent(userId)}/enable`, {});
  }
}
