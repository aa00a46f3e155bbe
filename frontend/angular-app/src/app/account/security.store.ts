import { DestroyRef, Injectable, computed, inject, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import type { Session } from '@secureevent/contracts';
import { Observable, firstValueFrom } from 'rxjs';

import { describeHttpError } from '../http/problem-details';
import { AccountApi } from './account.api';

interface SecurityState {
  /** Null until loaded; most recently used first, as the API lists them. */
  readonly sessions: readonly Session[] | null;
  readonly busy: boolean;
  /** A translation key for what the last action did. */
  readonly notice: string | null;
  readonly error: string | null;
}

/**
 * State of `/account/security`: the caller's live sessions; ending one, or every one but this
 * device's. After each action the list is read again, so it shows what the server now holds.
 * Provided by the page.
 */
@Injectable()
export class SecurityStore {
  private readonly api = inject(AccountApi);
  private readonly destroyRef = inject(DestroyRef);

  private readonly state = signal<SecurityState>({
    sessions: null,
    busy: false,
    notice: null,
    error: null,
  });

  readonly sessions = computed(() => this.state().sessions);
  readonly otherSessions = computed(() => (this.sessions() ?? []).filter((s) => !s.current));
  readonly busy = computed(() => this.state().busy);
  readonly notice = computed(() => this.state().notice);
  readonly error = computed(() => this.state().error);

  load(): void {
    this.api
      .sessions()
      .pipe(takeUntilDestroyed(this.destroyRef))
      .subscribe({
        next: (sessions) => this.state.update((s) => ({ ...s, sessions })),
        error: (error: unknown) =>
          this.state.update((s) => ({ ...s, error: describeHttpError(error) })),
      });
  }

  /** Ends another session: its refresh token stops working at once. */
  async endSession(session: Session): Promise<void> {
    await this.act(this.api.endSession(session.id), 'account.sessionEnded');
  }

  async endOtherSessions(): Promise<void> {
    await this.act(this.api.endOtherSessions(), 'account.otherSessionsEnded');
  }

  private async act(request: Observable<void>, notice: string): Promise<void> {
    this.state.update((s) => ({ ...s, busy: true, notice: null, error: null }));
    try {
      await firstValueFrom(request, { defaultValue: undefined });
      const sessions = await firstValueFrom(this.api.sessions());
      this.state.update((s) => ({ ...s, sessions, notice }));
    } catch (error) {
      this.state.update((s) => ({ ...s, error: describeHttpError(error) }));
      this.load();
    } finally {
      this.state.update((s) => ({ ...s, busy: false }));
    }
  }
}
