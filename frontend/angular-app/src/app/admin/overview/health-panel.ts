import { ChangeDetectionStrategy, Component, DestroyRef, computed, inject } from '@angular/core';
import { MatCardModule } from '@angular/material/card';
import { MatChipsModule } from '@angular/material/chips';
import { TranslocoPipe } from '@jsverse/transloco';
import type { ServiceHealthDto } from '@secureevent/contracts';

import { I18n, t } from '../../i18n/i18n';
import { HEALTH_REFRESH_MS, HealthStore } from './health.store';

const KNOWN_DEPENDENCIES = ['database', 'broker', 'cache'];

/**
 * The overview's health panel: the platform's state, and for each service its state, why it is
 * down, which dependency degrades it, its version and uptime. Refreshes every 15 seconds.
 */
@Component({
  selector: 'app-health-panel',
  imports: [TranslocoPipe, MatCardModule, MatChipsModule],
  providers: [HealthStore],
  templateUrl: './health-panel.html',
  styleUrl: './health-panel.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class HealthPanel {
  protected readonly store = inject(HealthStore);
  private readonly i18n = inject(I18n);
  protected readonly refreshSeconds = HEALTH_REFRESH_MS / 1000;

  constructor() {
    this.store.start();
    inject(DestroyRef).onDestroy(() => this.store.stop());
  }

  /** "Checked at 14:05:09", in the active language. */
  protected readonly checkedAt = computed(() => {
    const data = this.store.data();
    return data
      ? this.i18n.dateTime(data.checkedAt, {
          hour: '2-digit',
          minute: '2-digit',
          second: '2-digit',
        })
      : '';
  });

  protected dependencyName(name: string): string {
    return KNOWN_DEPENDENCIES.includes(name) ? t(`health.dependencies.${name}`) : name;
  }

  protected degradedBy(service: ServiceHealthDto): string {
    return service.degraded.map((d) => this.dependencyName(d)).join(', ');
  }

  /** An uptime as its two largest units, e.g. "3 days 4 hr", in the active language. */
  protected uptime(seconds: number): string {
    const parts: [number, 'day' | 'hour' | 'minute' | 'second'][] = [
      [Math.floor(seconds / 86_400), 'day'],
      [Math.floor((seconds % 86_400) / 3600), 'hour'],
      [Math.floor((seconds % 3600) / 60), 'minute'],
      [Math.floor(seconds % 60), 'second'],
    ];
    const first = parts.findIndex(([n]) => n > 0);
    const shown = first === -1 ? [parts[3]] : parts.slice(first, first + 2).filter(([n]) => n > 0);
    return shown
      .map(([n, unit]) => this.i18n.number(n, { style: 'unit', unit, unitDisplay: 'short' }))
      .join(' ');
  }
}
