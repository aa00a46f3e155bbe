import { ChangeDetectionStrategy, Component, LOCALE_ID, inject } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatSelectModule } from '@angular/material/select';
import { RouterLink } from '@angular/router';
import type { NotificationDto } from '@secureevent/contracts';

import { InboxStore } from './inbox.store';
import {
  NotificationChannel,
  NotificationPreferences,
  PREFERENCE_KINDS,
} from './notifications.api';

/**
 * `/notifications`: the inbox (live), mark read, mark all read, and where each kind goes. The
 * state is in `InboxStore`.
 */
@Component({
  selector: 'app-notifications-page',
  imports: [RouterLink, MatButtonModule, MatProgressBarModule, MatSelectModule],
  providers: [InboxStore],
  templateUrl: './notifications.page.html',
  styleUrl: './notifications.page.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class NotificationsPage {
  private readonly store = inject(InboxStore);
  private readonly locale = inject(LOCALE_ID);

  protected readonly items = this.store.items;
  protected readonly nextCursor = this.store.nextCursor;
  protected readonly error = this.store.error;
  protected readonly busy = this.store.busy;
  protected readonly preferences = this.store.preferences;
  protected readonly preferencesMessage = this.store.preferencesMessage;
  protected readonly kinds = PREFERENCE_KINDS;

  constructor() {
    this.store.load();
  }

  loadMore(): void {
    this.store.loadMore();
  }

  markRead(notification: NotificationDto): Promise<void> {
    return this.store.markRead(notification);
  }

  markAllRead(): Promise<void> {
    return this.store.markAllRead();
  }

  changeChannel(kind: keyof NotificationPreferences, channel: NotificationChannel): Promise<void> {
    return this.store.changeChannel(kind, channel);
  }

  protected time(iso: string): string {
    return new Intl.DateTimeFormat(this.locale, { dateStyle: 'medium', timeStyle: 'short' }).format(
      new Date(iso),
    );
  }
}
