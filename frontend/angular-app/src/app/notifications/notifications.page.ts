import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatSelectModule } from '@angular/material/select';
import { RouterLink } from '@angular/router';
import { TranslocoPipe } from '@jsverse/transloco';
import type { NotificationDto } from '@secureevent/contracts';

import { InboxStore } from './inbox.store';
import {
  NotificationChannel,
  NotificationPreferences,
  PREFERENCE_KINDS,
} from './notifications.api';
import { I18n } from '../i18n/i18n';

/**
 * `/notifications`: the inbox (live), mark read, mark all read, and where each kind goes. The
 * state is in `InboxStore`.
 */
@Component({
  selector: 'app-notifications-page',
  imports: [TranslocoPipe, RouterLink, MatButtonModule, MatProgressBarModule, MatSelectModule],
  providers: [InboxStore],
  templateUrl: './notifications.page.html',
  styleUrl: './notifications.page.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class NotificationsPage {
  private readonly store = inject(InboxStore);
  private readonly i18n = inject(I18n);

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
    return this.i18n.dateTime(iso, { dateStyle: 'medium', timeStyle: 'short' });
  }
}
