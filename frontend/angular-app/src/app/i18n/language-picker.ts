import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { TranslocoPipe } from '@jsverse/transloco';

import { I18n } from './i18n';
import { LANGUAGES, isLang } from './languages';

/**
 * The language switch in the toolbar: a native `<select>` (keyboard, screen readers and phones
 * handle it well, and it adds no Material menu to the initial bundle). Each language is named in
 * its own language and marked with `lang`, so a screen reader pronounces "Deutsch" in German.
 */
@Component({
  selector: 'app-language-picker',
  imports: [TranslocoPipe],
  template: `
    <label class="language-picker">
      <span class="visually-hidden">{{ 'app.language' | transloco }}</span>
      <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true">
        <path
          fill="currentColor"
          d="M12.87 15.07l-2.54-2.51.03-.03A17.52 17.52 0 0014.07 6H17V4h-7V2H8v2H1v2h11.17C11.5 7.92 10.44 9.75 9 11.35 8.07 10.32 7.3 9.19 6.69 8h-2c.73 1.63 1.73 3.17 2.98 4.56l-5.09 5.02L4 19l5-5 3.11 3.11.76-2.04zM18.5 10h-2L12 22h2l1.12-3h4.75L21 22h2l-4.5-12zm-2.62 7l1.62-4.33L19.12 17h-3.24z"
        />
      </svg>
      <!-- [selected] on each option, not [value] on the select: the options are rendered after
           the select's own bindings, so a value set there would fall back to the first one. -->
      <select data-testid="language-select" (change)="choose($event)">
        @for (language of languages; track language.code) {
          <option
            [value]="language.code"
            [selected]="language.code === i18n.lang()"
            [attr.lang]="language.code"
          >
            {{ language.name }}
          </option>
        }
      </select>
    </label>
  `,
  styles: `
    .language-picker {
      display: inline-flex;
      align-items: center;
      gap: 4px;
      margin-inline-end: 8px;
    }
    select {
      font: inherit;
      font-size: 0.875rem;
      color: inherit;
      background: transparent;
      border: 1px solid var(--mat-sys-outline-variant);
      border-radius: 4px;
      padding: 6px 4px;
      min-height: 32px;
    }
    option {
      color: var(--mat-sys-on-surface);
      background: var(--mat-sys-surface);
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class LanguagePicker {
  protected readonly i18n = inject(I18n);
  protected readonly languages = LANGUAGES;

  protected choose(event: Event): void {
    const value = (event.target as HTMLSelectElement).value;
    if (isLang(value)) {
      void this.i18n.use(value);
    }
  }
}
