import { describe, expect, it } from 'vitest';
import type { AppError } from '@secureevent/shared';
import { allotCodeUses, assertTypesOfEvent, generateAccessCode, typesOpenedBy, type AccessCodeState } from './access-code.js';

const now = new Date('2026-06-01T12:00:00Z');
const code = (over: Partial<AccessCodeState> = {}): AccessCodeState => ({
  id: 'acc_a',
  ticketTypeIds: ['tkt_s'],
  maxUses: null,
  uses: 0,
  validUntil: null,
  deleted: false,
  ...over,
});
const refusal = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    const e = err as AppError;
    return `${e.code} ${e.detail ?? e.message}`;
  }
  return 'no error';
};

describe('what an access code opens', () => {
  it('when the code is valid, then it opens the types it names', () => {
    expect([...typesOpenedBy(code({ ticketTypeIds: ['tkt_s', 'tkt_t'] }), now)]).toEqual(['tkt_s', 'tkt_t']);
  });

  it('when the code is unknown or deleted, then FORBIDDEN with the same words', () => {
    expect(refusal(() => typesOpenedBy(undefined, now))).toBe(refusal(() => typesOpenedBy(code({ deleted: true }), now)));
    expect(refusal(() => typesOpenedBy(undefined, now))).toMatch(/^FORBIDDEN .*not valid/);
  });

  it('when the code expired (validUntil is now or earlier), then FORBIDDEN expired; a moment before, it opens', () => {
    expect(refusal(() => typesOpenedBy(code({ validUntil: now }), now))).toMatch(/^FORBIDDEN .*expired/);
    expect(typesOpenedBy(code({ validUntil: new Date(now.getTime() + 1) }), now).has('tkt_s')).toBe(true);
  });

  it('when every use is taken, then CONFLICT used up; with one left, it opens', () => {
    expect(refusal(() => typesOpenedBy(code({ maxUses: 3, uses: 3 }), now))).toMatch(/^CONFLICT .*used up/);
    expect(typesOpenedBy(code({ maxUses: 3, uses: 2 }), now).size).toBe(1);
  });
});

describe('counting a batch’s uses of codes', () => {
  it('when a batch asks more of a code than it has left, then the first ones in order get in and no more', () => {
    const { admitted, added } = allotCodeUses([code({ maxUses: 5, uses: 3 })], ['acc_a', undefined, 'acc_a', 'acc_a', undefined], now);
    expect(admitted).toEqual([true, true, true, false, true]);
    expect(added.get('acc_a')).toBe(2);
  });

  it('exhaustively over small cases: admitted uses never exceed what is left, and are the earliest requests', () => {
    for (let maxUses = 0; maxUses <= 4; maxUses += 1) {
      for (let uses = 0; uses <= maxUses; uses += 1) {
        for (let n = 0; n <= 6; n += 1) {
          const { admitted, added } = allotCodeUses(
            [code({ maxUses, uses })],
            Array.from({ length: n }, () => 'acc_a'),
            now,
          );
          const left = maxUses - uses;
          expect(admitted.filter(Boolean).length).toBe(Math.min(n, left));
          expect(admitted).toEqual(Array.from({ length: n }, (_, i) => i < left));
          expect(uses + (added.get('acc_a') ?? 0)).toBeLessThanOrEqual(maxUses);
        }
      }
    }
  });

  it('when a code expired or was deleted after screening, or is unknown, then none of its uses get in', () => {
    const expired = allotCodeUses([code({ validUntil: now })], ['acc_a'], now);
    const deleted = allotCodeUses([code({ deleted: true })], ['acc_a'], now);
    const unknown = allotCodeUses([], ['acc_a'], now);
    expect([expired.admitted, deleted.admitted, unknown.admitted]).toEqual([[false], [false], [false]]);
    expect(expired.added.size + deleted.added.size + unknown.added.size).toBe(0);
  });

  it('when a code has no limit, then every use gets in', () => {
    expect(allotCodeUses([code({ uses: 1000 })], ['acc_a', 'acc_a'], now).admitted).toEqual([true, true]);
  });
});

describe('generated codes', () => {
  it('when generated, then twelve unambiguous characters in three groups of four', () => {
    const c = generateAccessCode();
    expect(c).toMatch(/^[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}$/);
    expect(generateAccessCode(() => 0)).toBe('2222-2222-2222');
  });
});

describe('a code’s ticket types', () => {
  it('when a type is not the event’s, then VALIDATION_FAILED naming it', () => {
    expect(refusal(() => assertTypesOfEvent(['tkt_a', 'tkt_x'], ['tkt_a']))).toMatch(/^VALIDATION_FAILED/);
    expect(() => assertTypesOfEvent(['tkt_a'], ['tkt_a', 'tkt_b'])).not.toThrow();
  });
});
