import { DestroyRef, Injectable, computed, inject, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import type { EventDto, Question, RegistrationDto } from '@secureevent/contracts';
import { Subscription, firstValueFrom } from 'rxjs';

import { newIdempotencyKey } from '../../http/idempotency-key';
import { describeHttpError } from '../../http/problem-details';
import { RealtimeClient } from '../../realtime/realtime.client';
import { EventsApi } from '../events.api';
import { t } from '../../i18n/i18n';
import { mergeAvailability } from './live-availability';

interface EventDetailState {
  readonly event: EventDto | null;
  readonly loadError: string | null;
  /**
   * The viewer's registration for this event: a live one (confirmed, waitlisted, pending), or
   * one an organizer rejected (shown with the reason); null when they have none or cancelled it.
   */
  readonly registration: RegistrationDto | null;
  readonly busy: boolean;
  readonly actionError: string | null;
  readonly notice: string | null;
}

const INITIAL: EventDetailState = {
  event: null,
  loadError: null,
  registration: null,
  busy: false,
  actionError: null,
  notice: null,
};

function sameQuestions(a: readonly Question[], b: readonly Question[]): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * State of one event page: the event (kept live over the WebSocket), the viewer's registration
 * for it, and the register / cancel actions. Provided by the page, so it lives as long as it does.
 */
@Injectable()
export class EventDetailStore {
  private readonly api = inject(EventsApi);
  private readonly realtime = inject(RealtimeClient);
  private readonly destroyRef = inject(DestroyRef);

  private readonly state = signal<EventDetailState>(INITIAL);
  private eventId: string | null = null;
  private invite: string | undefined;
  private signedIn = false;
  private requests: Subscription | undefined;
  private live: Subscription | undefined;
  // A key per load: the page is reused when only :id changes, and a key sent for another event's
  // registration would be refused (409). A new one after a cancellation, too.
  private idempotencyKey = newIdempotencyKey();

  readonly event = computed(() => this.state().event);
  readonly loadError = computed(() => this.state().loadError);
  readonly registration = computed(() => this.state().registration);
  readonly busy = computed(() => this.state().busy);
  readonly actionError = computed(() => this.state().actionError);
  readonly notice = computed(() => this.state().notice);
  /** The registration questions; a new value only when they really change (not on every seat). */
  readonly questions = computed<readonly Question[]>(() => this.state().event?.questions ?? [], {
    equal: sameQuestions,
  });

  /** Loads the event and, for a signed-in viewer, their registration for it. */
  load(eventId: string, invite: string | undefined, signedIn: boolean): void {
    if (eventId !== this.eventId) {
      // Another event in the same page: nothing of the previous one may stay on screen (its
      // registration's cancel button would cancel the wrong registration).
      this.state.set(INITIAL);
    }
    this.eventId = eventId;
    this.invite = invite;
    this.signedIn = signedIn;
    this.idempotencyKey = newIdempotencyKey();
    this.state.update((s) => ({ ...s, loadError: null }));
    // The answers to an older load must not overwrite a newer one's.
    this.requests?.unsubscribe();
    this.requests = new Subscription();
    this.requests.add(
      this.api
        .getEvent(eventId, invite)
        .pipe(takeUntilDestroyed(this.destroyRef))
        .subscribe({
          next: (event) => {
            this.showEvent(event);
            this.watch(event.id);
          },
          error: (error: unknown) =>
            this.state.update((s) => ({ ...s, loadError: describeHttpError(error) })),
        }),
    );
    if (signedIn) {
      this.requests.add(
        this.api
          .myRegistration(eventId)
          .pipe(takeUntilDestroyed(this.destroyRef))
          .subscribe({
            next: (registration) =>
              this.state.update((s) => ({
                ...s,
                registration: registration.status === 'cancelled' ? null : registration,
              })),
            // 404 is "not registered". Any other failure leaves the page usable all the same:
            // registering again answers the existing registration (the API is idempotent).
            error: () => this.state.update((s) => ({ ...s, registration: null })),
          }),
      );
    } else {
      this.state.update((s) => ({ ...s, registration: null }));
    }
  }

  /** Shows a newer version of the event (from the organizer panel, or a reload). */
  showEvent(event: EventDto): void {
    this.state.update((s) => ({ ...s, event }));
  }

  /**
   * Registers the viewer with their answers. `explain` turns a refusal into the sentence shown
   * (the page uses it to put field errors beside their fields).
   */
  async register(
    answers: Record<string, string | boolean>,
    explain: (error: unknown) => string = describeHttpError,
    ticketTypeId?: string,
    accessCode?: string,
  ): Promise<void> {
    const event = this.event();
    if (event === null) {
      return;
    }
    await this.run(explain, async () => {
      const registration = await firstValueFrom(
        this.api.register(
          event.id,
          answers,
          this.idempotencyKey,
          this.invite,
          ticketTypeId,
          accessCode,
        ),
      );
      this.state.update((s) => ({
        ...s,
        registration,
        notice:
          registration.status === 'confirmed'
            ? t('detail.registeredNotice')
            : registration.status === 'pending'
              ? t('detail.pendingNotice')
              : t('detail.waitlistedNotice', { position: registration.waitlistPosition ?? '?' }),
      }));
    });
  }

  async cancelRegistration(): Promise<void> {
    const registration = this.registration();
    if (registration === null) {
      return;
    }
    await this.run(describeHttpError, async () => {
      await firstValueFrom(this.api.cancelRegistration(registration.id));
      this.idempotencyKey = newIdempotencyKey();
      this.state.update((s) => ({
        ...s,
        registration: null,
        notice: t('detail.cancelledNotice'),
      }));
    });
  }

  private watch(eventId: string): void {
    this.live?.unsubscribe();
    this.live = this.realtime
      .watchEvent(eventId)
      .pipe(takeUntilDestroyed(this.destroyRef))
      .subscribe((frame) => {
        if (frame.type === 'availability') {
          this.state.update((s) =>
            s.event
              ? {
                  ...s,
                  event: {
                    ...s.event,
                    availability: mergeAvailability(s.event.availability, frame.availability),
                  },
                }
              : s,
          );
        } else if (frame.type === 'event') {
          this.load(eventId, this.invite, this.signedIn);
        }
      });
  }

  private async run(explain: (error: unknown) => string, action: () => Promise<void>) {
    this.state.update((s) => ({ ...s, busy: true, actionError: null, notice: null }));
    try {
      await action();
    } catch (error) {
      this.state.update((s) => ({ ...s, actionError: explain(error) }));
    } finally {
      this.state.update((s) => ({ ...s, busy: false }));
    }
  }
}
