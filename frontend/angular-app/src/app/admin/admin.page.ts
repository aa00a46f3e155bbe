import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { FormControl, ReactiveFormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatCheckboxModule } from '@angular/material/checkbox';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { RouterLink } from '@angular/router';
import { TranslocoPipe } from '@jsverse/transloco';
import type { AdminUser, Role } from '@secureevent/contracts';

import { AdminStore, ROLES } from './admin.store';

/**
 * `/admin`: users (search, roles, disable and enable) and every event. The state is in `AdminStore`; the API
 * enforces the same rules.
 */
@Component({
  selector: 'app-admin-page',
  imports: [
    TranslocoPipe,
    ReactiveFormsModule,
    RouterLink,
    MatButtonModule,
    MatCheckboxModule,
    MatFormFieldModule,
    MatInputModule,
    MatProgressBarModule,
  ],
  providers: [AdminStore],
  templateUrl: './admin.page.html',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class AdminPage {
  protected readonly store = inject(AdminStore);
  protected readonly roles = ROLES;
  protected readonly search = new FormControl('', { nonNullable: true });

  constructor() {
    this.searchUsers();
    this.store.loadEvents();
  }

  searchUsers(): void {
    this.store.searchUsers(this.search.value);
  }

  loadMoreUsers(): void {
    this.store.loadMoreUsers();
  }

  loadMoreEvents(cursor: string): void {
    this.store.loadEvents(cursor);
  }

  protected rolesOf(user: AdminUser): readonly Role[] {
    return this.store.rolesOf(user);
  }

  toggleRole(user: AdminUser, role: Role, checked: boolean): void {
    this.store.toggleRole(user, role, checked);
  }

  saveRoles(user: AdminUser): Promise<void> {
    return this.store.saveRoles(user);
  }

  disableUser(user: AdminUser): Promise<void> {
    return this.store.disableUser(user);
  }

  enableUser(user: AdminUser): Promise<void> {
    return this.store.enableUser(user);
  }
}
