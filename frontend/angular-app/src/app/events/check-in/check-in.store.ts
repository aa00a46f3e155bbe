import { DestroyRef, Injectable, computed, inject, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import type { CheckinRequest, CheckinSearchHit, EventDto } from '@secureevent/contracts';
import { normaliseTicketCode } from '@secureevent/contracts/ticket-code';
import { Subscription, firstValueFrom } from 'rxjs';

import { describeHttpError } from '../../http/problem-details';
import { t } from '../../i18n/i18n';
import { RealtimeClient } from '../../realtime/realtime.client';
import { EventsApi } from '../events.api';
import { CheckInApi } from './check-in.api';
import { CheckInResult, refusedResult, validResult } from './check-in-result';

/** The shortest text that can be a signed ticket token (a short code is read first). */
export const MIN_TICKET_TOKEN_LENGTH = 10;

/** What was typed or scanned, as the API takes it: a short code, a signed token, or neither. */
export function presentedTicket(typed: string): CheckinRequest | null {
  const text = typed.trim();
  const code = normaliseTicketCode(text);
  if (code !== undefined) {
    return { code };
  }
  return text.length >= MIN_TICKET_TOKEN_LENGTH ? { ticketToken: text } : null;
}

interface CheckInState {
  readonly event: EventDto | null;
  readonly loadError: string | null;
  /** Null until loaded; then kept live by the event's `checkins` and `availability` frames. */
  readonly stats: { readonly checkedIn: number; readonly confirmed: number } | null;
  /** The answer to the last scan. */
  readonly result: CheckInResult | null;
  readonly checking: boolean;
  /** The door search's last answer: null before any search. */
  readonly matches: readonly CheckinSearchHit[] | null;
  readonly searching: boolean;
}

/**
 * State of `/events/:id/check-in`: the event, the live count of people checked in, and the
 * result of the last ticket presented at the door.
 */
@Injectable()
export class CheckInStore {
  private readonly api = inject(EventsApi);
  private readonly door = inject(CheckInApi);
  private searchSequence = 0;
  private readonly realtime = inject(RealtimeClient);
  private readonly destroyRef = inject(DestroyRef);

  private readonly state = signal<CheckInState>({
    event: null,
    loadError: null,
    stats: null,
    result: null,
    checking: false,
    matches: null,
    searching: false,
  });
  private live: Subscription | undefined;
  private eventId: string | null = null;
  /** When the count shown was true (the `at` of the last `checkins` frame taken). */
  private countAt = '';

  readonly event = computed(() => this.state().event);
  readonly loadError = computed(() => this.state().loadError);
  readonly stats = computed(() => this.state().stats);
  readonly result = computed(() => this.state().result);
  readonly checking = computed(() => this.state().checking);
  readonly matches = computed(() => this.state().matches);
  readonly searching = computed(() => this.state().searching);

  /** Loads the event and its count, and follows the count live. */
  load(id: string): void {
    this.eventId = id;
    this.countAt = '';
    this.state.set({
      event: null,
      loadError: null,
      stats: null,
      result: null,
      checking: false,
      matches: null,
      searching: false,
    });
    const failed = (error: unknown) =>
      this.state.update((s) => ({ ...s, loadError: describeHttpError(error) }));
    this.api
      .getEvent(id)
      .pipe(takeUntilDestroyed(this.destroyRef))
      .subscribe({ next: (event) => this.state.update((s) => ({ ...s, event })), error: failed });
    this.api
      .checkinStats(id)
      .pipe(takeUntilDestroyed(this.destroyRef))
      .subscribe({ next: (stats) => this.state.update((s) => ({ ...s, stats })), error: failed });
    // The page is reused when only :id changes: leave the previous event's room first, or its
    // check-in counts would overwrite this event's.
    this.live?.unsubscribe();
    this.live = this.realtime
      .watchEvent(id)
      .pipe(takeUntilDestroyed(this.destroyRef))
      .subscribe((frame) => {
        if (frame.type === 'checkins') {
          // Frames of two doors may cross on the way: an older count never replaces a newer one.
          if (frame.at < this.countAt) {
            return;
          }
          this.countAt = frame.at;
          this.updateStats((stats) => ({ ...stats, checkedIn: frame.checkedIn }));
          if (frame.registrationId !== undefined && frame.change !== undefined) {
            this.followOtherDoor(frame.registrationId, frame.change, frame.at);
          }
        } else if (frame.type === 'availability') {
          this.updateStats((stats) => ({ ...stats, confirmed: frame.availability.confirmed }));
        }
      });
  }

  /**
   * Checks a ticket in by its short code or its QR's token; the result says valid (whose ticket),
   * already checked in (when, by whom) or why not.
   */
  async checkIn(typed: string): Promise<void> {
    const presented = presentedTicket(typed);
    const id = this.eventId;
    if (id === null) {
      return;
    }
    if (presented === null) {
      this.state.update((s) => ({
        ...s,
        result: { kind: 'invalid', reason: t('checkIn.notACode') },
      }));
      return;
    }
    this.state.update((s) => ({ ...s, checking: true }));
    try {
      const checkin = await firstValueFrom(this.api.checkIn(id, presented));
      this.state.update((s) => ({ ...s, result: validResult(checkin) }));
      this.updateStats((stats) => ({ ...stats, checkedIn: checkin.checkedIn }));
    } catch (error) {
      this.state.update((s) => ({ ...s, result: refusedResult(error) }));
    } finally {
      this.state.update((s) => ({ ...s, checking: false }));
    }
  }

  /** Undoes the check-in just made (a wrong tap); the server allows it for 10 minutes. */
  async undoLast(): Promise<void> {
    const id = this.eventId;
    const result = this.state().result;
    if (id === null || result?.kind !== 'valid') {
      return;
    }
    this.state.update((s) => ({ ...s, checking: true }));
    try {
      const stats = await firstValueFrom(this.door.undo(id, result.registrationId));
      this.state.update((s) => ({
        ...s,
        stats,
        result: { kind: 'undone', attendee: result.attendee },
        matches:
          s.matches?.map((m) =>
            m.registrationId === result.registrationId ? { ...m, checkedInAt: null } : m,
          ) ?? null,
      }));
    } catch (error) {
      this.state.update((s) => ({ ...s, result: refusedResult(error) }));
    } finally {
      this.state.update((s) => ({ ...s, checking: false }));
    }
  }

  /** Finds attendees by the start of a name, email or code; only the latest search's answer is kept. */
  async search(q: string): Promise<void> {
    const id = this.eventId;
    const text = q.trim();
    const mine = ++this.searchSequence;
    if (id === null || text.length === 0) {
      this.state.update((s) => ({ ...s, matches: null, searching: false }));
      return;
    }
    this.state.update((s) => ({ ...s, searching: true }));
    try {
      const { items } = await firstValueFrom(this.door.search(id, text));
      if (mine === this.searchSequence) {
        this.state.update((s) => ({ ...s, matches: items }));
      }
    } catch (error) {
      if (mine === this.searchSequence) {
        this.state.update((s) => ({ ...s, matches: [], loadError: describeHttpError(error) }));
      }
    } finally {
      if (mine === this.searchSequence) {
        this.state.update((s) => ({ ...s, searching: false }));
      }
    }
  }

  /** Checks a found attendee in with one tap (by their code), then marks them in the list. */
  async checkInMatch(match: CheckinSearchHit): Promise<void> {
    await this.checkIn(match.ticketCode);
    const result = this.state().result;
    if (result?.kind === 'valid' || result?.kind === 'already') {
      const at = result.checkedInAt;
      this.state.update((s) => ({
        ...s,
        matches:
          s.matches?.map((m) =>
            m.registrationId === match.registrationId && m.checkedInAt === null
              ? { ...m, checkedInAt: at }
              : m,
          ) ?? null,
      }));
    }
  }

  /**
   * A check-in or an undo at another door (or this one, heard back): the search list shows the
   * ticket in or out, and a valid result here for a ticket undone elsewhere says it is undone.
   */
  private followOtherDoor(registrationId: string, change: 'recorded' | 'undone', at: string): void {
    this.state.update((s) => ({
      ...s,
      matches:
        s.matches?.map((m) => {
          if (m.registrationId !== registrationId) return m;
          if (change === 'undone') return { ...m, checkedInAt: null, checkedInByName: null };
          return m.checkedInAt === null ? { ...m, checkedInAt: at } : m;
        }) ?? null,
      result:
        change === 'undone' &&
        s.result?.kind === 'valid' &&
        s.result.registrationId === registrationId
          ? { kind: 'undone', attendee: s.result.attendee }
          : s.result,
    }));
  }

  private updateStats(
    change: (stats: NonNullable<CheckInState['stats']>) => CheckInState['stats'],
  ): void {
    this.state.update((s) => (s.stats ? { ...s, stats: change(s.stats) } : s));
  }
}
