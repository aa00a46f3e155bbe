import { ChangeDetectionStrategy, Component } from '@angular/core';
import { RouterLink, RouterLinkActive, RouterOutlet } from '@angular/router';
import { TranslocoPipe } from '@jsverse/transloco';

/** The admin area: its heading, the links between its sections, and the section shown. */
@Component({
  selector: 'app-admin-shell',
  imports: [RouterLink, RouterLinkActive, RouterOutlet, TranslocoPipe],
  template: `
    <h1 class="page-title">{{ 'admin.title' | transloco }}</h1>
    <nav class="sections" [attr.aria-label]="'admin.sections' | transloco">
      <a
        routerLink="/admin"
        routerLinkActive="active"
        [routerLinkActiveOptions]="{ exact: true }"
        ariaCurrentWhenActive="page"
        >{{ 'admin.tabUsers' | transloco }}</a
      >
      <a
        routerLink="/admin/overview"
        routerLinkActive="active"
        ariaCurrentWhenActive="page"
        data-testid="admin-overview-link"
        >{{ 'admin.tabOverview' | transloco }}</a
      >
      <a
        routerLink="/admin/audit"
        routerLinkActive="active"
        ariaCurrentWhenActive="page"
        data-testid="admin-audit-link"
        >{{ 'admin.tabAudit' | transloco }}</a
      >
    </nav>
    <router-outlet />
  `,
  styles: `
    .sections {
      display: flex;
      flex-wrap: wrap;
      gap: 4px;
      margin-bottom: 16px;
      border-bottom: 1px solid var(--mat-sys-outline-variant);
    }
    .sections a {
      display: inline-flex;
      align-items: center;
      min-height: 44px;
      padding: 0 16px;
      color: var(--mat-sys-on-surface-variant);
      font: var(--mat-sys-title-small);
      text-decoration: none;
      border-bottom: 3px solid transparent;
    }
    .sections a:hover {
      color: var(--mat-sys-on-surface);
    }
    .sections a.active {
      color: var(--mat-sys-primary);
      border-bottom-color: var(--mat-sys-primary);
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class AdminShell {}
