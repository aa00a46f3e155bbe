import { ChangeDetectionStrategy, Component } from '@angular/core';
import { RouterLink, RouterLinkActive } from '@angular/router';
import { TranslocoPipe } from '@jsverse/transloco';

/** The tabs between the account pages (links, so each page has its own address). */
@Component({
  selector: 'app-account-nav',
  imports: [RouterLink, RouterLinkActive, TranslocoPipe],
  template: `
    <nav class="account-nav" [attr.aria-label]="'account.nav' | transloco">
      <a
        routerLink="/account"
        routerLinkActive="account-nav-active"
        [routerLinkActiveOptions]="{ exact: true }"
        ariaCurrentWhenActive="page"
        >{{ 'account.profileTab' | transloco }}</a
      >
      <a
        routerLink="/account/security"
        routerLinkActive="account-nav-active"
        ariaCurrentWhenActive="page"
        >{{ 'account.securityTab' | transloco }}</a
      >
    </nav>
  `,
  styles: `
    .account-nav {
      display: flex;
      flex-wrap: wrap;
      gap: 4px 16px;
      margin-bottom: 24px;
      border-bottom: 1px solid var(--mat-sys-outline-variant);
    }
    a {
      padding: 8px 4px;
      min-height: 24px;
      text-decoration: none;
      font: var(--mat-sys-title-small);
      color: var(--mat-sys-on-surface-variant);
      border-bottom: 3px solid transparent;
    }
    a.account-nav-active {
      color: var(--mat-sys-primary);
      border-bottom-color: var(--mat-sys-primary);
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class AccountNav {}
