import { HttpClient } from '@angular/common/http';
import { Injectable, effect, inject, signal, untracked } from '@angular/core';
import type { NotificationPage } from '@secureevent/contracts';

import { AuthStore } from '../auth/auth.store';
import { RealtimeClient } from '../realtime/realtime.client';

/**
 * The unread count behind the bell: loaded when someone signs in, then kept current by the
 * `notification` frames of the WebSocket (each carries the inbox's count after it).
 */
@Injectable({ providedIn: 'root' })
export class UnreadCountStore {
  private readonly http = inject(HttpClient);
  private readonly auth = inject(AuthStore);
  private readonly realtime = inject(RealtimeClient);

  readonly unread = signal<number | null>(null);

  constructor() {
    effect(() => {
      const userId = this.auth.user()?.id;
      untracked(() => (userId === undefined ? this.unread.set(null) : this.reload()));
    });
    this.realtime.notifications().subscribe(({ unread }) => this.unread.set(unread));
  }

  reload(): void {
    this.http.get<NotificationPage>('/api/notifications', { params: { limit: 1 } }).subscribe({
      next: (page) => {
        this.unread.set(page.unread);
        if (page.items[0]) {
          this.realtime.rememberNewestNotification(page.items[0].id);
        }
      },
      error: () => this.unread.set(null),
    });
  }
}
