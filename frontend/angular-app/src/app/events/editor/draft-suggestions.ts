import { computed, signal } from '@angular/core';
import { AbstractControl } from '@angular/forms';
import type { DraftWarning } from '@secureevent/contracts';
import { Subscription, take } from 'rxjs';

import { AssistField, placeWarnings } from './draft-to-form';

/**
 * What the assistant suggested in the editor's form: the fields it filled (marked "suggested"
 * until the organizer edits them or accepts all), its warnings beside their fields (those of no
 * field in a banner), and who drafted it. A field's mark and warnings go when its control
 * changes after the draft was applied.
 */
export class DraftSuggestions {
  private readonly marked = signal<ReadonlySet<AssistField>>(new Set());
  private readonly warnings = signal<ReadonlyMap<AssistField | '', readonly string[]>>(new Map());
  private readonly providerName = signal<string | null>(null);
  private watches: Subscription[] = [];

  /** `local` or the model that answered; null when no draft was applied. */
  readonly provider = this.providerName.asReadonly();
  /** Warnings about the draft as a whole (or a field the form does not have). */
  readonly general = computed(() => this.warnings().get('') ?? []);
  /** Whether any field is still marked as suggested. */
  readonly pending = computed(() => this.marked().size > 0);
  /** The fields still marked, for tests and the summary. */
  readonly suggestedFields = this.marked.asReadonly();

  constructor(private readonly form: AbstractControl) {}

  /**
   * Marks `fields` (just filled from a draft) and places the draft's warnings. Fields an earlier
   * draft filled and nobody has touched since stay marked; its warnings give way to the new ones.
   */
  apply(
    fields: ReadonlySet<AssistField>,
    warnings: readonly DraftWarning[],
    provider: string,
  ): void {
    this.stopWatching();
    const placed = placeWarnings(warnings);
    const marked = new Set<AssistField>([...this.marked(), ...fields]);
    this.marked.set(marked);
    this.warnings.set(placed);
    this.providerName.set(provider);
    const watched = new Set<AssistField>(marked);
    for (const key of placed.keys()) {
      if (key !== '') watched.add(key);
    }
    for (const field of watched) {
      const control = this.form.get(field);
      if (control) {
        this.watches.push(control.valueChanges.pipe(take(1)).subscribe(() => this.edited(field)));
      }
    }
  }

  /** The organizer accepts every suggestion: the marks and field warnings go, the banner too. */
  acceptAll(): void {
    this.stopWatching();
    this.marked.set(new Set());
    this.warnings.set(new Map());
  }

  isSuggested(field: AssistField): boolean {
    return this.marked().has(field);
  }

  warningsFor(field: AssistField): readonly string[] {
    return this.warnings().get(field) ?? [];
  }

  /** The id of the field's note (for `aria-describedby`), or '' when it has none. */
  describedBy(field: AssistField): string {
    return this.isSuggested(field) || this.warningsFor(field).length > 0 ? noteId(field) : '';
  }

  /** Stops watching the form (the page is going away). */
  dispose(): void {
    this.stopWatching();
  }

  private edited(field: AssistField): void {
    this.marked.update((marked) => {
      const next = new Set(marked);
      next.delete(field);
      return next;
    });
    this.warnings.update((warnings) => {
      const next = new Map(warnings);
      next.delete(field);
      return next;
    });
  }

  private stopWatching(): void {
    for (const watch of this.watches) watch.unsubscribe();
    this.watches = [];
  }
}

/** The DOM id of a field's assistant note. */
export function noteId(field: AssistField): string {
  return `assist-note-${field}`;
}
