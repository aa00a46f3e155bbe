import { HttpErrorResponse } from '@angular/common/http';
import {
  ChangeDetectionStrategy,
  Component,
  DestroyRef,
  LOCALE_ID,
  inject,
  signal,
} from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { MatButtonModule } from '@angular/material/button';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatSelectModule } from '@angular/material/select';
import { RouterLink } from '@angular/router';
import type { NotificationDto } from '@secureevent/contracts';
import { firstValueFrom } from 'rxjs';

import { describeHttpError } from '../http/problem-details';
import { RealtimeClient } from '../realtime/realtime.client';
import {
  NotificationChannel,
  NotificationPreferences,
  NotificationsApi,
  PREFERENCE_KINDS,
} from './notifications.api';
import { UnreadCountStore } from './unread-count.store';

/** `/notifications`: the inbox (live), mark read, mark all read, and where each kind goes. */
@Component({
  selector: 'app-notifications-page',
  imports: [RouterLink, MatButtonModule, MatProgressBarModule, MatSelectModule],
  templateUrl: './notifications.page.html',
  styleUrl: './notifications.page.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class NotificationsPage {
  private readonly api = inject(NotificationsApi);
  private readonly unreadCount = inject(UnreadCountStore);
  private readonly locale = inject(LOCALE_ID);
  private readonly destroyRef = inject(DestroyRef);

  protected readonly items = signal<readonly NotificationDto[] | null>(null);
  protected readonly nextCursor = signal<string | null>(null);
  protected readonly error = signal<string | null>(null);
  protected readonly busy = signal(false);
  protected readonly preferences = signal<NotificationPreferences | null>(null);
  protected readonly preferencesMessage = signal<string | null>(null);
  protected readonly kinds = PREFERENCE_KINDS;

  constructor() {
    this.loadPage(null);
    inject(RealtimeClient)
      .notifications()
      .pipe(takeUntilDestroyed(this.destroyRef))
      .subscribe(({ notification }) =>
        this.items.update((items) =>
          items?.some((n) => n.id === notification.id) ? items : [notification, ...(items ?? [])],
        ),
      );
    this.api
      .preferences()
      .pipe(takeUntilDestroyed(this.destroyRef))
      .subscribe({
        next: (preferences) => this.preferences.set(preferences),
        error: (error: unknown) =>
          this.preferencesMessage.set(
            error instanceof HttpErrorResponse && error.status === 404
              ? 'Notification preferences are not available on this server yet.'
              : describeHttpError(error),
          ),
      });
  }

  private loadPage(cursor: string | null): void {
    this.busy.set(true);
    this.api
      .list(cursor)
      .pipe(takeUntilDestroyed(this.destroyRef))
      .subscribe({
        next: (page) => {
          this.items.update((items) => [...(cursor === null ? [] : (items ?? [])), ...page.items]);
          this.nextCursor.set(page.nextCursor);
          this.unreadCount.unread.set(page.unread);
          this.busy.set(false);
        },
        error: (error: unknown) => {
          this.error.set(describeHttpError(error));
          this.busy.set(false);
        },
      });
  }

  loadMore(): void {
    this.loadPage(this.nextCursor());
  }

  async markRead(notification: NotificationDto): Promise<void> {
    try {
      await firstValueFrom(this.api.markRead(notification.id));
      const readAt = new Date().toISOString();
      this.items.update(
        (items) => items?.map((n) => (n.id === notification.id ? { ...n, readAt } : n)) ?? null,
      );
      this.unreadCount.unread.update((count) => Math.max((count ?? 1) - 1, 0));
    } catch (error) {
      this.error.set(describeHttpError(error));
    }
  }

  async markAllRead(): Promise<void> {
    try {
      await firstValueFrom(this.api.markAllRead());
      const readAt = new Date().toISOString();
      this.items.update(
        (items) => items?.map((n) => ({ ...n, readAt: n.readAt ?? readAt })) ?? null,
      );
      this.unreadCount.unread.set(0);
    } catch (error) {
      this.error.set(describeHttpError(error));
    }
  }

  async changeChannel(
    kind: keyof NotificationPreferences,
    channel: NotificationChannel,
  ): Promise<void> {
    const current = this.preferences();
    if (current === null) {
      return;
    }
    this.preferencesMessage.set(null);
    try {
      this.preferences.set(
        await firstValueFrom(this.api.savePreferences({ ...current, [kind]: channel })),
      );
      this.preferencesMessage.set('Saved.');
    } catch (error) {
      this.preferencesMessage.set(describeHttpError(error));
    }
  }

  protected time(iso: string): string {
    return new Intl.DateTimeFormat(this.locale, { dateStyle: 'medium', timeStyle: 'short' }).format(
      new Date(iso),
    );
  }
}
