import type { DraftWarning, EventDraft, Question } from '@secureevent/contracts';
import { EVENT_DRAFT_FIELDS, type EventDraftField } from '@secureevent/contracts/draft-fields';

import { isoToZonedLocal } from '../../time/zoned-time';

/** The editor's controls an assistant draft can fill: the draft's fields (the form's names; `questions` is the array). */
export const ASSIST_FIELDS = EVENT_DRAFT_FIELDS;
export type AssistField = EventDraftField;

/** The values a draft puts into the editor's simple controls, as the inputs hold them. */
export interface DraftPatch {
  title?: string;
  description?: string;
  timeZone?: string;
  startsAt?: string;
  endsAt?: string;
  venue?: string;
  onlineUrl?: string;
  capacity?: number;
  visibility?: EventDraft['visibility'] & string;
  tags?: string;
  registrationOpensAt?: string;
  registrationClosesAt?: string;
}

/** What filling the form with a draft changes: the controls' new values and questions to add. */
export interface DraftFill {
  readonly patch: DraftPatch;
  /** Draft questions whose label the form does not have yet, to append. */
  readonly questions: readonly Question[];
  /** Every field the draft fills, for the "suggested" marks. */
  readonly fields: ReadonlySet<AssistField>;
}

const present = <T>(value: T | null | undefined): value is T =>
  value !== null && value !== undefined && (typeof value !== 'string' || value.trim() !== '');

/**
 * Turns a draft into the editor's input values. Instants become the wall-clock time of the
 * draft's zone (else the zone the form has now), as the datetime-local inputs hold them. Fields
 * the draft leaves absent, null or empty are not in the result, so the form keeps what it has.
 */
export function draftToForm(
  draft: EventDraft,
  formTimeZone: string,
  existingQuestionLabels: readonly string[] = [],
): DraftFill {
  const patch: DraftPatch = {};
  const zone = present(draft.timeZone) ? draft.timeZone : formTimeZone;
  const local = (iso: string) => isoToZonedLocal(iso, zone);

  if (present(draft.title)) patch.title = draft.title;
  if (present(draft.description)) patch.description = draft.description;
  if (present(draft.timeZone)) patch.timeZone = draft.timeZone;
  if (present(draft.startsAt)) patch.startsAt = local(draft.startsAt);
  if (present(draft.endsAt)) patch.endsAt = local(draft.endsAt);
  if (present(draft.venue)) patch.venue = draft.venue;
  if (present(draft.onlineUrl)) patch.onlineUrl = draft.onlineUrl;
  if (present(draft.capacity)) patch.capacity = draft.capacity;
  if (present(draft.visibility)) patch.visibility = draft.visibility;
  if (present(draft.tags) && draft.tags.length > 0) patch.tags = draft.tags.join(', ');
  if (present(draft.registrationOpensAt)) {
    patch.registrationOpensAt = local(draft.registrationOpensAt);
  }
  if (present(draft.registrationClosesAt)) {
    patch.registrationClosesAt = local(draft.registrationClosesAt);
  }

  const known = new Set(existingQuestionLabels.map((label) => label.trim().toLowerCase()));
  const questions = (draft.questions ?? []).filter(
    (question) => !known.has(question.label.trim().toLowerCase()),
  );

  const fields = new Set<AssistField>(Object.keys(patch) as AssistField[]);
  if (questions.length > 0) fields.add('questions');
  return { patch, questions, fields };
}

/** The form field a warning belongs beside (`questions.0.label` → `questions`), or null for the banner. */
export function warningField(warning: DraftWarning): AssistField | null {
  const head = warning.field.split('.')[0];
  return (ASSIST_FIELDS as readonly string[]).includes(head) ? (head as AssistField) : null;
}

/** Warnings grouped by the field they sit beside; those of no field (or an unknown one) under `''`. */
export function placeWarnings(
  warnings: readonly DraftWarning[],
): ReadonlyMap<AssistField | '', readonly string[]> {
  const placed = new Map<AssistField | '', string[]>();
  for (const warning of warnings) {
    const field = warningField(warning) ?? '';
    const list = placed.get(field) ?? [];
    list.push(warning.message);
    placed.set(field, list);
  }
  return placed;
}
