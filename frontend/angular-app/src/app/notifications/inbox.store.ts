import { HttpErrorResponse } from '@angular/common/http';
import { DestroyRef, Injectable, computed, inject, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import type { NotificationDto } from '@secureevent/contracts';
import { firstValueFrom } from 'rxjs';

import { describeHttpError } from '../http/problem-details';
import { RealtimeClient } from '../realtime/realtime.client';
import {
  NotificationChannel,
  NotificationPreferences,
  NotificationsApi,
} from './notifications.api';
import { UnreadCountStore } from './unread-count.store';
import { t } from '../i18n/i18n';

interface InboxState {
  /** Null until the first page has arrived. */
  readonly items: readonly NotificationDto[] | null;
  readonly nextCursor: string | null;
  readonly busy: boolean;
  readonly error: string | null;
  readonly preferences: NotificationPreferences | null;
  readonly preferencesMessage: string | null;
}

/**
 * State of `/notifications`: the inbox a page at a time (new notifications arrive live over the
 * WebSocket), read marks, and where each kind goes. Keeps the bell's `UnreadCountStore` in step.
 * Provided by the page.
 */
@Injectable()
export class InboxStore {
  private readonly api = inject(NotificationsApi);
  private readonly unreadCount = inject(UnreadCountStore);
  private readonly destroyRef = inject(DestroyRef);

  private readonly state = signal<InboxState>({
    items: null,
    nextCursor: null,
    busy: false,
    error: null,
    preferences: null,
    preferencesMessage: null,
  });

  readonly items = computed(() => this.state().items);
  readonly nextCursor = computed(() => this.state().nextCursor);
  readonly busy = computed(() => this.state().busy);
  readonly error = computed(() => this.state().error);
  readonly preferences = computed(() => this.state().preferences);
  readonly preferencesMessage = computed(() => this.state().preferencesMessage);

  constructor() {
    inject(RealtimeClient)
      .notifications()
      .pipe(takeUntilDestroyed(this.destroyRef))
      .subscribe(({ notification }) =>
        this.state.update((s) =>
          s.items?.some((n) => n.id === notification.id)
            ? s
            : { ...s, items: [notification, ...(s.items ?? [])] },
        ),
      );
  }

  /** Loads the first page of the inbox and the preferences. */
  load(): void {
    this.loadPage(null);
    this.api
      .preferences()
      .pipe(takeUntilDestroyed(this.destroyRef))
      .subscribe({
        next: (preferences) => this.state.update((s) => ({ ...s, preferences })),
        error: (error: unknown) =>
          this.state.update((s) => ({
            ...s,
            preferencesMessage:
              error instanceof HttpErrorResponse && error.status === 404
                ? t('notifications.preferencesUnavailable')
                : describeHttpError(error),
          })),
      });
  }

  loadMore(): void {
    this.loadPage(this.nextCursor());
  }

  async markRead(notification: NotificationDto): Promise<void> {
    try {
      await firstValueFrom(this.api.markRead(notification.id));
      const readAt = new Date().toISOString();
      this.state.update((s) => ({
        ...s,
        items: s.items?.map((n) => (n.id === notification.id ? { ...n, readAt } : n)) ?? null,
      }));
      this.unreadCount.unread.update((count) => Math.max((count ?? 1) - 1, 0));
    } catch (error) {
      this.state.update((s) => ({ ...s, error: describeHttpError(error) }));
    }
  }

  async markAllRead(): Promise<void> {
    try {
      await firstValueFrom(this.api.markAllRead());
      const readAt = new Date().toISOString();
      this.state.update((s) => ({
        ...s,
        items: s.items?.map((n) => ({ ...n, readAt: n.readAt ?? readAt })) ?? null,
      }));
      this.unreadCount.unread.set(0);
    } catch (error) {
      this.state.update((s) => ({ ...s, error: describeHttpError(error) }));
    }
  }

  /** Sends one kind of notification to another channel. */
  async changeChannel(
    kind: keyof NotificationPreferences,
    channel: NotificationChannel,
  ): Promise<void> {
    const current = this.preferences();
    if (current === null) {
      return;
    }
    this.state.update((s) => ({ ...s, preferencesMessage: null }));
    try {
      const preferences = await firstValueFrom(
        this.api.savePreferences({ ...current, [kind]: channel }),
      );
      this.state.update((s) => ({
        ...s,
        preferences,
        preferencesMessage: t('notifications.saved'),
      }));
    } catch (error) {
      this.state.update((s) => ({ ...s, preferencesMessage: describeHttpError(error) }));
    }
  }

  private loadPage(cursor: string | null): void {
    this.state.update((s) => ({ ...s, busy: true }));
    this.api
      .list(cursor)
      .pipe(takeUntilDestroyed(this.destroyRef))
      .subscribe({
        next: (page) => {
          this.state.update((s) => ({
            ...s,
            items: [...(cursor === null ? [] : (s.items ?? [])), ...page.items],
            nextCursor: page.nextCursor,
            busy: false,
          }));
          this.unreadCount.unread.set(page.unread);
        },
        error: (error: unknown) =>
          this.state.update((s) => ({ ...s, error: describeHttpError(error), busy: false })),
      });
  }
}
