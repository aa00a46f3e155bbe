import {
  ChangeDetectionStrategy,
  Component,
  computed,
  effect,
  inject,
  input,
  output,
  signal,
  untracked,
} from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatIconModule } from '@angular/material/icon';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { RouterLink } from '@angular/router';
import { TranslocoPipe } from '@jsverse/transloco';
import type { EventDto } from '@secureevent/contracts';

import { ChartComponent } from '../../charts/chart';
import { AttendeeExport } from '../organizer-tools/attendee-export';
import { CoOrganizerPicker } from '../organizer-tools/co-organizer-picker';
import { DuplicateEvent } from '../organizer-tools/duplicate-event';
import { AccessCodeEditor } from './access-code-editor';
import { ApprovalQueue } from './approval-queue';
import { ChartData, countByDay, cumulative, lastDays } from '../../charts/chart-data';
import { I18n, t } from '../../i18n/i18n';
import { OrganizerPanelStore } from './organizer-panel.store';

/** What the event's organizers (and admins) can do on its page; the state is in `OrganizerPanelStore`. */
@Component({
  selector: 'app-event-organizer-panel',
  imports: [
    TranslocoPipe,
    RouterLink,
    MatButtonModule,
    MatIconModule,
    MatProgressBarModule,
    ChartComponent,
    AttendeeExport,
    CoOrganizerPicker,
    DuplicateEvent,
    ApprovalQueue,
    AccessCodeEditor,
  ],
  providers: [OrganizerPanelStore],
  templateUrl: './event-organizer-panel.html',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class EventOrganizerPanel {
  private readonly store = inject(OrganizerPanelStore);

  readonly event = input.required<EventDto>();
  readonly eventChange = output<EventDto>();

  protected readonly attendees = this.store.attendees;
  protected readonly attendeesError = this.store.attendeesError;
  protected readonly attendeesCursor = this.store.attendeesCursor;
  protected readonly busy = this.store.busy;
  protected readonly error = this.store.error;
  protected readonly confirmingCancel = signal(false);
  private readonly i18n = inject(I18n);

  /** Registrations still held (not cancelled) among the attendees loaded. */
  private readonly held = computed(() =>
    (this.attendees() ?? []).filter(
      (attendee) => attendee.status !== 'cancelled' && attendee.status !== 'rejected',
    ),
  );

  /** Registrations held, as a running total per day over the last 30 days. */
  protected readonly registrationsChart = computed<ChartData | null>(() => {
    const held = this.held();
    if (held.length === 0) return null;
    const days = lastDays(30);
    const before = held.filter((a) => a.createdAt.slice(0, 10) < days[0]).length;
    const perDay = countByDay(
      held.map((a) => a.createdAt),
      days,
    );
    return {
      labels: days.map((day) =>
        this.i18n.dateTime(`${day}T12:00:00Z`, { month: 'short', day: 'numeric', timeZone: 'UTC' }),
      ),
      series: [
        {
          name: t('organizer.registrations'),
          values: cumulative(perDay).map((total) => total + before),
        },
      ],
    };
  });

  /** Pending registrations remain to decide even after the event is switched back to open. */
  protected readonly attendeesHavePending = computed(() =>
    (this.attendees() ?? []).some((attendee) => attendee.status === 'pending'),
  );
  /** Codes matter once a type is hidden or needs one. */
  protected readonly hasCodeTypes = computed(() =>
    this.event().ticketTypes.some((type) => type.hidden || type.accessCodeRequired),
  );

  /** People checked in among the confirmed attendees loaded. */
  protected readonly checkIn = computed(() => {
    const confirmed = this.held().filter((a) => a.status === 'confirmed');
    const checkedIn = confirmed.filter((a) => a.checkedInAt !== null).length;
    return {
      checkedIn,
      confirmed: confirmed.length,
      percent: confirmed.length === 0 ? 0 : Math.round((checkedIn / confirmed.length) * 100),
    };
  });

  constructor() {
    // The page passes a new event object on every live availability change, so the list of
    // attendees is reloaded as people register and cancel.
    effect(() => {
      const id = this.event().id;
      untracked(() => this.store.loadAttendees(id));
    });
  }

  /** The approval queue decided registrations: the attendee list shows them as they now are. */
  reloadAttendees(): void {
    this.store.loadAttendees(this.event().id);
  }

  loadMoreAttendees(): void {
    this.store.loadMoreAttendees(this.event().id);
  }

  async publishEvent(): Promise<void> {
    this.announce(await this.store.publishEvent(this.event().id));
  }

  async cancelEvent(): Promise<void> {
    this.confirmingCancel.set(false);
    this.announce(await this.store.cancelEvent(this.event().id));
  }

  private announce(changed: EventDto | null): void {
    if (changed !== null) {
      this.eventChange.emit(changed);
    }
  }
}
