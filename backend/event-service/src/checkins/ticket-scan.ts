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
