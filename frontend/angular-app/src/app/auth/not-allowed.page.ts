import { ChangeDetectionStrategy, Component, inject, input } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { RouterLink } from '@angular/router';
import { TranslocoPipe } from '@jsverse/transloco';

import { t } from '../i18n/i18n';
import { AuthStore } from './auth.store';

/** Where role guards send people who are signed in but lack the role a page needs. */
@Component({
  selector: 'app-not-allowed-page',
  imports: [TranslocoPipe, RouterLink, MatButtonModule],
  template: `
    <div class="narrow-page" data-testid="not-allowed">
      <h1 class="page-title">{{ 'auth.notAllowedTitle' | transloco }}</h1>
      <p>
        @if (from(); as page) {
          {{ 'auth.pageNeedsRole' | transloco: { page } }}
        } @else {
          {{ 'auth.thisPageNeedsRole' | transloco }}
        }
        {{
          'auth.signedInAs'
            | transloco: { email: auth.user()?.email, roles: auth.roles().join(', ') || noRole() }
        }}
      </p>
      <a mat-flat-button routerLink="/dashboard">{{ 'auth.goToDashboard' | transloco }}</a>
    </div>
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class NotAllowedPage {
  protected readonly auth = inject(AuthStore);
  readonly from = input<string | undefined>();
  protected readonly noRole = () => t('auth.noRole');
}
