import { HttpClient, HttpErrorResponse } from '@angular/common/http';
import { ChangeDetectionStrategy, Component, inject, input, signal } from '@angular/core';
import { toSignal } from '@angular/core/rxjs-interop';
import { FormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { Router, RouterLink } from '@angular/router';
import { TranslocoPipe } from '@jsverse/transloco';
import type { MfaMethod, OidcConfig, TokenResponse } from '@secureevent/contracts';
import { catchError, firstValueFrom, of } from 'rxjs';

import { firstErrorMessage } from '../forms/server-errors';
import { describeHttpError } from '../http/problem-details';
import { AuthStore } from './auth.store';
import { safeReturnUrl } from './return-url';

/**
 * `/sign-in`: email and password, or the company's identity provider when one is set up. With a
 * second factor on the account, a second step asks for the code from the authenticator app (or a
 * recovery code) before the session starts.
 */
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
  private readonly http = inject(HttpClient);

  /** Where to go after signing in (from the guard that sent the person here). */
  readonly returnUrl = input<string | undefined>();
  /** Set when the app sent the person here because their session ended by itself. */
  readonly expired = input<string | undefined>();

  protected readonly form = inject(FormBuilder).nonNullable.group({
    email: ['', [Validators.required, Validators.email]],
    password: ['', Validators.required],
  });
  /** The second step, once the password was right and the account has a second factor. */
  protected readonly challenge = signal<{ mfaToken: string; methods: readonly MfaMethod[] } | null>(
    null,
  );
  /** Whether the second step takes a recovery code instead of the app's code. */
  protected readonly useRecoveryCode = signal(false);
  protected readonly codeForm = inject(FormBuilder).nonNullable.group({
    code: ['', [Validators.required, Validators.pattern(/^\s*\d{6}\s*$/)]],
  });
  protected readonly recoveryForm = inject(FormBuilder).nonNullable.group({
    recoveryCode: ['', [Validators.required, Validators.minLength(10)]],
  });
  protected readonly submitting = signal(false);
  protected readonly errorMessage = signal<string | null>(null);
  protected readonly oidc = toSignal(
    this.http.get<OidcConfig>('/api/auth/oidc/config').pipe(catchError(() => of(null))),
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
      const challenge = await this.auth.signIn(email, password);
      if (challenge) {
        this.challenge.set({ mfaToken: challenge.mfaToken, methods: challenge.methods });
        return;
      }
      await this.goOn(this.auth.mfaSetupRequired());
    } catch (error) {
      this.errorMessage.set(describeHttpError(error));
    } finally {
      this.submitting.set(false);
    }
  }

  async completeSecondFactor(): Promise<void> {
    const challenge = this.challenge();
    const form = this.useRecoveryCode() ? this.recoveryForm : this.codeForm;
    if (!challenge || form.invalid) {
      form.markAllAsTouched();
      return;
    }
    const proof = this.useRecoveryCode()
      ? { recoveryCode: this.recoveryForm.getRawValue().recoveryCode.trim() }
      : { code: this.codeForm.getRawValue().code.trim() };
    this.submitting.set(true);
    this.errorMessage.set(null);
    try {
      const tokens = await firstValueFrom(
        this.http.post<TokenResponse>('/api/auth/login/mfa', {
          mfaToken: challenge.mfaToken,
          ...proof,
        }),
      );
      await this.auth.adoptTokens(tokens);
      await this.goOn(false);
    } catch (error) {
      // A spent or expired mfaToken needs the password again: back to the first step.
      if (error instanceof HttpErrorResponse && error.status === 400) {
        this.cancelSecondFactor();
      }
      this.errorMessage.set(describeHttpError(error));
    } finally {
      this.submitting.set(false);
    }
  }

  toggleRecoveryCode(): void {
    this.useRecoveryCode.update((v) => !v);
    this.errorMessage.set(null);
  }

  cancelSecondFactor(): void {
    this.challenge.set(null);
    this.useRecoveryCode.set(false);
    this.codeForm.reset();
    this.recoveryForm.reset();
    this.form.controls.password.reset();
  }

  /** Where to go once signed in: the set-up of a second factor first when a role requires one. */
  private async goOn(mfaSetupRequired: boolean): Promise<void> {
    const returnUrl = safeReturnUrl(this.returnUrl());
    await (mfaSetupRequired
      ? this.router.navigate(['/account/two-factor'], { queryParams: { returnUrl } })
      : this.router.navigateByUrl(returnUrl));
  }
}
