import { ChangeDetectionStrategy, Component, computed, inject, input, signal } from '@angular/core';
import { FormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { Router, RouterLink } from '@angular/router';
import { TranslocoPipe } from '@jsverse/transloco';

import { safeReturnUrl } from '../../auth/return-url';
import { firstErrorMessage } from '../../forms/server-errors';
import { I18n } from '../../i18n/i18n';
import { qrPath } from './qr-code';
import { TwoFactorStore } from './two-factor.store';

/**
 * `/account/two-factor`: two-step sign-in with an authenticator app. Shows whether it is on; sets
 * it up (a QR code of the otpauth URL and the secret to type in, confirmed with a code); shows the
 * ten recovery codes once, to copy or download; turns it off with the password or a code. People
 * whose role requires a second factor are sent here first, and go on to `returnUrl` afterwards.
 */
@Component({
  selector: 'app-two-factor-page',
  imports: [
    TranslocoPipe,
    ReactiveFormsModule,
    RouterLink,
    MatButtonModule,
    MatFormFieldModule,
    MatInputModule,
    MatProgressBarModule,
  ],
  providers: [TwoFactorStore],
  templateUrl: './two-factor.page.html',
  styleUrl: './two-factor.page.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class TwoFactorPage {
  protected readonly store = inject(TwoFactorStore);
  private readonly router = inject(Router);
  private readonly i18n = inject(I18n);

  /** Where a person sent here at sign-in was headed. */
  readonly returnUrl = input<string | undefined>();

  protected readonly qr = computed(() => {
    const setup = this.store.setup();
    return setup ? qrPath(setup.otpauthUrl) : null;
  });
  /** The secret in groups of four, easier to type into an app by hand. */
  protected readonly groupedSecret = computed(
    () =>
      this.store
        .setup()
        ?.secret.match(/.{1,4}/g)
        ?.join(' ') ?? '',
  );
  protected readonly copied = signal(false);
  /** Turning off asks for the password, or a code from the app instead. */
  protected readonly disableWithCode = signal(false);
  protected readonly confirmingDisable = signal(false);
  protected readonly errorFor = firstErrorMessage;

  private readonly fb = inject(FormBuilder).nonNullable;
  protected readonly confirmForm = this.fb.group({
    code: ['', [Validators.required, Validators.pattern(/^\s*\d{6}\s*$/)]],
  });
  protected readonly disableForm = this.fb.group({
    currentPassword: ['', Validators.required],
    code: ['', [Validators.required, Validators.pattern(/^\s*\d{6}\s*$/)]],
  });

  constructor() {
    void this.store.load();
  }

  protected when(iso: string): string {
    return this.i18n.dateTime(iso, { dateStyle: 'medium', timeStyle: 'short' });
  }

  async startSetup(): Promise<void> {
    this.confirmForm.reset();
    await this.store.startSetup();
  }

  async confirmSetup(): Promise<void> {
    if (this.confirmForm.invalid) {
      this.confirmForm.markAllAsTouched();
      return;
    }
    await this.store.confirm(this.confirmForm.getRawValue().code.trim());
  }

  async cancelSetup(): Promise<void> {
    await this.store.cancelSetup();
  }

  async copyRecoveryCodes(): Promise<void> {
    const codes = this.store.recoveryCodes();
    if (!codes) {
      return;
    }
    try {
      await navigator.clipboard.writeText(codes.join('\n'));
      this.copied.set(true);
    } catch {
      this.copied.set(false);
    }
  }

  downloadRecoveryCodes(): void {
    const codes = this.store.recoveryCodes();
    if (!codes) {
      return;
    }
    const blob = new Blob([`SecureEvent recovery codes\n\n${codes.join('\n')}\n`], {
      type: 'text/plain',
    });
    const url = URL.createObjectURL(blob);
    const link = document.createElement('a');
    link.href = url;
    link.download = 'secureevent-recovery-codes.txt';
    link.click();
    URL.revokeObjectURL(url);
  }

  /** The codes are saved: hide them, and go on to where a sign-in was headed. */
  async finishRecoveryCodes(): Promise<void> {
    this.store.doneWithRecoveryCodes();
    this.copied.set(false);
    if (this.returnUrl()) {
      await this.router.navigateByUrl(safeReturnUrl(this.returnUrl()));
    }
  }

  toggleDisableWithCode(): void {
    this.disableWithCode.update((v) => !v);
  }

  async disable(): Promise<void> {
    const control = this.disableWithCode()
      ? this.disableForm.controls.code
      : this.disableForm.controls.currentPassword;
    if (control.invalid) {
      control.markAsTouched();
      return;
    }
    const value = control.getRawValue();
    const done = await this.store.disable(
      this.disableWithCode() ? { code: value.trim() } : { currentPassword: value },
    );
    if (done) {
      this.confirmingDisable.set(false);
      this.disableForm.reset();
    }
  }
}
