import { describe, expect, it } from 'vitest';
import { createEventRequestSchema, listEventsQuerySchema, registerRequestBodySchema } from './events.js';
import { emailSchema, instant, opaque, personName, secret, singleLine, text, utf8Length } from './text.js';
import { registerRequestSchema } from './users.js';

describe('the string rule', () => {
  it.each([
    ['NUL', 'a\u0000b'],
    ['a lone high surrogate', 'a\ud800b'],
    ['a lone low surrogate', '\udc00'],
    ['a reversed pair', '\udc00\ud800'],
  ])('when text contains %s, then every builder refuses it', (_, value) => {
    for (const schema of [text({ max: 100 }), singleLine({ max: 100 }), personName(), secret({ max: 100 })]) {
      expect(schema.safeParse(value).success).toBe(false);
    }
  });

  it('when text holds a surrogate pair (an emoji), then it is accepted', () => {
    expect(text({ max: 10 }).parse('a😀b')).toBe('a😀b');
  });

  it('when text is in decomposed form, then it comes out NFC-normalised', () => {
    const decomposed = 'Jose\u0301';
    expect(personName().parse(decomposed)).toBe('José');
    expect(personName().parse(decomposed)).toHaveLength(4);
  });

  it('when text is longer than max characters after normalising, then it is refused; at max it passes', () => {
    expect(text({ max: 5 }).safeParse('abcdef').success).toBe(false);
    expect(text({ max: 5 }).parse('abcde')).toBe('abcde');
    // Five decomposed characters are ten code units before NFC and five after.
    expect(text({ max: 5 }).parse('e\u0301'.repeat(5))).toBe('é'.repeat(5));
  });

  it('when text is within max characters but over maxBytes in UTF-8, then it is refused', () => {
    expect(utf8Length('€€')).toBe(6);
    expect(utf8Length('😀')).toBe(4);
    expect(text({ max: 10, maxBytes: 5 }).safeParse('€€').success).toBe(false);
    expect(text({ max: 10, maxBytes: 6 }).safeParse('€€').success).toBe(true);
    // Characters are code points: three emoji are three characters, and 12 bytes (the default 3 × max).
    expect(text({ max: 4 }).safeParse('😀😀😀').success).toBe(true);
    expect(text({ max: 4 }).safeParse('😀😀😀😀').success).toBe(false);
  });

  it('when a huge string arrives, then it is refused without being normalised', () => {
    const result = text({ max: 10 }).safeParse('x'.repeat(1_000_000));
    expect(result.success).toBe(false);
    expect(result.error?.issues).toHaveLength(1);
  });

  it('when a single line holds a line break, a tab or a C1 control, then it is refused; text keeps them', () => {
    for (const v of ['a\nb', 'a\tb', 'a\u0085b', 'a\u2028b', 'a\u007fb']) {
      expect(singleLine({ max: 10 }).safeParse(v).success).toBe(false);
    }
    expect(text({ max: 10 }).parse('a\nb\tc')).toBe('a\nb\tc');
  });

  it('when a single line is blank or padded, then it is trimmed before the minimum applies', () => {
    expect(personName().safeParse('   ').success).toBe(false);
    expect(personName().parse('  Ada  ')).toBe('Ada');
  });

  it('when a secret is padded or decomposed, then it is kept exactly as typed', () => {
    expect(secret({ max: 50 }).parse(' pa\u0301ss ')).toBe(' pa\u0301ss ');
  });

  it('when an email is padded and upper-case, then it is trimmed and lower-cased; a NUL in it is refused', () => {
    expect(emailSchema.parse('  Ada@Example.COM ')).toBe('ada@example.com');
    expect(emailSchema.safeParse('ada\u0000@example.com').success).toBe(false);
    expect(emailSchema.safeParse('not an email').success).toBe(false);
  });

  it('when an opaque token holds anything but printable ASCII, then it is refused', () => {
    expect(opaque({ max: 50 }).safeParse('abc_DEF-123.x').success).toBe(true);
    for (const v of ['a b', 'a\u0000b', 'é', 'a\nb']) expect(opaque({ max: 50 }).safeParse(v).success).toBe(false);
  });
});

describe('instants', () => {
  it.each(['0000-01-01T00:00:00Z', '1899-12-31T23:59:59Z', '1900-01-01T00:30:00+01:00', '9999-12-31T23:00:00-05:00'])(
    'when an instant is %s (outside 1900–9999 in UTC), then it is refused',
    (v) => {
      expect(instant().safeParse(v).success).toBe(false);
    },
  );

  it.each(['1900-01-01T00:00:00Z', '2026-12-02T18:00:00.123+05:30', '9999-12-31T23:59:59Z'])(
    'when an instant is %s, then it is accepted',
    (v) => {
      expect(instant().parse(v)).toBe(v);
    },
  );
});

describe('request schemas use the rule', () => {
  it('when a sign-up display name holds NUL, then the request is invalid', () => {
    const r = registerRequestSchema.safeParse({ email: 'a@example.com', password: 'a long password here', displayName: 'a\u0000b' });
    expect(r.success).toBe(false);
  });

  it('when an event title, venue, tag, question label or option holds NUL or a lone surrogate, then the event is invalid', () => {
    const base = {
      title: 'A good title',
      startsAt: '2030-01-01T10:00:00Z',
      endsAt: '2030-01-01T11:00:00Z',
      timeZone: 'UTC',
      venue: 'Room 1',
      capacity: 10,
    };
    expect(createEventRequestSchema.safeParse(base).success).toBe(true);
    const question = { id: 'q1', label: 'Diet', type: 'choice', options: ['none', 'vegan'] };
    for (const bad of ['x\u0000y', 'x\ud800y']) {
      for (const patch of [
        { title: `Title ${bad}` },
        { description: bad },
        { venue: bad },
        { tags: [bad] },
        { timeZone: bad },
        { onlineUrl: `https://example.com/${bad}` },
        { questions: [{ ...question, label: bad }] },
        { questions: [{ ...question, options: ['none', bad] }] },
      ]) {
        expect(createEventRequestSchema.safeParse({ ...base, ...patch }).success, JSON.stringify(patch)).toBe(false);
      }
    }
  });

  it('when a registration answer or its key holds NUL or a lone surrogate, then the request is invalid', () => {
    for (const answers of [{ q1: 'x\u0000y' }, { q1: '\ud800' }, { 'q\u00001': 'x' }]) {
      expect(registerRequestBodySchema.safeParse({ answers }).success).toBe(false);
    }
  });

  it('when the event search has NUL in q or tag, or a year-0 date, then the query is invalid', () => {
    for (const query of [{ q: '\u0000' }, { tag: '\u0000' }, { from: '0000-01-01T00:00:00Z' }, { cursor: 'a\u0000' }]) {
      expect(listEventsQuerySchema.safeParse(query).success, JSON.stringify(query)).toBe(false);
    }
  });
});
