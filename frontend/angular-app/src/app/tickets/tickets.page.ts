import {
  ChangeDetectionStrategy,
  Component,
  DestroyRef,
  LOCALE_ID,
  inject,
  signal,
} from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { MatCardModule } from '@angular/material/card';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { RouterLink } from '@angular/router';

import { MyRegistration, EventsApi } from '../events/events.api';
import { describeEventSchedule } from '../events/event-schedule';
import { describeHttpError } from '../http/problem-details';
import { VIEWER_TIME_ZONE } from '../time/viewer-time-zone';

/** A QR code ready for an `<img>`: the SVG as a data URL (the CSP allows `img-src data:`). */
function svgDataUrl(svg: string): string {
  return `data:image/svg+xml;base64,${btoa(unescape(encodeURIComponent(svg)))}`;
}

/** `/tickets`: the viewer's registrations; confirmed ones with the QR code to show at the door. */
@Component({
  selector: 'app-tickets-page',
  imports: [RouterLink, MatCardModule, MatProgressBarModule],
  templateUrl: './tickets.page.html',
  styleUrl: './tickets.page.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class TicketsPage {
  private readonly api = inject(EventsApi);
  private readonly destroyRef = inject(DestroyRef);
  private readonly viewerTimeZone = inject(VIEWER_TIME_ZONE);
  private readonly locale = inject(LOCALE_ID);

  protected readonly registrations = signal<readonly MyRegistration[] | null>(null);
  protected readonly error = signal<string | null>(null);
  protected readonly qrCodes = signal<ReadonlyMap<string, string>>(new Map());

  constructor() {
    this.api
      .myRegistrations()
      .pipe(takeUntilDestroyed(this.destroyRef))
      .subscribe({
        next: ({ items }) => {
          const shown = items.filter((r) => r.status !== 'cancelled');
          this.registrations.set(shown);
          shown.filter((r) => r.status === 'confirmed').forEach((r) => this.loadQrCode(r.id));
        },
        error: (error: unknown) => this.error.set(describeHttpError(error)),
      });
  }

  private loadQrCode(registrationId: string): void {
    this.api
      .ticketSvg(registrationId)
      .pipe(takeUntilDestroyed(this.destroyRef))
      .subscribe({
        next: (svg) =>
          this.qrCodes.update((codes) => new Map(codes).set(registrationId, svgDataUrl(svg))),
        error: () => undefined,
      });
  }

  protected when(registration: MyRegistration): string {
    const schedule = describeEventSchedule(registration, this.viewerTimeZone, this.locale);
    return schedule.inEventZone
      ? `${schedule.inViewerZone} (event time: ${schedule.inEventZone})`
      : schedule.inViewerZone;
  }
}
