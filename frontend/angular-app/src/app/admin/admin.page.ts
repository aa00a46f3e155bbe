import { HttpClient, HttpParams } from '@angular/common/http';
import { ChangeDetectionStrategy, Component, DestroyRef, inject, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { FormControl, ReactiveFormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatCheckboxModule } from '@angular/material/checkbox';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { RouterLink } from '@angular/router';
import type { AdminUser, EventDto, Role } from '@secureevent/contracts';
import { firstValueFrom } from 'rxjs';

import { AuthStore } from '../auth/auth.store';
import { EventsApi } from '../events/events.api';
import { describeHttpError } from '../http/problem-details';

const ROLES: readonly Role[] = ['attendee', 'organizer', 'admin'];

/** `/admin`: users (search, roles, disable) and every event. The API enforces the same rules. */
@Component({
  selector: 'app-admin-page',
  imports: [
    ReactiveFormsModule,
    RouterLink,
    MatButtonModule,
    MatCheckboxModule,
    MatFormFieldModule,
    MatInputModule,
    MatProgressBarModule,
  ],
  templateUrl: './admin.page.html',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class AdminPage {
  private readonly http = inject(HttpClient);
  private readonly events = inject(EventsApi);
  private readonly destroyRef = inject(DestroyRef);
  private readonly auth = inject(AuthStore);

  protected readonly roles = ROLES;
  protected readonly search = new FormControl('', { nonNullable: true });
  protected readonly users = signal<readonly AdminUser[] | null>(null);
  protected readonly usersCursor = signal<string | null>(null);
  protected readonly busy = signal(false);
  protected readonly message = signal<string | null>(null);
  protected readonly error = signal<string | null>(null);
  /** Role edits not yet saved, per user id. */
  protected readonly draftRoles = signal<ReadonlyMap<string, readonly Role[]>>(new Map());
  protected readonly allEvents = signal<readonly EventDto[] | null>(null);
  protected readonly eventsError = signal<string | null>(null);
  protected readonly moreEvents = signal<string | null>(null);

  constructor() {
    this.searchUsers();
    this.loadEvents();
  }

  /** Every event in any status, a page at a time (`cursor` appends the next page). */
  loadEvents(cursor: string | null = null): void {
    this.events
      .listAllEvents(cursor)
      .pipe(takeUntilDestroyed(this.destroyRef))
      .subscribe({
        next: (page) => {
          this.allEvents.update((shown) =>
            cursor && shown ? [...shown, ...page.items] : page.items,
          );
          this.moreEvents.set(page.nextCursor);
        },
        error: (error: unknown) => this.eventsError.set(describeHttpError(error)),
      });
  }

  searchUsers(cursor: string | null = null): void {
    let params = new HttpParams().set('limit', 50);
    const q = this.search.value.trim();
    if (q) {
      params = params.set('q', q);
    }
    if (cursor) {
      params = params.set('cursor', cursor);
    }
    this.busy.set(true);
    this.http
      .get<{ items: AdminUser[]; nextCursor: string | null }>('/api/users', { params })
      .pipe(takeUntilDestroyed(this.destroyRef))
      .subscribe({
        next: (page) => {
          this.users.update((users) => [...(cursor ? (users ?? []) : []), ...page.items]);
          this.usersCursor.set(page.nextCursor);
          this.busy.set(false);
        },
        error: (error: unknown) => {
          this.error.set(describeHttpError(error));
          this.busy.set(false);
        },
      });
  }

  protected rolesOf(user: AdminUser): readonly Role[] {
    return this.draftRoles().get(user.id) ?? user.roles;
  }

  toggleRole(user: AdminUser, role: Role, checked: boolean): void {
    const current = this.rolesOf(user);
    const next = checked ? [...current, role] : current.filter((r) => r !== role);
    this.draftRoles.update((drafts) =>
      new Map(drafts).set(
        user.id,
        ROLES.filter((r) => next.includes(r)),
      ),
    );
  }

  async saveRoles(user: AdminUser): Promise<void> {
    const roles = this.rolesOf(user);
    await this.updateUser(
      this.http.patch<AdminUser>(`/api/users/${encodeURIComponent(user.id)}/roles`, { roles }),
      `Roles of ${user.email} saved: ${roles.join(', ')}.`,
    );
    if (user.id === this.auth.user()?.id) {
      await this.auth.reloadUser();
    }
  }

  async disableUser(user: AdminUser): Promise<void> {
    await this.updateUser(
      this.http.post<AdminUser>(`/api/users/${encodeURIComponent(user.id)}/disable`, {}),
      `${user.email} is disabled and signed out everywhere.`,
    );
  }

  private async updateUser(request: ReturnType<HttpClient['post']>, done: string): Promise<void> {
    this.busy.set(true);
    this.message.set(null);
    this.error.set(null);
    try {
      const updated = (await firstValueFrom(request)) as AdminUser;
      this.users.update((users) => users?.map((u) => (u.id === updated.id ? updated : u)) ?? null);
      this.draftRoles.update((drafts) => {
        const next = new Map(drafts);
        next.delete(updated.id);
        return next;
      });
      this.message.set(done);
    } catch (error) {
      this.error.set(describeHttpError(error));
    } finally {
      this.busy.set(false);
    }
  }
}
