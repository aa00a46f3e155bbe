import { randomInt } from 'node:crypto';
import { AppError, ErrorCode } from '@secureevent/shared';

/**
 * Access codes' rules, as pure functions: whether a code opens a ticket type now, and how many of a
 * batch's registrations a code still admits. A code opens the event's types it names until
 * `validUntil`, at most `maxUses` times (null: no limit); a deleted code opens nothing. Uses are
 * counted when a registration is made with the code (whatever its status), in the seat claim's
 * transaction; cancelling does not give a use back (a code for ten speakers lets ten register).
 */

/** A code as the rules see it. */
export interface AccessCodeState {
  id: string;
  ticketTypeIds: readonly string[];
  maxUses: number | null;
  uses: number;
  validUntil: Date | null;
  deleted: boolean;
}

/** The field every refusal of a code names. */
const codeField = (message: string) => ({ errors: [{ field: 'body.accessCode', message }] });

/**
 * The types `code` opens at `now`, or a refusal: unknown or deleted (FORBIDDEN "not valid"),
 * expired (FORBIDDEN "expired"), used up (CONFLICT: it was real, its seats are taken). The same
 * message for unknown and deleted codes, so guessing learns nothing from it.
 */
export function typesOpenedBy(code: AccessCodeState | undefined, now = new Date()): ReadonlySet<string> {
  if (!code || code.deleted)
    throw new AppError(ErrorCode.FORBIDDEN, 'That access code is not valid for this event.', codeField('not valid'));
  if (code.validUntil && now >= code.validUntil)
    throw new AppError(ErrorCode.FORBIDDEN, 'That access code has expired.', codeField('expired'));
  if (code.maxUses !== null && code.uses >= code.maxUses) throw usedUp();
  return new Set(code.ticketTypeIds);
}

/** A code with no use left (found so when screened, or by the seat claim under the lock). */
export const usedUp = () => new AppError(ErrorCode.CONFLICT, 'That access code has been used up.', codeField('used up'));

/**
 * Which of a batch's registrations (in arrival order, each naming the code it came with or none)
 * the codes still admit, counted on the locked rows: the i-th use of a code is admitted while
 * `uses + i < maxUses` and the code is still valid at `now` (it may have expired or been deleted
 * since the request was screened). Returns per registration whether it may go on, and each code's
 * added uses. Never admits past `maxUses`, which the table's CHECK enforces as well.
 */
export function allotCodeUses(
  codes: readonly AccessCodeState[],
  requested: readonly (string | undefined)[],
  now = new Date(),
): { admitted: boolean[]; added: Map<string, number> } {
  const byId = new Map(codes.map((c) => [c.id, c]));
  const added = new Map<string, number>();
  const admitted = requested.map((codeId) => {
    if (codeId === undefined) return true;
    const code = byId.get(codeId);
    if (!code || code.deleted || (code.validUntil && now >= code.validUntil)) return false;
    const used = code.uses + (added.get(codeId) ?? 0);
    if (code.maxUses !== null && used >= code.maxUses) return false;
    added.set(codeId, (added.get(codeId) ?? 0) + 1);
    return true;
  });
  return { admitted, added };
}

/** Letters and digits that cannot be mistaken for one another when read out (no 0/O, 1/I/L). */
const ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';

/** A new code: 12 characters in groups of four (`ABCD-EFGH-JKMN`), about 59 bits from the CSPRNG. */
export function generateAccessCode(pick: (n: number) => number = randomInt): string {
  const chars = Array.from({ length: 12 }, () => ALPHABET[pick(ALPHABET.length)]!);
  return [chars.slice(0, 4), chars.slice(4, 8), chars.slice(8)].map((g) => g.join('')).join('-');
}

/** A code's ticket types must be the event's own. Throws VALIDATION_FAILED naming the first stranger. */
export function assertTypesOfEvent(ticketTypeIds: readonly string[], eventTypeIds: readonly string[]): void {
  const known = new Set(eventTypeIds);
  const i = ticketTypeIds.findIndex((id) => !known.has(id));
  if (i >= 0) {
    throw new AppError(ErrorCode.VALIDATION_FAILED, 'An access code can open only this event’s ticket types.', {
      errors: [{ field: `body.ticketTypeIds.${i}`, message: 'not a ticket type of this event' }],
    });
  }
}
