import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { MatCardModule } from '@angular/material/card';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { RouterLink } from '@angular/router';
import { TranslocoPipe } from '@jsverse/transloco';
import { formatTicketCode } from '@secureevent/contracts/ticket-code';

import { MyRegistration } from '../events/events.api';
import { describeEventSchedule } from '../events/event-schedule';
import { VIEWER_TIME_ZONE } from '../time/viewer-time-zone';
import { TicketsStore } from './tickets.store';
import { I18n, t } from '../i18n/i18n';

/** `/tickets`: the viewer's registrations; confirmed ones with the QR code to show at the door. */
@Component({
  selector: 'app-tickets-page',
  imports: [TranslocoPipe, RouterLink, MatCardModule, MatProgressBarModule],
  providers: [TicketsStore],
  templateUrl: './tickets.page.html',
  styleUrl: './tickets.page.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class TicketsPage {
  private readonly store = inject(TicketsStore);
  private readonly viewerTimeZone = inject(VIEWER_TIME_ZONE);
  private readonly i18n = inject(I18n);

  protected readonly registrations = this.store.registrations;
  protected readonly error = this.store.error;
  protected readonly qrCodes = this.store.qrCodes;

  constructor() {
    this.store.load();
  }

  protected when(registration: MyRegistration): string {
    const schedule = describeEventSchedule(registration, this.viewerTimeZone, this.i18n.lang());
    return schedule.inEventZone
      ? t('tickets.withEventTime', { time: schedule.inViewerZone, eventTime: schedule.inEventZone })
      : schedule.inViewerZone;
  }

  protected printedCode(code: string): string {
    return formatTicketCode(code);
  }
}
