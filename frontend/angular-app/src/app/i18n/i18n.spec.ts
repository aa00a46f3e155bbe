import { TestBed } from '@angular/core/testing';
import { provideTranslocoLoader } from '@jsverse/transloco';

import { I18n, t, tPlural } from './i18n';
import { LANG_STORAGE_KEY } from './languages';
import { BundledTranslationLoader } from './translation-loader';

describe('I18n', () => {
  let i18n: I18n;

  beforeEach(() => {
    localStorage.clear();
    TestBed.configureTestingModule({
      providers: [provideTranslocoLoader(BundledTranslationLoader)],
    });
    i18n = TestBed.inject(I18n);
  });

  afterEach(async () => {
    await i18n.use('en');
    localStorage.clear();
  });

  it('when German is chosen, then texts, <html lang>, the stored choice and the cookie follow', async () => {
    await i18n.use('de');

    expect(t('app.signOut')).toBe('Abmelden');
    expect(i18n.lang()).toBe('de');
    expect(document.documentElement.lang).toBe('de');
    expect(localStorage.getItem(LANG_STORAGE_KEY)).toBe('de');
    expect(document.cookie).toContain('se_lang=de');
  });

  it('when the app starts with a stored choice, then that language is loaded before anything shows', async () => {
    localStorage.setItem(LANG_STORAGE_KEY, 'fr');

    await i18n.init();

    expect(i18n.lang()).toBe('fr');
    expect(t('app.signIn')).toBe('Se connecter');
  });

  it('counts by each language’s plural rules, with the number formatted for the locale', async () => {
    expect(tPlural('seats.left', 1)).toBe('1 seat left');
    expect(tPlural('seats.left', 1200)).toBe('1,200 seats left');

    await i18n.use('de');
    expect(tPlural('seats.left', 1)).toBe('Noch 1 Platz frei');
    expect(tPlural('seats.left', 1200)).toBe('Noch 1.200 Plätze frei');

    await i18n.use('fr');
    expect(tPlural('seats.left', 0)).toBe('0 place restante'); // French counts 0 as singular
    expect(tPlural('seats.left', 2)).toBe('2 places restantes');
    expect(tPlural('seats.left', 1_000_000)).toBe('1\u202f000\u202f000 de places restantes');
  });

  it('formats dates in the active language', async () => {
    const iso = '2030-03-10T08:05:00Z';
    const options: Intl.DateTimeFormatOptions = { dateStyle: 'long', timeZone: 'UTC' };
    expect(i18n.dateTime(iso, options)).toBe('March 10, 2030');
    await i18n.use('de');
    expect(i18n.dateTime(iso, options)).toBe('10. März 2030');
    await i18n.use('fr');
    expect(i18n.dateTime(iso, options)).toBe('10 mars 2030');
  });
});
