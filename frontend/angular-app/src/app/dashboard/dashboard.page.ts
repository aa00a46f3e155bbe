import {
  ChangeDetectionStrategy,
  Component,
  DestroyRef,
  LOCALE_ID,
  inject,
  signal,
} from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { MatButtonModule } from '@angular/material/button';
import { MatIconModule } from '@angular/material/icon';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { RouterLink } from '@angular/router';
import type { EventDto } from '@secureevent/contracts';

import { AuthStore } from '../auth/auth.store';
import { describeEventSchedule } from '../events/event-schedule';
import { EventsApi, MyRegistration } from '../events/events.api';
import { describeHttpError } from '../http/problem-details';
import { UnreadCountStore } from '../notifications/unread-count.store';
import { VIEWER_TIME_ZONE } from '../time/viewer-time-zone';
import { OrganizerEventRow } from './organizer-event-row';

/** `/dashboard`: the viewer's upcoming registrations and, for organizers, their events. */
@Component({
  selector: 'app-dashboard-page',
  imports: [RouterLink, MatButtonModule, MatIconModule, MatProgressBarModule, OrganizerEventRow],
  templateUrl: './dashboard.page.html',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class DashboardPage {
  private readonly api = inject(EventsApi);
  private readonly destroyRef = inject(DestroyRef);
  private readonly viewerTimeZone = inject(VIEWER_TIME_ZONE);
  private readonly locale = inject(LOCALE_ID);
  protected readonly auth = inject(AuthStore);
  protected readonly unreadCount = inject(UnreadCountStore);

  protected readonly registrations = signal<readonly MyRegistration[] | null>(null);
  protected readonly registrationsError = signal<string | null>(null);
  protected readonly myEvents = signal<readonly EventDto[] | null>(null);
  protected readonly myEventsError = signal<string | null>(null);

  constructor() {
    const now = Date.now();
    this.api
      .myRegistrations()
      .pipe(takeUntilDestroyed(this.destroyRef))
      .subscribe({
        next: ({ items }) =>
          this.registrations.set(
            items.filter((r) => r.status !== 'cancelled' && Date.parse(r.endsAt) > now),
          ),
        error: (error: unknown) => this.registrationsError.set(describeHttpError(error)),
      });
    if (this.auth.isOrganizer()) {
      this.api
        .myEvents()
        .pipe(takeUntilDestroyed(this.destroyRef))
        .subscribe({
          next: ({ items }) => this.myEvents.set(items),
          error: (error: unknown) => this.myEventsError.set(describeHttpError(error)),
        });
    }
  }

  protected when(registration: MyRegistration): string {
    return describeEventSchedule(registration, this.viewerTimeZone, this.locale).inViewerZone;
  }
}
