import { HttpErrorResponse } from '@angular/common/http';
import type { CheckinAttendee } from '@secureevent/contracts';

import { describeHttpError, problemOf } from '../../http/problem-details';
import { Checkin } from '../events.api';

/** What the door person is told after a scan. */
export type CheckInResult =
  | {
      readonly kind: 'valid';
      readonly registrationId: string;
      readonly checkedInAt: string;
      readonly attendee: CheckinAttendee | null;
    }
  | { readonly kind: 'undone'; readonly attendee: CheckinAttendee | null }
  | {
      readonly kind: 'already';
      readonly checkedInAt: string | null;
      readonly checkedInBy: string | null;
      /** The scanner's display name, when the API knows it. */
      readonly checkedInByName: string | null;
      /** Whose ticket it is, when the API says. */
      readonly attendee: CheckinAttendee | null;
    }
  | { readonly kind: 'invalid'; readonly reason: string };

export function validResult(checkin: Checkin): CheckInResult {
  return {
    kind: 'valid',
    registrationId: checkin.registrationId,
    checkedInAt: checkin.checkedInAt,
    attendee: checkin.attendee ?? null,
  };
}

function attendeeOf(value: unknown): CheckinAttendee | null {
  if (typeof value !== 'object' || value === null) {
    return null;
  }
  const v = value as Record<string, unknown>;
  const orNull = (x: unknown) => (typeof x === 'string' ? x : null);
  return typeof v['ticketCode'] === 'string'
    ? {
        displayName: orNull(v['displayName']),
        email: orNull(v['email']),
        ticketCode: v['ticketCode'],
        ticketType: orNull(v['ticketType']),
      }
    : null;
}

/** Turns a refused check-in into "already checked in (when, by whom)" or "invalid (why)". */
export function refusedResult(error: unknown): CheckInResult {
  const problem = problemOf(error);
  if (
    error instanceof HttpErrorResponse &&
    error.status === 409 &&
    problem?.code === 'ALREADY_CHECKED_IN'
  ) {
    const at = problem['checkedInAt'];
    const by = problem['checkedInBy'];
    const name = problem['checkedInByName'];
    return {
      kind: 'already',
      checkedInAt: typeof at === 'string' ? at : null,
      checkedInBy: typeof by === 'string' ? by : null,
      checkedInByName: typeof name === 'string' ? name : null,
      attendee: attendeeOf(problem['attendee']),
    };
  }
  return { kind: 'invalid', reason: describeHttpError(error) };
}
