import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatIconModule } from '@angular/material/icon';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { RouterLink } from '@angular/router';
import { TranslocoPipe } from '@jsverse/transloco';

import { AuthStore } from '../auth/auth.store';
import { describeEventSchedule } from '../events/event-schedule';
import { MyRegistration } from '../events/events.api';
import { UnreadCountStore } from '../notifications/unread-count.store';
import { VIEWER_TIME_ZONE } from '../time/viewer-time-zone';
import { DashboardStore } from './dashboard.store';
import { OrganizerEventRow } from './organizer-event-row';
import { PluralPipe } from '../i18n/plural.pipe';
import { I18n } from '../i18n/i18n';

/** `/dashboard`: the viewer's upcoming registrations and, for organizers, their events. */
@Component({
  selector: 'app-dashboard-page',
  imports: [
    TranslocoPipe,
    PluralPipe,
    RouterLink,
    MatButtonModule,
    MatIconModule,
    MatProgressBarModule,
    OrganizerEventRow,
  ],
  providers: [DashboardStore],
  templateUrl: './dashboard.page.html',
  styleUrl: './dashboard.page.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class DashboardPage {
  private readonly store = inject(DashboardStore);
  private readonly viewerTimeZone = inject(VIEWER_TIME_ZONE);
  private readonly i18n = inject(I18n);
  protected readonly auth = inject(AuthStore);
  protected readonly unreadCount = inject(UnreadCountStore);

  protected readonly registrations = this.store.registrations;
  protected readonly registrationsError = this.store.registrationsError;
  protected readonly myEvents = this.store.myEvents;
  protected readonly myEventsError = this.store.myEventsError;

  constructor() {
    this.store.load(this.auth.isOrganizer());
  }

  protected when(registration: MyRegistration): string {
    return describeEventSchedule(registration, this.viewerTimeZone, this.i18n.lang()).inViewerZone;
  }
}
