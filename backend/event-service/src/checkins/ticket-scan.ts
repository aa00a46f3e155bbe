import { AppError, ErrorCode } from '@secureevent/shared';
import type { ScannedRegistration, TicketHolder } from './checkins.repository.js';

/**
 * Why a genuine ticket of the event was not checked in: scanned before (ALREADY_CHECKED_IN, with
 * when and by whom, and whose ticket it is), or its registration is no longer confirmed
 * (INVALID_TICKET). A ticket is valid exactly once, and only while its registration is confirmed.
 */
export function refusal(current: ScannedRegistration | undefined, holder?: TicketHolder): AppError {
  if (current?.checkedInAt && current.status === 'confirmed') {
    const at = current.checkedInAt.toISOString();
    return new AppError(ErrorCode.ALREADY_CHECKED_IN, `This ticket was already checked in at ${at}.`, {
      checkedInAt: at,
      checkedInBy: current.checkedInBy,
      checkedInByName: current.checkedInByName,
      ...(holder ? { attendee: holder } : {}),
    });
  }
  return new AppError(ErrorCode.INVALID_TICKET, 'This ticket is no longer valid (the registration was cancelled).');
}

/** A ticket that is not one of this event's: a forged or foreign token, or an unknown code. */
export function notATicket(): AppError {
  return new AppError(ErrorCode.INVALID_TICKET, 'This is not a valid ticket for this event.');
}

/** How long a check-in can be undone (a tap on the wrong row, the wrong person let in). */
export const UNDO_WINDOW_MS = 10 * 60 * 1000;

/**
 * Whether a check-in made at `checkedInAt` may be undone at `now`: only within the window, so the
 * door cannot rewrite who came in after the fact.
 */
export function undoRefusal(checkedInAt: Date | null, now: Date): AppError | undefined {
  if (!checkedInAt) return new AppError(ErrorCode.INVALID_STATE_TRANSITION, 'This ticket is not checked in.');
  if (now.getTime() - checkedInAt.getTime() > UNDO_WINDOW_MS) {
    return new AppError(ErrorCode.INVALID_STATE_TRANSITION, 'A check-in can be undone only within 10 minutes.', {
      checkedInAt: checkedInAt.toISOString(),
    });
  }
  return undefined;
}
