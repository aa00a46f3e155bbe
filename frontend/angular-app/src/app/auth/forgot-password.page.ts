import { HttpClient } from '@angular/common/http';
import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { FormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { RouterLink } from '@angular/router';
import { TranslocoPipe } from '@jsverse/transloco';
import type { PasswordResetRequest } from '@secureevent/contracts';
import { firstValueFrom } from 'rxjs';

import { applyServerErrors, firstErrorMessage } from '../forms/server-errors';

/** `/forgot-password`: asks for a reset link. The answer is the same whether the account exists or not. */
@Component({
  selector: 'app-forgot-password-page',
  imports: [
    TranslocoPipe,
    ReactiveFormsModule,
    RouterLink,
    MatButtonModule,
    MatFormFieldModule,
    MatInputModule,
    MatProgressBarModule,
  ],
  templateUrl: './forgot-password.page.html',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ForgotPasswordPage {
  private readonly http = inject(HttpClient);

  protected readonly form = inject(FormBuilder).nonNullable.group({
    email: ['', [Validators.required, Validators.email]],
  });
  protected readonly submitting = signal(false);
  protected readonly sent = signal(false);
  protected readonly errorMessage = signal<string | null>(null);
  protected readonly errorFor = firstErrorMessage;

  async requestResetLink(): Promise<void> {
    if (this.form.invalid) {
      this.form.markAllAsTouched();
      return;
    }
    this.submitting.set(true);
    this.errorMessage.set(null);
    try {
      const body: PasswordResetRequest = this.form.getRawValue();
      await firstValueFrom(this.http.post('/api/auth/password-reset', body));
      this.sent.set(true);
    } catch (error) {
      this.errorMessage.set(applyServerErrors(this.form, error));
    } finally {
      this.submitting.set(false);
    }
  }
}
