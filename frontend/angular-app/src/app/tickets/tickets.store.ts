import { DestroyRef, Injectable, computed, inject, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';

import { EventsApi, MyRegistration } from '../events/events.api';
import { describeHttpError } from '../http/problem-details';

interface TicketsState {
  /** Null until loaded; cancelled registrations are not tickets and are left out. */
  readonly registrations: readonly MyRegistration[] | null;
  readonly error: string | null;
  /** The QR code of each confirmed registration, as a `data:` URL, once fetched. */
  readonly qrCodes: ReadonlyMap<string, string>;
}

/** A QR code ready for an `<img>`: the SVG as a data URL (the CSP allows `img-src data:`). */
function svgDataUrl(svg: string): string {
  return `data:image/svg+xml;base64,${btoa(unescape(encodeURIComponent(svg)))}`;
}

/** State of `/tickets`: the viewer's registrations and the QR codes of the confirmed ones. */
@Injectable()
export class TicketsStore {
  private readonly api = inject(EventsApi);
  private readonly destroyRef = inject(DestroyRef);

  private readonly state = signal<TicketsState>({
    registrations: null,
    error: null,
    qrCodes: new Map(),
  });

  readonly registrations = computed(() => this.state().registrations);
  readonly error = computed(() => this.state().error);
  readonly qrCodes = computed(() => this.state().qrCodes);

  load(): void {
    this.api
      .myRegistrations()
      .pipe(takeUntilDestroyed(this.destroyRef))
      .subscribe({
        next: ({ items }) => {
          const shown = items.filter((r) => r.status !== 'cancelled');
          this.state.update((s) => ({ ...s, registrations: shown }));
          shown.filter((r) => r.status === 'confirmed').forEach((r) => this.loadQrCode(r.id));
        },
        error: (error: unknown) =>
          this.state.update((s) => ({ ...s, error: describeHttpError(error) })),
      });
  }

  private loadQrCode(registrationId: string): void {
    this.api
      .ticketSvg(registrationId)
      .pipe(takeUntilDestroyed(this.destroyRef))
      .subscribe({
        next: (svg) =>
          this.state.update((s) => ({
            ...s,
            qrCodes: new Map(s.qrCodes).set(registrationId, svgDataUrl(svg)),
          })),
        // The ticket's code is shown in text beside it, so a missing image is no dead end.
        error: () => undefined,
      });
  }
}
