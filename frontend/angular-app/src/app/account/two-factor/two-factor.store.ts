import { HttpClient } from '@angular/common/http';
import { Injectable, computed, inject, signal } from '@angular/core';
import type {
  DisableTotpRequest,
  MfaStatus,
  RecoveryCodes,
  TotpSetup,
} from '@secureevent/contracts';
import { firstValueFrom } from 'rxjs';

import { AuthStore } from '../../auth/auth.store';
import { describeHttpError } from '../../http/problem-details';

interface TwoFactorState {
  /** Null until loaded. */
  readonly status: MfaStatus | null;
  /** The secret being set up, until it is confirmed or abandoned. */
  readonly setup: TotpSetup | null;
  /** The recovery codes, held only until the person leaves the page: the server keeps hashes. */
  readonly recoveryCodes: readonly string[] | null;
  readonly busy: boolean;
  /** A translation key for what the last action did. */
  readonly notice: string | null;
  readonly error: string | null;
}

/**
 * State of `/account/two-factor`: whether an authenticator app is on, setting one up (secret,
 * confirmation with a code, the recovery codes shown once) and turning it off. Provided by the page.
 */
@Injectable()
export class TwoFactorStore {
  private readonly http = inject(HttpClient);
  private readonly auth = inject(AuthStore);

  private readonly state = signal<TwoFactorState>({
    status: null,
    setup: null,
    recoveryCodes: null,
    busy: false,
    notice: null,
    error: null,
  });

  readonly status = computed(() => this.state().status);
  readonly setup = computed(() => this.state().setup);
  readonly recoveryCodes = computed(() => this.state().recoveryCodes);
  readonly busy = computed(() => this.state().busy);
  readonly notice = computed(() => this.state().notice);
  readonly error = computed(() => this.state().error);

  async load(): Promise<void> {
    await this.run(async () => {
      const status = await firstValueFrom(this.http.get<MfaStatus>('/api/users/me/mfa'));
      this.state.update((s) => ({ ...s, status }));
    });
  }

  /** A new secret to scan; pending on the server until `confirm`. */
  async startSetup(): Promise<void> {
    await this.run(async () => {
      const setup = await firstValueFrom(this.http.post<TotpSetup>('/api/users/me/mfa/totp', {}));
      this.state.update((s) => ({ ...s, setup, recoveryCodes: null }));
    });
  }

  /** True when the code was right: the recovery codes are then shown. */
  async confirm(code: string): Promise<boolean> {
    return this.run(async () => {
      const { recoveryCodes } = await firstValueFrom(
        this.http.post<RecoveryCodes>('/api/users/me/mfa/totp/confirm', { code }),
      );
      this.auth.mfaSetupRequired.set(false);
      this.state.update((s) => ({ ...s, setup: null, recoveryCodes, notice: 'twoFactor.enabled' }));
      const status = await firstValueFrom(this.http.get<MfaStatus>('/api/users/me/mfa'));
      this.state.update((s) => ({ ...s, status }));
    });
  }

  /** Stops showing the recovery codes (the person has saved them). */
  doneWithRecoveryCodes(): void {
    this.state.update((s) => ({ ...s, recoveryCodes: null }));
  }

  async cancelSetup(): Promise<void> {
    const cancelled = await this.run(async () => {
      await firstValueFrom(this.http.delete('/api/users/me/mfa/totp', { body: {} }));
    });
    this.state.update((s) => ({ ...s, setup: null }));
    if (cancelled) {
      await this.load();
    }
  }

  /** True when it was turned off. */
  async disable(proof: DisableTotpRequest): Promise<boolean> {
    return this.run(async () => {
      await firstValueFrom(this.http.delete('/api/users/me/mfa/totp', { body: proof }));
      const status = await firstValueFrom(this.http.get<MfaStatus>('/api/users/me/mfa'));
      this.state.update((s) => ({
        ...s,
        status,
        recoveryCodes: null,
        notice: 'twoFactor.disabled',
      }));
    });
  }

  /** Runs one call with the busy flag; an error becomes the message shown. True when it worked. */
  private async run(action: () => Promise<void>): Promise<boolean> {
    this.state.update((s) => ({ ...s, busy: true, error: null, notice: null }));
    try {
      await action();
      return true;
    } catch (error) {
      this.state.update((s) => ({ ...s, error: describeHttpError(error) }));
      return false;
    } finally {
      this.state.update((s) => ({ ...s, busy: false }));
    }
  }
}
