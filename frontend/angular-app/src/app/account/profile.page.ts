import {
  ChangeDetectionStrategy,
  Component,
  computed,
  effect,
  inject,
  signal,
  untracked,
} from '@angular/core';
import { toSignal } from '@angular/core/rxjs-interop';
import {
  AbstractControl,
  FormBuilder,
  ReactiveFormsModule,
  ValidationErrors,
  Validators,
} from '@angular/forms';
import { MatAutocompleteModule } from '@angular/material/autocomplete';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatSelectModule } from '@angular/material/select';
import { TranslocoPipe } from '@jsverse/transloco';

import { applyServerErrors, firstErrorMessage } from '../forms/server-errors';
import { I18n } from '../i18n/i18n';
import { LANGUAGES, type Lang } from '../i18n/languages';
import { VIEWER_TIME_ZONE } from '../time/viewer-time-zone';
import { knownTimeZones } from '../time/zoned-time';
import { AccountNav } from './account-nav';
import { ProfileStore, type ProfileSection } from './profile.store';

const ZONES = knownTimeZones();

function knownZone(control: AbstractControl<string>): ValidationErrors | null {
  return ZONES.includes(control.value) || control.value === 'UTC'
    ? null
    : { messageKey: 'account.chooseZone' };
}

/** The new password and its repetition hold the same text. */
function samePasswords(group: AbstractControl): ValidationErrors | null {
  const { newPassword, repeat } = group.value as { newPassword: string; repeat: string };
  return repeat === '' || newPassword === repeat ? null : { passwordsDiffer: true };
}

/**
 * `/account`: name, language and time zone; a new email address (confirmed from that address);
 * a new password. Each part is its own form, saved on its own, with the server's field errors
 * shown beside the fields.
 */
@Component({
  selector: 'app-profile-page',
  imports: [
    TranslocoPipe,
    ReactiveFormsModule,
    MatAutocompleteModule,
    MatButtonModule,
    MatFormFieldModule,
    MatInputModule,
    MatProgressBarModule,
    MatSelectModule,
    AccountNav,
  ],
  providers: [ProfileStore],
  templateUrl: './profile.page.html',
  styleUrl: './profile.page.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ProfilePage {
  protected readonly store = inject(ProfileStore);
  private readonly i18n = inject(I18n);
  private readonly viewerZone = inject(VIEWER_TIME_ZONE);
  private readonly fb = inject(FormBuilder).nonNullable;

  protected readonly languages = LANGUAGES;
  protected readonly errorFor = firstErrorMessage;

  protected readonly profileForm = this.fb.group({
    displayName: ['', [Validators.required, Validators.maxLength(100)]],
    locale: this.fb.control<Lang>(this.i18n.lang(), Validators.required),
    timeZone: [this.viewerZone, [Validators.required, knownZone]],
  });
  protected readonly emailForm = this.fb.group({
    email: ['', [Validators.required, Validators.email]],
    currentPassword: ['', Validators.required],
  });
  protected readonly passwordForm = this.fb.group(
    {
      currentPassword: ['', Validators.required],
      newPassword: ['', [Validators.required, Validators.minLength(12)]],
      repeat: ['', Validators.required],
    },
    { validators: samePasswords },
  );

  /** The sentence above each form after a refused save. */
  protected readonly errors = signal<Partial<Record<ProfileSection, string>>>({});

  private readonly zoneInput = toSignal(this.profileForm.controls.timeZone.valueChanges, {
    initialValue: this.profileForm.controls.timeZone.value,
  });
  protected readonly zoneOptions = computed(() => {
    const typed = this.zoneInput().toLowerCase();
    return ZONES.filter((zone) => zone.toLowerCase().includes(typed)).slice(0, 50);
  });

  constructor() {
    this.store.load();
    // The form starts from the account as loaded: the saved language and zone, else the ones
    // this browser uses now.
    effect(() => {
      const user = this.store.user();
      if (user === null) return;
      untracked(() => {
        if (this.profileForm.pristine) {
          this.profileForm.reset({
            displayName: user.displayName,
            locale: user.locale ?? this.i18n.lang(),
            timeZone: user.timeZone ?? this.viewerZone,
          });
        }
      });
    });
  }

  async saveProfile(): Promise<void> {
    if (this.profileForm.invalid) {
      this.profileForm.markAllAsTouched();
      return;
    }
    const value = this.profileForm.getRawValue();
    const error = await this.store.saveProfile({ ...value, displayName: value.displayName.trim() });
    this.settle('profile', this.profileForm, error);
    if (error === null) this.profileForm.markAsPristine();
  }

  async changeEmail(): Promise<void> {
    if (this.emailForm.invalid) {
      this.emailForm.markAllAsTouched();
      return;
    }
    const { email, currentPassword } = this.emailForm.getRawValue();
    const error = await this.store.changeEmail(email.trim(), currentPassword);
    this.settle('email', this.emailForm, error);
    if (error === null) this.emailForm.reset();
  }

  async changePassword(): Promise<void> {
    if (this.passwordForm.invalid) {
      this.passwordForm.markAllAsTouched();
      return;
    }
    const { currentPassword, newPassword } = this.passwordForm.getRawValue();
    const error = await this.store.changePassword(currentPassword, newPassword);
    this.settle('password', this.passwordForm, error);
    if (error === null) this.passwordForm.reset();
  }

  private settle(section: ProfileSection, form: AbstractControl, error: unknown): void {
    this.errors.update((all) => ({
      ...all,
      [section]: error === null ? undefined : applyServerErrors(form, error),
    }));
  }
}
