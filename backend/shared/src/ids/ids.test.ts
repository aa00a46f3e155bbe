import { describe, expect, it } from 'vitest';
import { idPattern, newId } from './ids.js';

describe('newId', () => {
  it('when an id is made for a prefix, then it matches idPattern for that prefix and not for another', () => {
    const prefix = 'evt';

    const id = newId(prefix);

    expect(id).toMatch(idPattern(prefix));
    expect(id.startsWith(`${prefix}_`)).toBe(true);
    expect(id).not.toMatch(idPattern('usr'));
  });

  it('when ids are made for several prefixes, then each carries its own prefix and 25 base36 characters', () => {
    const prefixes = ['usr', 'evt', 'reg', 'ntf', 'aud'];

    const ids = prefixes.map((p) => newId(p));

    ids.forEach((id, i) => {
      const [prefix, body] = id.split('_');
      expect(prefix).toBe(prefixes[i]);
      expect(body).toHaveLength(25);
      expect(body).toMatch(/^[0-9a-z]+$/);
    });
  });

  it('when many ids are drawn, then none repeats', () => {
    const draws = 20_000;

    const ids = Array.from({ length: draws }, () => newId('reg'));

    expect(new Set(ids).size).toBe(draws);
  });

  it('when many ids are drawn, then every base36 character appears (the random part is not stuck on a subset)', () => {
    const ids = Array.from({ length: 2_000 }, () => newId('ntf'));

    const seen = new Set(ids.flatMap((id) => [...id.slice('ntf_'.length)]));

    expect([...seen].sort().join('')).toBe('0123456789abcdefghijklmnopqrstuvwxyz');
  });
});

describe('idPattern', () => {
  it.each([
    ['a different prefix', 'usr_0123456789abcdefghijklmno'],
    ['24 characters', 'evt_0123456789abcdefghijklmn'],
    ['26 characters', 'evt_0123456789abcdefghijklmnop'],
    ['upper-case characters', 'evt_0123456789ABCDEFGHIJKLMNO'],
    ['trailing text', 'evt_0123456789abcdefghijklmno/../x'],
    ['leading text', 'x-evt_0123456789abcdefghijklmno'],
  ])('when a string has %s, then idPattern("evt") rejects it', (_label, candidate) => {
    expect(idPattern('evt').test(candidate)).toBe(false);
  });
});
