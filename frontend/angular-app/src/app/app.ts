import {
  ChangeDetectionStrategy,
  Component,
  DestroyRef,
  ElementRef,
  effect,
  inject,
  signal,
  untracked,
  viewChild,
} from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { NavigationEnd, Router, RouterLink, RouterLinkActive, RouterOutlet } from '@angular/router';
import { TranslocoPipe } from '@jsverse/transloco';
import { filter } from 'rxjs';

import { applyProfileLanguageAtSignIn } from './account/profile-language';
import { AuthStatus, AuthStore } from './auth/auth.store';
import { I18n } from './i18n/i18n';
import { LanguagePicker } from './i18n/language-picker';
import { UnreadCountStore } from './notifications/unread-count.store';

/**
 * The application shell: skip link, toolbar with the main navigation, and the main landmark.
 * It uses no MatButton, MatIcon or MatToolbar: with their ripple, icon registry and platform
 * checks they would add ~60 kB to the initial bundle, so the toolbar and the nav links are styled
 * with the theme's tokens. The logo and the bell
 * are inline SVG, not icon-font ligatures: the 129 kB icon font then loads only with the pages
 * that use it, instead of competing with the app's own JavaScript on a slow connection.
 */
@Component({
  selector: 'app-root',
  host: { '(document:keydown.escape)': 'closeMenu(true)' },
  imports: [RouterOutlet, RouterLink, RouterLinkActive, TranslocoPipe, LanguagePicker],
  templateUrl: './app.html',
  styleUrl: './app.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class App {
  private readonly mainContent = viewChild.required<ElementRef<HTMLElement>>('mainContent');
  private readonly router = inject(Router);
  protected readonly auth = inject(AuthStore);
  protected readonly unreadCount = inject(UnreadCountStore);
  protected readonly AuthStatus = AuthStatus;
  private readonly menuButton = viewChild.required<ElementRef<HTMLButtonElement>>('menuButton');

  /** On narrow windows the navigation and the account links fold into the menu button's panel. */
  protected readonly menuOpen = signal(false);

  constructor() {
    void this.auth.restoreSession();
    this.moveFocusToNewPages();
    this.sendExpiredSessionsToSignIn();
    applyProfileLanguageAtSignIn(this.auth, inject(I18n));
  }

  /** A session that ended by itself (revoked, or idle too long) leads back to the sign-in page. */
  private sendExpiredSessionsToSignIn(): void {
    effect(() => {
      if (this.auth.expiredSessions() > 0) {
        untracked(() => {
          const returnUrl = this.router.url;
          void this.router.navigate(['/sign-in'], { queryParams: { returnUrl, expired: 1 } });
        });
      }
    });
  }

  /**
   * After a navigation to another page (not the first load, and not a change of query only, such
   * as a new search), focus moves to the main content, so keyboard and screen-reader users start
   * at the new page rather than on the link they left.
   */
  private moveFocusToNewPages(): void {
    let previousPath: string | null = null;
    this.router.events
      .pipe(
        filter((event): event is NavigationEnd => event instanceof NavigationEnd),
        takeUntilDestroyed(inject(DestroyRef)),
      )
      .subscribe((event) => {
        const path = event.urlAfterRedirects.split(/[?#]/)[0];
        // A new page closes the phone menu and moves focus; a change of query only (a list
        // writing its filters to the address bar) leaves both alone. So does the end of the first
        // navigation: on a slow load the visitor may already have opened the menu by then.
        if (previousPath !== null && path !== previousPath) {
          this.menuOpen.set(false);
          this.mainContent().nativeElement.focus({ preventScroll: true });
        }
        previousPath = path;
      });
  }

  // Focus is moved by hand rather than by following `#main-content`: a fragment change would
  // go through the router and leave `#main-content` in the address bar.
  skipToMainContent(event: Event): void {
    event.preventDefault();
    this.mainContent().nativeElement.focus();
  }

  toggleMenu(): void {
    this.menuOpen.update((open) => !open);
  }

  /** Escape closes the menu and gives focus back to its button. */
  closeMenu(returnFocus: boolean): void {
    if (!this.menuOpen()) return;
    this.menuOpen.set(false);
    if (returnFocus) this.menuButton().nativeElement.focus();
  }

  async signOut(): Promise<void> {
    await this.auth.signOut();
    await this.router.navigateByUrl('/sign-in');
  }
}
