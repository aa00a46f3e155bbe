import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { RouterLink } from '@angular/router';
import { TranslocoPipe } from '@jsverse/transloco';
import type { Session } from '@secureevent/contracts';

import { I18n, t } from '../i18n/i18n';
import { AccountNav } from './account-nav';
import { SecurityStore } from './security.store';
import { describeUserAgent } from './user-agent';

/**
 * `/account/security`: where the account is signed in (each session's device, address, when it
 * began and was last used, "this device"), ending one or all others after a confirmation, and
 * the ways to the second factor and to the person's data.
 */
@Component({
  selector: 'app-security-page',
  imports: [TranslocoPipe, RouterLink, MatButtonModule, MatProgressBarModule, AccountNav],
  providers: [SecurityStore],
  templateUrl: './security.page.html',
  styleUrl: './security.page.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class SecurityPage {
  protected readonly store = inject(SecurityStore);
  private readonly i18n = inject(I18n);

  /** The session whose "End" was pressed and awaits "Yes, end it"; 'others' for "End all others". */
  protected readonly confirming = signal<string | null>(null);

  constructor() {
    this.store.load();
  }

  /** "Firefox 128 on Windows", or the raw header when it names nothing known. */
  protected device(session: Session): string {
    const { browser, system } = describeUserAgent(session.userAgent);
    if (browser !== null && system !== null) {
      return t('account.browserOnSystem', { browser, system });
    }
    return browser ?? system ?? session.userAgent ?? t('account.unknownDevice');
  }

  protected when(iso: string): string {
    return this.i18n.dateTime(iso, { dateStyle: 'medium', timeStyle: 'short' });
  }

  async endSession(session: Session): Promise<void> {
    this.confirming.set(null);
    await this.store.endSession(session);
  }

  async endOtherSessions(): Promise<void> {
    this.confirming.set(null);
    await this.store.endOtherSessions();
  }
}
