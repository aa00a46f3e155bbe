import { ChangeDetectionStrategy, Component, LOCALE_ID, inject } from '@angular/core';
import { MatCardModule } from '@angular/material/card';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { RouterLink } from '@angular/router';

import { MyRegistration } from '../events/events.api';
import { describeEventSchedule } from '../events/event-schedule';
import { VIEWER_TIME_ZONE } from '../time/viewer-time-zone';
import { TicketsStore } from './tickets.store';

/** `/tickets`: the viewer's registrations; confirmed ones with the QR code to show at the door. */
@Component({
  selector: 'app-tickets-page',
  imports: [RouterLink, MatCardModule, MatProgressBarModule],
  providers: [TicketsStore],
  templateUrl: './tickets.page.html',
  styleUrl: './tickets.page.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class TicketsPage {
  private readonly store = inject(TicketsStore);
  private readonly viewerTimeZone = inject(VIEWER_TIME_ZONE);
  private readonly locale = inject(LOCALE_ID);

  protected readonly registrations = this.store.registrations;
  protected readonly error = this.store.error;
  protected readonly qrCodes = this.store.qrCodes;

  constructor() {
    this.store.load();
  }

  protected when(registration: MyRegistration): string {
    const schedule = describeEventSchedule(registration, this.viewerTimeZone, this.locale);
    return schedule.inEventZone
      ? `${schedule.inViewerZone} (event time: ${schedule.inEventZone})`
      : schedule.inViewerZone;
  }
}
