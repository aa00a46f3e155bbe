import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { toSignal } from '@angular/core/rxjs-interop';
import { FormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { Router } from '@angular/router';
import { TranslocoPipe } from '@jsverse/transloco';
import { firstValueFrom } from 'rxjs';

import { AuthStore } from '../../auth/auth.store';
import { firstErrorMessage } from '../../forms/server-errors';
import { describeHttpError, fieldErrorsOf } from '../../http/problem-details';
import { t } from '../../i18n/i18n';
import { PrivacyApi } from './privacy.api';

/**
 * `/account/privacy`: download everything SecureEvent holds about you (one JSON file, assembled
 * from every service), and delete your account — the current password and the typed confirmation
 * word are both needed, and the page says what stays (an anonymous seat) before anything happens.
 */
@Component({
  selector: 'app-privacy-page',
  imports: [
    TranslocoPipe,
    ReactiveFormsModule,
    MatButtonModule,
    MatFormFieldModule,
    MatInputModule,
    MatProgressBarModule,
  ],
  templateUrl: './privacy.page.html',
  styleUrl: './privacy.page.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class PrivacyPage {
  private readonly api = inject(PrivacyApi);
  private readonly auth = inject(AuthStore);
  private readonly router = inject(Router);
  private readonly fb = inject(FormBuilder).nonNullable;

  protected readonly errorFor = firstErrorMessage;
  protected readonly downloading = signal(false);
  protected readonly downloadError = signal<string | null>(null);
  protected readonly downloaded = signal(false);
  protected readonly erasing = signal(false);
  protected readonly eraseError = signal<string | null>(null);

  protected readonly eraseForm = this.fb.group({
    password: ['', Validators.required],
    confirmation: ['', Validators.required],
  });
  private readonly confirmation = toSignal(this.eraseForm.controls.confirmation.valueChanges, {
    initialValue: '',
  });
  /** The word to type, in the page's language (read when shown, so a language switch follows). */
  protected confirmWord(): string {
    return t('privacy.confirmWord');
  }
  protected readonly confirmed = computed(
    () => this.confirmation().trim().toLocaleUpperCase() === this.confirmWord().toLocaleUpperCase(),
  );

  async downloadMyData(): Promise<void> {
    this.downloading.set(true);
    this.downloadError.set(null);
    this.downloaded.set(false);
    try {
      const file = await firstValueFrom(this.api.exportMyData());
      const url = URL.createObjectURL(file);
      const link = document.createElement('a');
      link.href = url;
      link.download = `secureevent-my-data-${new Date().toISOString().slice(0, 10)}.json`;
      link.click();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
      this.downloaded.set(true);
    } catch (error) {
      this.downloadError.set(describeHttpError(error));
    } finally {
      this.downloading.set(false);
    }
  }

  async deleteMyAccount(): Promise<void> {
    this.eraseForm.markAllAsTouched();
    if (this.eraseForm.invalid || !this.confirmed()) {
      return;
    }
    this.erasing.set(true);
    this.eraseError.set(null);
    try {
      await firstValueFrom(this.api.eraseMe({ password: this.eraseForm.controls.password.value }));
    } catch (error) {
      // The server names the field `body.password`.
      const wrong = fieldErrorsOf(error).get('body.password');
      if (wrong !== undefined) {
        this.eraseForm.controls.password.setErrors({ server: wrong });
      }
      this.eraseError.set(describeHttpError(error));
      this.erasing.set(false);
      return;
    }
    await this.auth.signOut();
    await this.router.navigate(['/']);
  }
}
