import { ChangeDetectionStrategy, Component, computed, inject, input } from '@angular/core';
import { toObservable, toSignal } from '@angular/core/rxjs-interop';
import { MatCardModule } from '@angular/material/card';
import { MatIconModule } from '@angular/material/icon';
import { RouterLink } from '@angular/router';
import { TranslocoPipe } from '@jsverse/transloco';
import { switchMap } from 'rxjs';

import { RealtimeClient } from '../realtime/realtime.client';
import { VIEWER_TIME_ZONE } from '../time/viewer-time-zone';
import { descriptionExcerpt } from './description-excerpt';
import { describeEventSchedule } from './event-schedule';
import { EventSummary } from './event.model';
import { describeSeats } from './seats';
import { I18n } from '../i18n/i18n';

/** One event in the list: title, when, where, seats left (live), description and tags. */
@Component({
  selector: 'app-event-card',
  imports: [TranslocoPipe, MatCardModule, MatIconModule, RouterLink],
  templateUrl: './event-card.html',
  styleUrl: './event-card.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class EventCard {
  private readonly viewerTimeZone = inject(VIEWER_TIME_ZONE);
  private readonly i18n = inject(I18n);
  private readonly realtime = inject(RealtimeClient);

  readonly event = input.required<EventSummary>();

  private readonly liveAvailability = toSignal(
    toObservable(this.event).pipe(switchMap((event) => this.realtime.watchAvailability(event.id))),
    { initialValue: null },
  );
  protected readonly availability = computed(
    () => this.liveAvailability() ?? this.event().availability,
  );
  protected readonly seats = computed(() => describeSeats(this.availability()));
  protected readonly schedule = computed(() =>
    describeEventSchedule(this.event(), this.viewerTimeZone, this.i18n.lang()),
  );
  protected readonly excerpt = computed(() => descriptionExcerpt(this.event().descriptionHtml));
  protected readonly isOnlineOnly = computed(() => this.event().venue === null);
  protected readonly isHybrid = computed(
    () => this.event().venue !== null && this.event().onlineUrl !== null,
  );
}
