import { AppError, ErrorCode } from '@secureevent/shared';
import type { ScannedRegistration } from './checkins.repository.js';

/**
 * Why a genuine ticket of the event was not checked in: scanned before (ALREADY_CHECKED_IN, with
 * when and by whom), or its registration is no longer confirmed (INVALID_TICKET). A ticket is
 * valid exactly once, and only while its registration is confirmed.
 */
export function refusal(current: ScannedRegistration | undefined): AppError {
  if (current?.checkedInAt && current.status === 'confirmed') {
    const at = current.checkedInAt.toISOString();
    return new AppError(ErrorCode.ALREADY_CHECKED_IN, `This ticket was already checked in at ${at}.`, {
      checkedInAt: at,
      checkedInBy: current.checkedInBy,
      checkedInByName: current.checkedInByName,
    });
  }
  return new AppError(ErrorCode.INVALID_TICKET, 'This ticket is no longer valid (the registration was cancelled).');
}
