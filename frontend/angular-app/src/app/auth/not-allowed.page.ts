import { ChangeDetectionStrategy, Component, inject, input } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { RouterLink } from '@angular/router';

import { AuthStore } from './auth.store';

/** Where role guards send people who are signed in but lack the role a page needs. */
@Component({
  selector: 'app-not-allowed-page',
  imports: [RouterLink, MatButtonModule],
  template: `
    <div class="narrow-page" data-testid="not-allowed">
      <h1 class="page-title">You are not allowed to see this page</h1>
      <p>
        @if (from()) {
          <code>{{ from() }}</code> needs a role your account does not have.
        } @else {
          This page needs a role your account does not have.
        }
        You are signed in as {{ auth.user()?.email }} with the role
        {{ auth.roles().join(', ') || 'none' }}. Ask an administrator if you need access.
      </p>
      <a mat-flat-button routerLink="/dashboard">Go to your dashboard</a>
    </div>
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class NotAllowedPage {
  protected readonly auth = inject(AuthStore);
  readonly from = input<string | undefined>();
}
