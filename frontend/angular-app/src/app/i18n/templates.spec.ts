import {
  ASTWithSource,
  TmplAstBoundAttribute,
  TmplAstBoundText,
  TmplAstElement,
  TmplAstRecursiveVisitor,
  TmplAstText,
  TmplAstTextAttribute,
  parseTemplate,
  tmplAstVisitAll,
} from '@angular/compiler';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/**
 * No text in a template escapes translation: every component template (files and inline
 * `template:`) is parsed with Angular's own template parser, and any text node, or any
 * attribute people read (aria-label, alt, title, placeholder), that holds words not going through
 * the `transloco` / `tPlural` pipes is reported with its file and line.
 */

/** Attributes that screen readers or browsers show as text. */
const READ_ATTRIBUTES = new Set([
  'aria-label',
  'aria-description',
  'alt',
  'title',
  'placeholder',
  'label',
  'attr.aria-label',
  'attr.aria-description',
  'attr.alt',
  'attr.title',
  'attr.placeholder',
]);

/** Words that stay as they are in every language. */
const ALLOWED_TEXT = new Set([
  'SecureEvent', // the product's name
  'usr_…', // the shape of a user id, as a placeholder
]);

/** Elements whose text is not language: icon ligatures and code. */
const VERBATIM_ELEMENTS = new Set(['mat-icon', 'code']);

const HAS_LETTERS = /\p{L}/u;
const TRANSLATED = /\|\s*(transloco|tPlural)\b/;
/** A quoted literal with words in it, e.g. 'Online' (not '/events' or ', '). */
const WORDY_LITERAL = /'([^']*\p{L}{2,}[^']*)'/u;

interface Finding {
  readonly file: string;
  readonly line: number;
  readonly text: string;
}

class UntranslatedText extends TmplAstRecursiveVisitor {
  readonly findings: Finding[] = [];
  private verbatimDepth = 0;

  constructor(private readonly file: string) {
    super();
  }

  override visitElement(element: TmplAstElement): void {
    const verbatim = VERBATIM_ELEMENTS.has(element.name);
    this.verbatimDepth += verbatim ? 1 : 0;
    super.visitElement(element);
    this.verbatimDepth -= verbatim ? 1 : 0;
  }

  override visitText(text: TmplAstText): void {
    const value = text.value.trim();
    if (this.verbatimDepth === 0 && HAS_LETTERS.test(value) && !ALLOWED_TEXT.has(value)) {
      this.report(text.sourceSpan.start.line, value);
    }
  }

  override visitBoundText(text: TmplAstBoundText): void {
    if (this.verbatimDepth > 0) return;
    const source = (text.value as ASTWithSource).source ?? '';
    // The literal text between the interpolations.
    const between = source.replace(/{{[\s\S]*?}}/g, ' ').trim();
    if (HAS_LETTERS.test(between) && !ALLOWED_TEXT.has(between)) {
      this.report(text.sourceSpan.start.line, between);
    }
    for (const [, expression] of source.matchAll(/{{([\s\S]*?)}}/g)) {
      this.checkExpression(text.sourceSpan.start.line, expression);
    }
  }

  override visitTextAttribute(attribute: TmplAstTextAttribute): void {
    if (
      READ_ATTRIBUTES.has(attribute.name) &&
      HAS_LETTERS.test(attribute.value) &&
      !ALLOWED_TEXT.has(attribute.value)
    ) {
      this.report(attribute.sourceSpan.start.line, `${attribute.name}="${attribute.value}"`);
    }
  }

  override visitBoundAttribute(attribute: TmplAstBoundAttribute): void {
    // `[attr.aria-label]` is the attribute `aria-label`; `[alt]` the property `alt`.
    if (READ_ATTRIBUTES.has(attribute.name)) {
      this.checkExpression(
        attribute.sourceSpan.start.line,
        (attribute.value as ASTWithSource).source ?? '',
      );
    }
  }

  /** An expression that puts a wordy string literal on screen without translating it. */
  private checkExpression(line: number, expression: string): void {
    const literal = WORDY_LITERAL.exec(expression);
    if (literal && !TRANSLATED.test(expression) && !ALLOWED_TEXT.has(literal[1])) {
      this.report(line, expression.trim());
    }
  }

  private report(line: number, text: string): void {
    this.findings.push({ file: this.file, line: line + 1, text });
  }
}

export function untranslatedText(template: string, file: string): Finding[] {
  const parsed = parseTemplate(template, file, { preserveWhitespaces: false });
  expect(parsed.errors ?? []).toEqual([]);
  const visitor = new UntranslatedText(file);
  tmplAstVisitAll(visitor, parsed.nodes);
  return visitor.findings;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? sourceFiles(path) : [path];
  });
}

/** Every component template of the app: `.html` files and `template:` literals in `.ts` files. */
function templates(): { file: string; template: string }[] {
  const files = sourceFiles('src/app').filter((file) => !file.endsWith('.spec.ts'));
  const out: { file: string; template: string }[] = [];
  for (const file of files) {
    if (file.endsWith('.html')) {
      out.push({ file, template: readFileSync(file, 'utf8') });
    } else if (file.endsWith('.ts') && !file.endsWith('.testing.ts')) {
      for (const match of readFileSync(file, 'utf8').matchAll(/\btemplate:\s*`([\s\S]*?)`/g)) {
        out.push({ file, template: match[1] });
      }
    }
  }
  return out;
}

describe('templates: no text escapes translation', () => {
  const all = templates();

  it('finds the templates (files and inline)', () => {
    expect(all.length).toBeGreaterThan(15);
    expect(all.some(({ file }) => file.endsWith('not-found.page.ts'))).toBe(true);
  });

  it('every text and read attribute of every template goes through the translate pipes', () => {
    const findings = all.flatMap(({ file, template }) => untranslatedText(template, file));
    expect(findings.map((f) => `${f.file}:${f.line}: ${f.text}`)).toEqual([]);
  });

  it('catches plain text, a literal in an interpolation and an untranslated aria-label', () => {
    const findings = untranslatedText(
      `<h1>Hello</h1>
       <p>{{ count }} seats</p>
       <p>{{ x ?? 'Online' }}</p>
       <button aria-label="Close"></button>
       <img [alt]="'QR code of ' + title" />
       <p>{{ 'ok.key' | transloco }} · {{ n }}</p>
       <mat-icon>schedule</mat-icon>`,
      'example.html',
    );
    expect(findings.map((f) => f.text)).toEqual([
      'Hello',
      'seats',
      "x ?? 'Online'",
      'aria-label="Close"',
      "'QR code of ' + title",
    ]);
  });
});
