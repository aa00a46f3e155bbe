// No zod here: the web app imports this file on its own (path-mapped, like event-access).

/** Crockford's base32: digits and capitals without I, L, O and U (never misread, never a word). */
export const TICKET_CODE_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
export const TICKET_CODE_LENGTH = 8;

/**
 * A ticket code as typed at the door, in its canonical form, or undefined when it cannot be one.
 * Case does not matter, dashes and spaces are ignored, and the letters people confuse with digits
 * are read as those digits (I and L as 1, O as 0); U is not in the alphabet.
 */
export function normaliseTicketCode(typed: string): string | undefined {
  const code = typed.toUpperCase().replace(/[\s-]/g, '').replace(/[IL]/g, '1').replace(/O/g, '0');
  if (code.length !== TICKET_CODE_LENGTH) return undefined;
  for (const c of code) if (!TICKET_CODE_ALPHABET.includes(c)) return undefined;
  return code;
}

/** The code as printed: two groups of four (`7K3M-9QXD`), easier to read aloud and to type. */
export function formatTicketCode(code: string): string {
  return code.length === TICKET_CODE_LENGTH ? `${code.slice(0, 4)}-${code.slice(4)}` : code;
}
