import { HttpClient } from '@angular/common/http';
import { Injectable, computed, inject, signal } from '@angular/core';
import type { PlatformHealthDto } from '@secureevent/contracts';
import { firstValueFrom } from 'rxjs';

import { describeHttpError } from '../../http/problem-details';

/** How often the panel asks again while it is shown. */
export const HEALTH_REFRESH_MS = 15_000;

interface HealthState {
  readonly data: PlatformHealthDto | null;
  readonly error: string | null;
}

/**
 * The platform's health for the overview's panel: `GET /api/audit/platform-health` (each
 * service's own readiness, asked by the audit-service), now and every 15 seconds while the
 * panel is shown. A failed refresh keeps the last answer on screen, marked with the error.
 */
@Injectable()
export class HealthStore {
  private readonly http = inject(HttpClient);
  private readonly state = signal<HealthState>({ data: null, error: null });
  private timer: ReturnType<typeof setInterval> | undefined;
  private loads = 0;

  readonly data = computed(() => this.state().data);
  readonly error = computed(() => this.state().error);

  /** Loads now and then every `HEALTH_REFRESH_MS`, until `stop`. */
  start(): void {
    this.stop();
    void this.load();
    this.timer = setInterval(() => void this.load(), HEALTH_REFRESH_MS);
  }

  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }

  async load(): Promise<void> {
    const load = ++this.loads;
    try {
      const data = await firstValueFrom(
        this.http.get<PlatformHealthDto>('/api/audit/platform-health'),
      );
      if (load === this.loads) this.state.set({ data, error: null });
    } catch (error) {
      if (load === this.loads)
        this.state.update((s) => ({ ...s, error: describeHttpError(error) }));
    }
  }
}
