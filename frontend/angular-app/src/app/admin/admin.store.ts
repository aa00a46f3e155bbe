import { DestroyRef, Injectable, computed, inject, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import type { AdminUser, EventDto, Role } from '@secureevent/contracts';
import { Observable, Subscription, firstValueFrom } from 'rxjs';

import { AuthStore } from '../auth/auth.store';
import { EventsApi } from '../events/events.api';
import { describeHttpError } from '../http/problem-details';
import { UsersApi } from './users.api';
import { t } from '../i18n/i18n';

/** Every role, in the order the page shows them (and the API stores them). */
export const ROLES: readonly Role[] = ['attendee', 'organizer', 'admin'];

interface AdminState {
  /** Null until the first page of users has arrived. */
  readonly users: readonly AdminUser[] | null;
  readonly usersCursor: string | null;
  /** Role edits not yet saved, per user id. */
  readonly draftRoles: ReadonlyMap<string, readonly Role[]>;
  readonly busy: boolean;
  readonly message: string | null;
  readonly error: string | null;
  /** Null until the first page of events has arrived. */
  readonly events: readonly EventDto[] | null;
  readonly eventsCursor: string | null;
  readonly eventsError: string | null;
}

/**
 * State of `/admin`: the users found by the last search (with unsaved role edits) and every
 * event, each a page at a time. Provided by the page.
 */
@Injectable()
export class AdminStore {
  private readonly usersApi = inject(UsersApi);
  private readonly eventsApi = inject(EventsApi);
  private readonly auth = inject(AuthStore);
  private readonly destroyRef = inject(DestroyRef);

  private readonly state = signal<AdminState>({
    users: null,
    usersCursor: null,
    draftRoles: new Map(),
    busy: false,
    message: null,
    error: null,
    events: null,
    eventsCursor: null,
    eventsError: null,
  });
  private query = '';
  private search: Subscription | undefined;

  readonly users = computed(() => this.state().users);
  readonly usersCursor = computed(() => this.state().usersCursor);
  readonly busy = computed(() => this.state().busy);
  readonly message = computed(() => this.state().message);
  readonly error = computed(() => this.state().error);
  readonly events = computed(() => this.state().events);
  readonly eventsCursor = computed(() => this.state().eventsCursor);
  readonly eventsError = computed(() => this.state().eventsError);

  /** Finds users by email or name (every user for an empty query). */
  searchUsers(query: string): void {
    this.query = query.trim();
    // A newer search wins: the answer to an older one must not overwrite it.
    this.search?.unsubscribe();
    this.search = this.loadUsers(null);
  }

  /** Appends the next page of the last search. */
  loadMoreUsers(): void {
    const cursor = this.usersCursor();
    if (cursor !== null) {
      this.loadUsers(cursor);
    }
  }

  /** The roles shown for a user: the unsaved edit, else the saved ones. */
  rolesOf(user: AdminUser): readonly Role[] {
    return this.state().draftRoles.get(user.id) ?? user.roles;
  }

  toggleRole(user: AdminUser, role: Role, checked: boolean): void {
    const current = this.rolesOf(user);
    const next = checked ? [...current, role] : current.filter((r) => r !== role);
    this.state.update((s) => ({
      ...s,
      draftRoles: new Map(s.draftRoles).set(
        user.id,
        ROLES.filter((r) => next.includes(r)),
      ),
    }));
  }

  async saveRoles(user: AdminUser): Promise<void> {
    const roles = this.rolesOf(user);
    await this.updateUser(
      this.usersApi.setRoles(user.id, roles),
      t('admin.rolesSaved', {
        email: user.email,
        roles: roles.map((r) => t(`roles.${r}`)).join(', '),
      }),
      // An admin who changed their own roles sees the app as the new roles allow at once.
      user.id === this.auth.user()?.id ? () => this.auth.reloadUser() : undefined,
    );
  }

  async disableUser(user: AdminUser): Promise<void> {
    await this.updateUser(
      this.usersApi.disableUser(user.id),
      t('admin.userDisabled', { email: user.email }),
    );
  }

  /** Lets a disabled account sign in again. */
  async enableUser(user: AdminUser): Promise<void> {
    await this.updateUser(
      this.usersApi.enableUser(user.id),
      t('admin.userEnabled', { email: user.email }),
    );
  }

  /** Every event in any status; `cursor` appends the next page. */
  loadEvents(cursor: string | null = null): void {
    this.eventsApi
      .listAllEvents(cursor)
      .pipe(takeUntilDestroyed(this.destroyRef))
      .subscribe({
        next: (page) =>
          this.state.update((s) => ({
            ...s,
            events: cursor !== null && s.events ? [...s.events, ...page.items] : page.items,
            eventsCursor: page.nextCursor,
          })),
        error: (error: unknown) =>
          this.state.update((s) => ({ ...s, eventsError: describeHttpError(error) })),
      });
  }

  private loadUsers(cursor: string | null): Subscription {
    this.state.update((s) => ({ ...s, busy: true }));
    return this.usersApi
      .listUsers(this.query, cursor)
      .pipe(takeUntilDestroyed(this.destroyRef))
      .subscribe({
        next: (page) =>
          this.state.update((s) => ({
            ...s,
            users: [...(cursor !== null ? (s.users ?? []) : []), ...page.items],
            usersCursor: page.nextCursor,
            busy: false,
          })),
        error: (error: unknown) =>
          this.state.update((s) => ({ ...s, error: describeHttpError(error), busy: false })),
      });
  }

  private async updateUser(
    request: Observable<AdminUser>,
    done: string,
    afterwards?: () => Promise<void>,
  ): Promise<void> {
    this.state.update((s) => ({ ...s, busy: true, message: null, error: null }));
    try {
      const updated = await firstValueFrom(request);
      this.state.update((s) => {
        const draftRoles = new Map(s.draftRoles);
        draftRoles.delete(updated.id);
        return {
          ...s,
          users: s.users?.map((u) => (u.id === updated.id ? updated : u)) ?? null,
          draftRoles,
          message: done,
        };
      });
      await afterwards?.();
    } catch (error) {
      this.state.update((s) => ({ ...s, error: describeHttpError(error) }));
    } finally {
      this.state.update((s) => ({ ...s, busy: false }));
    }
  }
}
