import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { MatButtonToggleModule } from '@angular/material/button-toggle';
import { MatCardModule } from '@angular/material/card';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { TranslocoPipe } from '@jsverse/transloco';

import { ChartComponent } from '../../charts/chart';
import { CHART_RANGES, ChartData, ChartRange } from '../../charts/chart-data';
import { I18n, t } from '../../i18n/i18n';
import { HealthPanel } from './health-panel';
import { OverviewStore } from './overview.store';

const STATUSES = ['draft', 'published', 'cancelled', 'completed'] as const;

/**
 * `/admin/overview`: charts of events by status, the top events by registrations, and
 * registrations, check-ins, sign-ins and failed or denied actions over the last 24 hours (by
 * hour), 7 days or 30 days (by day), in the browser's time zone; above them the platform's
 * health (`HealthPanel`).
 */
@Component({
  selector: 'app-admin-overview-page',
  imports: [
    TranslocoPipe,
    MatButtonToggleModule,
    MatCardModule,
    MatProgressBarModule,
    ChartComponent,
    HealthPanel,
  ],
  providers: [OverviewStore],
  templateUrl: './overview.page.html',
  styleUrl: './overview.page.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class OverviewPage {
  protected readonly store = inject(OverviewStore);
  private readonly i18n = inject(I18n);
  protected readonly ranges = CHART_RANGES;
  protected readonly range = signal<ChartRange>('month');

  constructor() {
    void this.store.load(this.range());
  }

  protected choose(range: ChartRange): void {
    this.range.set(range);
    void this.store.load(range);
  }

  /** The buckets as hours or short dates in the active language and the browser's time zone. */
  private readonly bucketLabels = computed(() => {
    const data = this.store.data();
    if (!data) return [];
    const options: Intl.DateTimeFormatOptions =
      data.bucket === 'hour'
        ? { hour: '2-digit', minute: '2-digit' }
        : { month: 'short', day: 'numeric' };
    return data.starts.map((start) => this.i18n.dateTime(start, options));
  });

  /** What the time charts cover, e.g. "per day, last 7 days". */
  protected readonly rangeDescription = computed(() => {
    this.i18n.lang();
    return t(`overview.ranges.describe.${this.store.data()?.range ?? this.range()}`);
  });

  protected readonly eventsByStatus = computed<ChartData | null>(() => {
    const data = this.store.data();
    return data
      ? {
          labels: STATUSES.map((status) => t(`status.${status}`)),
          series: [
            {
              name: t('overview.events'),
              values: STATUSES.map((status) => data.eventsByStatus[status]),
            },
          ],
        }
      : null;
  });

  protected readonly topEvents = computed<ChartData | null>(() => {
    const data = this.store.data();
    return data
      ? {
          labels: data.topEvents.map((event) => event.title),
          series: [
            { name: t('overview.confirmed'), values: data.topEvents.map((e) => e.confirmed) },
          ],
        }
      : null;
  });

  protected readonly registrations = computed<ChartData | null>(() => {
    const data = this.store.data();
    return data
      ? {
          labels: this.bucketLabels(),
          series: [
            { name: t('overview.confirmed'), values: data.registrations },
            { name: t('overview.waitlisted'), values: data.waitlisted },
          ],
        }
      : null;
  });

  protected readonly activity = computed<ChartData | null>(() => {
    const data = this.store.data();
    return data
      ? {
          labels: this.bucketLabels(),
          series: [
            { name: t('overview.checkins'), values: data.checkins },
            { name: t('overview.signIns'), values: data.signIns },
          ],
        }
      : null;
  });

  protected readonly outcomes = computed<ChartData | null>(() => {
    const data = this.store.data();
    return data
      ? {
          labels: this.bucketLabels(),
          series: [
            { name: t('audit.outcomes.failure'), values: data.failures },
            { name: t('audit.outcomes.denied'), values: data.denied },
          ],
        }
      : null;
  });
}
