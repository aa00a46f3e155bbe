import { HttpClient, HttpParams } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import type {
  NotificationChannel,
  NotificationPage,
  NotificationPreferenceKind,
  NotificationPreferences,
} from '@secureevent/contracts';
import { Observable } from 'rxjs';

export type { NotificationChannel, NotificationPreferences };

/**
 * The translation key of what each kind means to a person; a kind added to the contract does not
 * compile until labelled here (and the key-parity test fails until it is in every language).
 */
const KIND_LABELS: Record<NotificationPreferenceKind, string> = {
  registration_confirmed: 'notifications.kinds.registration_confirmed',
  registration_waitlisted: 'notifications.kinds.registration_waitlisted',
  registration_promoted: 'notifications.kinds.registration_promoted',
  registration_rejected: 'notifications.kinds.registration_rejected',
  event_updated: 'notifications.kinds.event_updated',
  event_cancelled: 'notifications.kinds.event_cancelled',
  event_reminder: 'notifications.kinds.event_reminder',
  roles_changed: 'notifications.kinds.roles_changed',
};
export const PREFERENCE_KINDS = Object.entries(KIND_LABELS) as [
  NotificationPreferenceKind,
  string,
][];

@Injectable({ providedIn: 'root' })
export class NotificationsApi {
  private readonly http = inject(HttpClient);

  list(cursor: string | null = null): Observable<NotificationPage> {
    let params = new HttpParams().set('limit', 20);
    if (cursor !== null) {
      params = params.set('cursor', cursor);
    }
    return this.http.get<NotificationPage>('/api/notifications', { params });
  }

  markRead(id: string): Observable<unknown> {
    return this.http.post(`/api/notifications/${encodeURIComponent(id)}/read`, {});
  }

  markAllRead(): Observable<{ marked: number }> {
    return this.http.post<{ marked: number }>('/api/notifications/read-all', {});
  }

  preferences(): Observable<NotificationPreferences> {
    return this.http.get<NotificationPreferences>('/api/notifications/preferences');
  }

  savePreferences(preferences: NotificationPreferences): Observable<NotificationPreferences> {
    return this.http.put<NotificationPreferences>('/api/notifications/preferences', preferences);
  }
}
