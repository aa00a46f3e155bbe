import { TestBed } from '@angular/core/testing';
import { provideTranslocoLoader } from '@jsverse/transloco';

import { I18n } from './i18n';
import { LanguagePicker } from './language-picker';
import { BundledTranslationLoader } from './translation-loader';

describe('LanguagePicker', () => {
  let i18n: I18n;

  beforeEach(() => {
    localStorage.clear();
    TestBed.configureTestingModule({
      imports: [LanguagePicker],
      providers: [provideTranslocoLoader(BundledTranslationLoader)],
    });
    i18n = TestBed.inject(I18n);
  });

  afterEach(async () => {
    await i18n.use('en');
    localStorage.clear();
  });

  it('shows the active language as chosen, and choosing another switches the app to it', async () => {
    await i18n.use('de');
    const fixture = TestBed.createComponent(LanguagePicker);
    await fixture.whenStable();
    const host = fixture.nativeElement as HTMLElement;
    const select = host.querySelector('select')!;
    expect(select.value).toBe('de');
    expect(host.textContent).toContain('Sprache');

    select.value = 'fr';
    select.dispatchEvent(new Event('change'));
    await new Promise((resolve) => setTimeout(resolve, 50));
    await fixture.whenStable();

    expect(i18n.lang()).toBe('fr');
    expect(select.value).toBe('fr');
    expect(host.textContent).toContain('Langue');
  });
});
