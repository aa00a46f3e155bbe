import {
  ChangeDetectionStrategy,
  Component,
  DestroyRef,
  computed,
  effect,
  inject,
  input,
  signal,
  untracked,
} from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { RouterLink } from '@angular/router';
import { TranslocoPipe } from '@jsverse/transloco';
import type { Availability, EventDto } from '@secureevent/contracts';

import { EventsApi } from '../events/events.api';
import { describeSeats } from '../events/seats';
import { RealtimeClient } from '../realtime/realtime.client';

/** One of the organizer's events on the dashboard: live seats and check-in progress. */
@Component({
  selector: 'app-organizer-event-row',
  imports: [TranslocoPipe, RouterLink, MatProgressBarModule],
  template: `
    <div class="row" data-testid="organizer-event">
      <div class="name">
        <a [routerLink]="['/events', event().id]">{{ event().title }}</a>
        @if (event().status !== 'published') {
          <span class="status-chip">{{ 'status.' + event().status | transloco }}</span>
        }
      </div>
      <div data-testid="seats-left">{{ seats() }}</div>
      <div class="progress">
        @if (event().status === 'published') {
          <span data-testid="checkin-progress">{{
            'dashboard.checkedInOf'
              | transloco: { checkedIn: checkedIn() ?? '…', confirmed: availability().confirmed }
          }}</span>
          <mat-progress-bar
            mode="determinate"
            [value]="progress()"
            [attr.aria-label]="'dashboard.checkInProgressOf' | transloco: { title: event().title }"
          />
          <a [routerLink]="['/events', event().id, 'check-in']">{{
            'dashboard.checkIn' | transloco
          }}</a>
        }
      </div>
    </div>
  `,
  styles: `
    .row {
      display: grid;
      grid-template-columns: 2fr 1fr 1.5fr;
      gap: 12px;
      align-items: center;
      padding: 12px 0;
      border-bottom: 1px solid var(--mat-sys-outline-variant);
    }
    .name {
      display: flex;
      gap: 8px;
      align-items: center;
    }
    @media (max-width: 600px) {
      .row {
        grid-template-columns: 1fr;
      }
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class OrganizerEventRow {
  private readonly api = inject(EventsApi);
  private readonly realtime = inject(RealtimeClient);
  private readonly destroyRef = inject(DestroyRef);

  readonly event = input.required<EventDto>();

  private readonly liveAvailability = signal<Availability | null>(null);
  protected readonly checkedIn = signal<number | null>(null);
  protected readonly availability = computed(
    () => this.liveAvailability() ?? this.event().availability,
  );
  protected readonly seats = computed(() => describeSeats(this.availability()));
  protected readonly progress = computed(() => {
    const confirmed = this.availability().confirmed;
    return confirmed === 0 ? 0 : Math.round(((this.checkedIn() ?? 0) / confirmed) * 100);
  });

  constructor() {
    effect(() => {
      const event = this.event();
      untracked(() => {
        if (event.status !== 'published') {
          return;
        }
        this.api
          .checkinStats(event.id)
          .pipe(takeUntilDestroyed(this.destroyRef))
          .subscribe({
            next: (stats) => this.checkedIn.set(stats.checkedIn),
            error: () => undefined,
          });
        this.realtime
          .watchEvent(event.id)
          .pipe(takeUntilDestroyed(this.destroyRef))
          .subscribe((frame) => {
            if (frame.type === 'availability') {
              this.liveAvailability.set(frame.availability);
            } else if (frame.type === 'checkins') {
              this.checkedIn.set(frame.checkedIn);
            }
          });
      });
    });
  }
}
