import { AppError, ErrorCode, type FieldError } from '@secureevent/shared';
import type { Question } from '@secureevent/contracts';

/** An attendee's answers, keyed by question id. */
export type Answers = Record<string, string | boolean>;

/**
 * Checks answers against the event's questions: every required one answered, the right type for
 * each, choices from the offered options, and nothing answered that was not asked.
 */
export function validateAnswers(questions: readonly Question[], answers: Answers): Answers {
  const errors: FieldError[] = [];
  const byId = new Map(questions.map((q) => [q.id, q]));
  for (const id of Object.keys(answers)) {
    if (!byId.has(id)) errors.push({ field: `body.answers.${id}`, message: 'is not a question of this event' });
  }
  const clean: Answers = {};
  for (const q of questions) {
    const field = `body.answers.${q.id}`;
    const value = answers[q.id];
    const missing =
      value === undefined || (typeof value === 'string' && value.trim() === '') || (q.type === 'checkbox' && value === false && q.required);
    if (missing) {
      if (q.required) errors.push({ field, message: q.type === 'checkbox' ? 'must be checked' : 'is required' });
      continue;
    }
    switch (q.type) {
      case 'checkbox':
        if (typeof value !== 'boolean') errors.push({ field, message: 'must be true or false' });
        else clean[q.id] = value;
        break;
      case 'choice':
        if (typeof value !== 'string' || !q.options?.includes(value))
          errors.push({ field, message: `must be one of: ${(q.options ?? []).join(', ')}` });
        else clean[q.id] = value;
        break;
      case 'text':
        if (typeof value !== 'string') errors.push({ field, message: 'must be text' });
        else clean[q.id] = value.trim();
        break;
    }
  }
  if (errors.length > 0) throw new AppError(ErrorCode.VALIDATION_FAILED, 'Some answers are missing or invalid.', { errors });
  return clean;
}
