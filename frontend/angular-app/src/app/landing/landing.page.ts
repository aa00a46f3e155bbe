import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { RouterLink } from '@angular/router';
import { TranslocoPipe } from '@jsverse/transloco';

import { describeEventSchedule } from '../events/event-schedule';
import { EventSummary } from '../events/event.model';
import { I18n } from '../i18n/i18n';
import { VIEWER_TIME_ZONE } from '../time/viewer-time-zone';
import { LandingStore } from './landing.store';

/**
 * `/` for visitors: what SecureEvent is, the next public events, sign up / sign in. It uses no
 * Material components (buttons are links styled with the theme's tokens) and opens no WebSocket,
 * so the first page a visitor sees loads as little as possible.
 */
@Component({
  selector: 'app-landing-page',
  imports: [TranslocoPipe, RouterLink],
  providers: [LandingStore],
  templateUrl: './landing.page.html',
  styleUrl: './landing.page.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class LandingPage {
  private readonly store = inject(LandingStore);
  private readonly viewerTimeZone = inject(VIEWER_TIME_ZONE);
  private readonly i18n = inject(I18n);

  protected readonly events = this.store.events;
  protected readonly error = this.store.error;

  constructor() {
    this.store.load();
  }

  protected when(event: EventSummary): string {
    return describeEventSchedule(event, this.viewerTimeZone, this.i18n.lang()).inViewerZone;
  }
}
