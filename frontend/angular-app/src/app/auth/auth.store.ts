import { HttpClient, HttpErrorResponse } from '@angular/common/http';
import { DestroyRef, Injectable, computed, inject, signal } from '@angular/core';
import type {
  MfaChallenge,
  RegisterRequest,
  Role,
  TokenResponse,
  User,
} from '@secureevent/contracts';
import { firstValueFrom } from 'rxjs';

import { SESSION_HINT } from './session-hint';

/** Where the session is: not yet known (restoring at start), signed in, or signed out. */
export const AuthStatus = {
  Unknown: 'unknown',
  SignedIn: 'signed-in',
  SignedOut: 'signed-out',
} as const;
export type AuthStatus = (typeof AuthStatus)[keyof typeof AuthStatus];

interface AuthState {
  readonly status: AuthStatus;
  readonly accessToken: string | null;
  readonly user: User | null;
}

/** The auth endpoints never carry the bearer token and are never retried after a refresh. */
export const AUTH_ENDPOINTS = [
  '/api/auth/login',
  '/api/auth/login/mfa',
  '/api/auth/register',
  '/api/auth/refresh',
  '/api/auth/logout',
] as const;

// Refresh a minute before the 5-minute access token runs out, so neither HTTP calls nor the
// WebSocket ever present an expired one in normal use.
const REFRESH_MARGIN_SECONDS = 60;

/**
 * The signed-in person and their access token. The token lives in this signal only — never in
 * localStorage or sessionStorage, where any injected script could read it. The session itself
 * survives reloads through the httpOnly `se_refresh` cookie, which JavaScript cannot read:
 * `restoreSession()` trades it for a fresh access token.
 */
@Injectable({ providedIn: 'root' })
export class AuthStore {
  private readonly http = inject(HttpClient);
  private readonly hint = inject(SESSION_HINT);

  private readonly state = signal<AuthState>({
    status: AuthStatus.Unknown,
    accessToken: null,
    user: null,
  });
  private refreshInFlight: Promise<string | null> | null = null;
  /** Counts sessions that ended without the person signing out (refresh refused while signed in). */
  readonly expiredSessions = signal(0);
  private restoring: Promise<void> | null = null;
  private refreshTimer: ReturnType<typeof setTimeout> | undefined;

  readonly status = computed(() => this.state().status);
  readonly accessToken = computed(() => this.state().accessToken);
  readonly user = computed(() => this.state().user);
  readonly isSignedIn = computed(() => this.state().status === AuthStatus.SignedIn);
  readonly roles = computed<readonly Role[]>(() => this.state().user?.roles ?? []);
  readonly isOrganizer = computed(
    () => this.roles().includes('organizer') || this.roles().includes('admin'),
  );
  readonly isAdmin = computed(() => this.roles().includes('admin'));
  /**
   * Set at sign-in when a role of this person requires a second factor and none is set up
   * (MFA_REQUIRED_ROLES): the guards lead to `/account/two-factor` first; its set-up clears it.
   */
  readonly mfaSetupRequired = signal(false);

  constructor() {
    inject(DestroyRef).onDestroy(() => clearTimeout(this.refreshTimer));
  }

  hasAnyRole(roles: readonly Role[]): boolean {
    return roles.some((role) => this.roles().includes(role));
  }

  /**
   * Resolves once it is known whether a session exists. Only asks the server when this browser
   * signed in before (the hint): anonymous visitors cause no failing request at all.
   */
  restoreSession(): Promise<void> {
    this.restoring ??= (async () => {
      if (this.state().status !== AuthStatus.Unknown) {
        return;
      }
      if (!this.hint.get()) {
        this.state.update((s) => ({ ...s, status: AuthStatus.SignedOut }));
        return;
      }
      await this.refresh();
    })();
    return this.restoring;
  }

  /**
   * Called as the browser leaves for the company's identity provider: it comes back with only the
   * refresh cookie, so the next start must try a refresh even though no password sign-in set the
   * hint. Should the sign-in fail there, the one refused refresh clears the hint again.
   */
  prepareCompanySignIn(): void {
    this.hint.set();
  }

  /**
   * Checks the password and starts the session; with a second factor on the account, answers the
   * challenge instead (its mfaToken goes to `/api/auth/login/mfa`, then `adoptTokens`).
   */
  async signIn(email: string, password: string): Promise<MfaChallenge | null> {
    const answer = await firstValueFrom(
      this.http.post<TokenResponse | MfaChallenge>('/api/auth/login', { email, password }),
    );
    this.mfaSetupRequired.set('accessToken' in answer && answer.mfaSetupRequired === true);
    if ('mfaRequired' in answer) {
      return answer;
    }
    await this.startSession(answer);
    return null;
  }

  /** Starts the session with tokens the second step of sign-in won. */
  adoptTokens(tokens: TokenResponse): Promise<void> {
    return this.startSession(tokens);
  }

  async signUp(request: RegisterRequest): Promise<void> {
    await firstValueFrom(this.http.post<User>('/api/auth/register', request));
    await this.signIn(request.email, request.password);
  }

  async signOut(): Promise<void> {
    try {
      await firstValueFrom(this.http.post('/api/auth/logout', {}));
    } catch {
      // Signed out locally all the same; the server session expires on its own.
    }
    this.endSession();
  }

  /**
   * A new access token from the refresh cookie, or null when the session is over. Concurrent
   * callers share one request: two refreshes with the same cookie would look like a replay.
   */
  refresh(): Promise<string | null> {
    this.refreshInFlight ??= this.exchangeRefreshCookie().finally(() => {
      this.refreshInFlight = null;
    });
    return this.refreshInFlight;
  }

  /** Reloads the signed-in user (e.g. after an admin changed their roles). */
  async reloadUser(): Promise<void> {
    const user = await firstValueFrom(this.http.get<User>('/api/users/me'));
    this.state.update((s) => ({ ...s, user }));
  }

  private async exchangeRefreshCookie(): Promise<string | null> {
    try {
      const tokens = await firstValueFrom(this.http.post<TokenResponse>('/api/auth/refresh', {}));
      await this.startSession(tokens);
      return tokens.accessToken;
    } catch (error) {
      if (error instanceof HttpErrorResponse && error.status === 401) {
        const wasSignedIn = this.state().status === AuthStatus.SignedIn;
        this.endSession();
        if (wasSignedIn) {
          this.expiredSessions.update((count) => count + 1);
        }
        return null;
      }
      // A network failure is not a signed-out session: keep what we have.
      if (this.state().status === AuthStatus.Unknown) {
        this.state.update((s) => ({ ...s, status: AuthStatus.SignedOut }));
      }
      return null;
    }
  }

  private async startSession(tokens: TokenResponse): Promise<void> {
    this.state.update((s) => ({ ...s, accessToken: tokens.accessToken }));
    const user = await firstValueFrom(this.http.get<User>('/api/users/me'));
    this.state.set({ status: AuthStatus.SignedIn, accessToken: tokens.accessToken, user });
    this.hint.set();
    clearTimeout(this.refreshTimer);
    const delay = Math.max(tokens.expiresIn - REFRESH_MARGIN_SECONDS, 10) * 1000;
    this.refreshTimer = setTimeout(() => void this.refresh(), delay);
  }

  private endSession(): void {
    clearTimeout(this.refreshTimer);
    this.hint.clear();
    this.state.set({ status: AuthStatus.SignedOut, accessToken: null, user: null });
  }
}
