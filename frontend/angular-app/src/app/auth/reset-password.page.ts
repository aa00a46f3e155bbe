import { HttpClient } from '@angular/common/http';
import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { toSignal } from '@angular/core/rxjs-interop';
import {
  AbstractControl,
  FormBuilder,
  ReactiveFormsModule,
  ValidationErrors,
  Validators,
} from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { ActivatedRoute, RouterLink } from '@angular/router';
import { TranslocoPipe } from '@jsverse/transloco';
import type { PasswordResetConfirm } from '@secureevent/contracts';
import { firstValueFrom, map } from 'rxjs';

import { applyServerErrors, firstErrorMessage } from '../forms/server-errors';
import { problemOf } from '../http/problem-details';
import { tokenFromFragment } from './mailed-link';

/** Both password fields hold the same text. */
function samePasswords(group: AbstractControl): ValidationErrors | null {
  const { password, repeat } = group.value as { password: string; repeat: string };
  return repeat === '' || password === repeat ? null : { passwordsDiffer: true };
}

/** `/reset-password#token=…`: the page a reset link opens; sets a new password once. */
@Component({
  selector: 'app-reset-password-page',
  imports: [
    TranslocoPipe,
    ReactiveFormsModule,
    RouterLink,
    MatButtonModule,
    MatFormFieldModule,
    MatInputModule,
    MatProgressBarModule,
  ],
  templateUrl: './reset-password.page.html',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ResetPasswordPage {
  private readonly http = inject(HttpClient);

  protected readonly token = toSignal(
    inject(ActivatedRoute).fragment.pipe(map((f) => tokenFromFragment(f))),
    { initialValue: null },
  );
  protected readonly form = inject(FormBuilder).nonNullable.group(
    {
      password: ['', [Validators.required, Validators.minLength(12)]],
      repeat: ['', Validators.required],
    },
    { validators: samePasswords },
  );
  protected readonly submitting = signal(false);
  protected readonly done = signal(false);
  /** The link was used, expired or mangled: only a new one helps. */
  protected readonly linkInvalid = signal(false);
  protected readonly errorMessage = signal<string | null>(null);
  protected readonly errorFor = firstErrorMessage;

  async setNewPassword(): Promise<void> {
    const token = this.token();
    if (token === null) {
      return;
    }
    if (this.form.invalid) {
      this.form.markAllAsTouched();
      return;
    }
    this.submitting.set(true);
    this.errorMessage.set(null);
    try {
      const body: PasswordResetConfirm = { token, password: this.form.controls.password.value };
      await firstValueFrom(this.http.post('/api/auth/password-reset/confirm', body));
      this.done.set(true);
    } catch (error) {
      if (problemOf(error)?.code === 'INVALID_TOKEN') {
        this.linkInvalid.set(true);
      } else {
        this.errorMessage.set(applyServerErrors(this.form, error));
      }
    } finally {
      this.submitting.set(false);
    }
  }
}
