import { ChangeDetectionStrategy, Component, computed, inject } from '@angular/core';
import { MatCardModule } from '@angular/material/card';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { TranslocoPipe } from '@jsverse/transloco';

import { ChartComponent } from '../../charts/chart';
import { ChartData } from '../../charts/chart-data';
import { I18n, t } from '../../i18n/i18n';
import { OverviewStore } from './overview.store';

const STATUSES = ['draft', 'published', 'cancelled', 'completed'] as const;

/**
 * `/admin/overview`: charts of events by status, the top events by registrations, and
 * registrations, check-ins, sign-ins and failed or denied actions per day over the last 30 days.
 */
@Component({
  selector: 'app-admin-overview-page',
  imports: [TranslocoPipe, MatCardModule, MatProgressBarModule, ChartComponent],
  providers: [OverviewStore],
  templateUrl: './overview.page.html',
  styleUrl: './overview.page.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class OverviewPage {
  protected readonly store = inject(OverviewStore);
  private readonly i18n = inject(I18n);

  constructor() {
    void this.store.load();
  }

  /** The days as short dates in the active language. */
  private readonly dayLabels = computed(() =>
    (this.store.data()?.days ?? []).map((day) =>
      this.i18n.dateTime(`${day}T12:00:00Z`, { month: 'short', day: 'numeric', timeZone: 'UTC' }),
    ),
  );

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
          labels: this.dayLabels(),
          series: [
            { name: t('overview.confirmed'), values: data.registrations.counts },
            { name: t('overview.waitlisted'), values: data.waitlisted.counts },
          ],
        }
      : null;
  });

  protected readonly activity = computed<ChartData | null>(() => {
    const data = this.store.data();
    return data
      ? {
          labels: this.dayLabels(),
          series: [
            { name: t('overview.checkins'), values: data.checkins.counts },
            { name: t('overview.signIns'), values: data.signIns.counts },
          ],
        }
      : null;
  });

  protected readonly outcomes = computed<ChartData | null>(() => {
    const data = this.store.data();
    return data
      ? {
          labels: this.dayLabels(),
          series: [
            { name: t('audit.outcomes.failure'), values: data.failures.counts },
            { name: t('audit.outcomes.denied'), values: data.denied.counts },
          ],
        }
      : null;
  });

  /** True when a chart's numbers were cut at the page limit. */
  protected readonly partial = computed(() => {
    const data = this.store.data();
    if (!data) return false;
    return (
      ![
        data.registrations,
        data.waitlisted,
        data.checkins,
        data.signIns,
        data.failures,
        data.denied,
      ].every((series) => series.complete) || !data.eventsComplete
    );
  });
}
