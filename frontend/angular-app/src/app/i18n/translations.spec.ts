import de from './de.json';
import en from './en.json';
import fr from './fr.json';
import { LANGUAGES, Lang, pickLanguage } from './languages';

type Tree = { [key: string]: string | Tree };

const TRANSLATIONS: Record<Lang, Tree> = { en, de, fr };
const PLURAL_CATEGORIES = new Set(['zero', 'one', 'two', 'few', 'many', 'other']);

/** An object whose keys are all plural categories is one counted message, not a group of keys. */
function isPlural(node: Tree): boolean {
  const keys = Object.keys(node);
  return keys.length > 0 && keys.every((key) => PLURAL_CATEGORIES.has(key)) && 'other' in node;
}

/** Every message's key (plural messages once, as their parent key). */
function messages(tree: Tree, prefix = ''): Map<string, string | Tree> {
  const out = new Map<string, string | Tree>();
  for (const [key, value] of Object.entries(tree)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (typeof value === 'string' || isPlural(value)) {
      out.set(path, value);
    } else {
      for (const [inner, text] of messages(value, path)) {
        out.set(inner, text);
      }
    }
  }
  return out;
}

function placeholders(text: string): string[] {
  return [...text.matchAll(/{{\s*(\w+)\s*}}/g)].map((match) => match[1]).sort();
}

function texts(value: string | Tree): string[] {
  return typeof value === 'string' ? [value] : Object.values(value).flatMap(texts);
}

describe('translations', () => {
  const english = messages(en);

  for (const { code } of LANGUAGES.filter((language) => language.code !== 'en')) {
    describe(code, () => {
      const translated = messages(TRANSLATIONS[code]);

      it('has every key of the English messages', () => {
        const missing = [...english.keys()].filter((key) => !translated.has(key));
        expect(missing).toEqual([]);
      });

      it('has no key that English lacks (a typo or a leftover)', () => {
        const extra = [...translated.keys()].filter((key) => !english.has(key));
        expect(extra).toEqual([]);
      });

      it('uses the same placeholders as English in every message', () => {
        const different: string[] = [];
        for (const [key, value] of english) {
          const wanted = JSON.stringify(placeholders(texts(value).join(' ')).filter(unique));
          const theirs = translated.get(key);
          if (theirs === undefined) continue;
          for (const text of texts(theirs)) {
            const got = JSON.stringify(placeholders(text).filter(unique));
            const countOnly = typeof value !== 'string';
            // A plural's forms may leave the count out ("Noch ein Platz frei"), nothing else.
            const ok = countOnly
              ? placeholders(text).every((name) =>
                  placeholders(texts(value).join(' ')).includes(name),
                )
              : got === wanted;
            if (!ok) different.push(`${key}: ${text}`);
          }
        }
        expect(different).toEqual([]);
      });
    });
  }

  for (const { code } of LANGUAGES) {
    it(`${code}: every counted message has exactly the plural forms the language uses`, () => {
      const categories = new Intl.PluralRules(code).resolvedOptions().pluralCategories.sort();
      const wrong = [...messages(TRANSLATIONS[code])]
        .filter(([, value]) => typeof value !== 'string')
        .filter(
          ([, value]) => JSON.stringify(Object.keys(value).sort()) !== JSON.stringify(categories),
        )
        .map(([key, value]) => `${key}: ${Object.keys(value).join(', ')}`);
      expect(wrong).toEqual([]);
    });

    it(`${code}: no message is empty`, () => {
      const empty = [...messages(TRANSLATIONS[code])]
        .filter(([, value]) => texts(value).some((text) => text.trim() === ''))
        .map(([key]) => key);
      expect(empty).toEqual([]);
    });
  }

  it('a missing key is caught: a language without one of the English keys fails the check', () => {
    const withoutOne = structuredClone(de) as Tree;
    delete (withoutOne['app'] as Tree)['signOut'];
    const missing = [...english.keys()].filter((key) => !messages(withoutOne).has(key));
    expect(missing).toEqual(['app.signOut']);
  });
});

function unique(value: string, index: number, all: string[]): boolean {
  return all.indexOf(value) === index;
}

describe('pickLanguage', () => {
  it('prefers the language chosen before', () => {
    expect(pickLanguage('fr', ['de-DE', 'en'])).toBe('fr');
  });

  it('otherwise takes the first browser language it has, by its primary subtag', () => {
    expect(pickLanguage(null, ['es-ES', 'de-AT', 'fr'])).toBe('de');
  });

  it('ignores a stored value that is no language of the app, and falls back to English', () => {
    expect(pickLanguage('xx', ['pt-BR'])).toBe('en');
  });
});
