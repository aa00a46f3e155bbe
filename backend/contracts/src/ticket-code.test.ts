import { describe, expect, it } from 'vitest';
import { TICKET_CODE_ALPHABET, formatTicketCode, normaliseTicketCode } from './ticket-code.js';

describe('ticket codes', () => {
  it('when a code is typed in lower case with dashes or spaces, then it reads as the printed code', () => {
    expect(normaliseTicketCode('7k3m-9qxd')).toBe('7K3M9QXD');
    expect(normaliseTicketCode(' 7K3M 9QXD ')).toBe('7K3M9QXD');
    expect(normaliseTicketCode('7-K-3-M-9-Q-X-D')).toBe('7K3M9QXD');
  });

  it('when a confusable letter is typed, then I and L read as 1 and O as 0', () => {
    expect(normaliseTicketCode('IL0O-abcd')).toBe('1100ABCD');
    expect(normaliseTicketCode('iloo1234')).toBe('11001234');
  });

  it('when a code has U, a symbol, or the wrong length, then it is no code', () => {
    expect(normaliseTicketCode('UUUUUUUU')).toBeUndefined();
    expect(normaliseTicketCode('7K3M9QX')).toBeUndefined();
    expect(normaliseTicketCode('7K3M9QXDA')).toBeUndefined();
    expect(normaliseTicketCode('7K3M_9QX')).toBeUndefined();
    expect(normaliseTicketCode('')).toBeUndefined();
  });

  it('when every character of the alphabet is typed, then each is kept as it is', () => {
    for (let i = 0; i < TICKET_CODE_ALPHABET.length; i += 8) {
      const chunk = TICKET_CODE_ALPHABET.slice(i, i + 8);
      expect(normaliseTicketCode(chunk.toLowerCase())).toBe(chunk);
    }
  });

  it('when a code is printed, then it shows as two groups of four that read back to the same code', () => {
    expect(formatTicketCode('7K3M9QXD')).toBe('7K3M-9QXD');
    expect(normaliseTicketCode(formatTicketCode('7K3M9QXD'))).toBe('7K3M9QXD');
  });
});
