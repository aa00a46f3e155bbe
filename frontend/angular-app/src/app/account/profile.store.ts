import { DestroyRef, Injectable, computed, inject, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import type { Locale, User } from '@secureevent/contracts';
import { firstValueFrom } from 'rxjs';

import { AuthStore } from '../auth/auth.store';
import { describeHttpError } from '../http/problem-details';
import { I18n, type TranslationParams } from '../i18n/i18n';
import { AccountApi } from './account.api';

/** The parts of the profile page, each saved on its own. */
export type ProfileSection = 'profile' | 'email' | 'password';

/** What a section says after it was saved: a translation key (translated when shown, in the language then active). */
export interface ProfileNotice {
  readonly section: ProfileSection;
  readonly key: string;
  readonly params?: TranslationParams;
}

interface ProfileState {
  /** Null until loaded. */
  readonly user: User | null;
  readonly loadError: string | null;
  readonly busy: ProfileSection | null;
  readonly notice: ProfileNotice | null;
}

export interface ProfileChanges {
  readonly displayName: string;
  readonly locale: Locale;
  readonly timeZone: string;
}

/**
 * State of `/account`: the caller's account as the server has it, which section is saving, and
 * what the last save said. Saving the language also switches the app to it; saving the name
 * shows it in the toolbar at once. Provided by the page.
 */
@Injectable()
export class ProfileStore {
  private readonly api = inject(AccountApi);
  private readonly auth = inject(AuthStore);
  private readonly i18n = inject(I18n);
  private readonly destroyRef = inject(DestroyRef);

  private readonly state = signal<ProfileState>({
    user: null,
    loadError: null,
    busy: null,
    notice: null,
  });

  readonly user = computed(() => this.state().user);
  readonly loadError = computed(() => this.state().loadError);
  readonly busy = computed(() => this.state().busy);
  readonly notice = computed(() => this.state().notice);

  load(): void {
    this.api
      .me()
      .pipe(takeUntilDestroyed(this.destroyRef))
      .subscribe({
        next: (user) => this.state.update((s) => ({ ...s, user, loadError: null })),
        error: (error: unknown) =>
          this.state.update((s) => ({ ...s, loadError: describeHttpError(error) })),
      });
  }

  // Each save resolves to null when it went through, else to the error, for the form to put
  // beside its fields (the form is the component's).

  /** Name, language and time zone; the app then speaks the saved language. */
  async saveProfile(changes: ProfileChanges): Promise<unknown> {
    return this.save('profile', async () => {
      const user = await firstValueFrom(this.api.updateMe(changes));
      this.state.update((s) => ({ ...s, user }));
      await this.i18n.use(changes.locale);
      // The save went through; the toolbar's copy of the name catches up on the next sign-in at worst.
      await this.auth.reloadUser().catch(() => undefined);
      return { section: 'profile', key: 'account.profileSaved' };
    });
  }

  /** Asks for a new address: it is mailed a link, and becomes the account's once followed. */
  async changeEmail(email: string, currentPassword: string): Promise<unknown> {
    return this.save('email', async () => {
      const user = await firstValueFrom(this.api.updateMe({ email, currentPassword }));
      this.state.update((s) => ({ ...s, user }));
      return { section: 'email', key: 'account.emailPending', params: { email } };
    });
  }

  async changePassword(currentPassword: string, newPassword: string): Promise<unknown> {
    return this.save('password', async () => {
      await firstValueFrom(this.api.changePassword({ currentPassword, newPassword }));
      return { section: 'password', key: 'account.passwordChanged' };
    });
  }

  private async save(section: ProfileSection, run: () => Promise<ProfileNotice>): Promise<unknown> {
    this.state.update((s) => ({ ...s, busy: section, notice: null }));
    try {
      const notice = await run();
      this.state.update((s) => ({ ...s, notice }));
      return null;
    } catch (error) {
      return error;
    } finally {
      this.state.update((s) => ({ ...s, busy: null }));
    }
  }
}
