import {
  ChangeDetectionStrategy,
  Component,
  LOCALE_ID,
  computed,
  inject,
  input,
} from '@angular/core';
import { MatCardModule } from '@angular/material/card';
import { MatChipsModule } from '@angular/material/chips';
import { MatIconModule } from '@angular/material/icon';

import { VIEWER_TIME_ZONE } from '../time/viewer-time-zone';
import { describeEventSchedule } from './event-schedule';
import { EventSummary } from './event.model';

/** One event in the list: title, when, where, description and tags. */
@Component({
  selector: 'app-event-card',
  imports: [MatCardModule, MatChipsModule, MatIconModule],
  templateUrl: './event-card.html',
  styleUrl: './event-card.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class EventCard {
  private readonly viewerTimeZone = inject(VIEWER_TIME_ZONE);
  private readonly locale = inject(LOCALE_ID);

  readonly event = input.required<EventSummary>();

  protected readonly schedule = computed(() =>
    describeEventSchedule(this.event(), this.viewerTimeZone, this.locale),
  );
  protected readonly isOnlineOnly = computed(() => this.event().venue === null);
  protected readonly isHybrid = computed(
    () => this.event().venue !== null && this.event().onlineUrl !== null,
  );
}
