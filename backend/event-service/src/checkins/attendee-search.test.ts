import { describe, expect, it } from 'vitest';
import { ACCENTED, PLAIN } from '../db/migrations/0021-attendee-search.js';
import { foldForSearch, likeLiteral, parseAttendeeQuery } from './attendee-search.js';

describe('door search', () => {
  it('when a name has accents, ligatures or capitals, then it folds to plain lower-case letters', () => {
    expect(foldForSearch('Zoë Brontë')).toBe('zoe bronte');
    expect(foldForSearch('Straße Œuvre Ærø')).toBe('strasse oeuvre aero');
    expect(foldForSearch('ŁUKASZ Żółć')).toBe('lukasz zolc');
  });

  it('when the database folds a letter, then the search folds it the same way (each of the migration’s letters)', () => {
    expect(ACCENTED.length).toBe(PLAIN.length);
    for (const [i, c] of [...ACCENTED].entries()) expect(foldForSearch(c), c).toBe(PLAIN[i]);
  });

  it('when every accented letter is decomposed by Unicode, then its base letter is the one the migration maps it to', () => {
    for (const [i, c] of [...ACCENTED].entries()) {
      const base = c.normalize('NFD').replace(/\p{M}/gu, '');
      if (base.length === 1 && /[a-z]/i.test(base)) expect(base.toLowerCase(), c).toBe(PLAIN[i]);
    }
  });

  it('when the query has several words, then each is a folded word; when it can start a code, then the code prefix is canonical', () => {
    expect(parseAttendeeQuery('  Zoë   bro ')).toEqual({ words: ['zoe', 'bro'], codePrefix: null });
    expect(parseAttendeeQuery('7k3m-9')).toEqual({ words: ['7k3m-9'], codePrefix: '7K3M9' });
    expect(parseAttendeeQuery('lo')).toEqual({ words: ['lo'], codePrefix: '10' });
    expect(parseAttendeeQuery('a')).toEqual({ words: ['a'], codePrefix: null });
    expect(parseAttendeeQuery('muller')).toEqual({ words: ['muller'], codePrefix: null });
  });

  it('when a query holds LIKE wildcards, then they are taken literally', () => {
    expect(likeLiteral('50%_off\\')).toBe('50\\%\\_off\\\\');
  });
});
