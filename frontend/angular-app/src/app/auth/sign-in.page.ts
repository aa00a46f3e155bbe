import { HttpClient } from '@angular/common/http';
import { ChangeDetectionStrategy, Component, inject, input, signal } from '@angular/core';
import { toSignal } from '@angular/core/rxjs-interop';
import { FormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { Router, RouterLink } from '@angular/router';
import { TranslocoPipe } from '@jsverse/transloco';
import type { OidcConfig } from '@secureevent/contracts';
import { catchError, of } from 'rxjs';

import { firstErrorMessage } from '../forms/server-errors';
import { describeHttpError } from '../http/problem-details';
import { AuthStore } from './auth.store';
import { safeReturnUrl } from './return-url';

/** `/sign-in`: email and password, or the company's identity provider when one is set up. */
@Component({
  selector: 'app-sign-in-page',
  imports: [
    TranslocoPipe,
    ReactiveFormsModule,
    RouterLink,
    MatButtonModule,
    MatFormFieldModule,
    MatInputModule,
    MatProgressBarModule,
  ],
  templateUrl: './sign-in.page.html',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class SignInPage {
  private readonly auth = inject(AuthStore);
  private readonly router = inject(Router);

  /** Where to go after signing in (from the guard that sent the person here). */
  readonly returnUrl = input<string | undefined>();
  /** Set when the app sent the person here because their session ended by itself. */
  readonly expired = input<string | undefined>();

  protected readonly form = inject(FormBuilder).nonNullable.group({
    email: ['', [Validators.required, Validators.email]],
    password: ['', Validators.required],
  });
  protected readonly submitting = signal(false);
  protected readonly errorMessage = signal<string | null>(null);
  protected readonly oidc = toSignal(
    inject(HttpClient)
      .get<OidcConfig>('/api/auth/oidc/config')
      .pipe(catchError(() => of(null))),
    { initialValue: null },
  );
  protected readonly errorFor = firstErrorMessage;

  startCompanySignIn(): void {
    this.auth.prepareCompanySignIn();
  }

  protected companySignInUrl(config: OidcConfig): string {
    const returnTo = encodeURIComponent(safeReturnUrl(this.returnUrl()));
    return `${config.startUrl ?? '/api/auth/oidc/start'}?returnTo=${returnTo}`;
  }

  async signIn(): Promise<void> {
    if (this.form.invalid) {
      this.form.markAllAsTouched();
      return;
    }
    this.submitting.set(true);
    this.errorMessage.set(null);
    try {
      const { email, password } = this.form.getRawValue();
      await this.auth.signIn(email, password);
      await this.router.navigateByUrl(safeReturnUrl(this.returnUrl()));
    } catch (error) {
      this.errorMessage.set(describeHttpError(error));
    } finally {
      this.submitting.set(false);
    }
  }
}
