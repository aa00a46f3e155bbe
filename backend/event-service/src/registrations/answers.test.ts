import { describe, expect, it } from 'vitest';
import { type AppError } from '@secureevent/shared';
import type { Question } from '@secureevent/contracts';
import { validateAnswers } from './answers.js';

const questions: Question[] = [
  { id: 'diet', label: 'Diet', type: 'choice', required: true, options: ['none', 'vegetarian', 'vegan'] },
  { id: 'company', label: 'Company', type: 'text', required: false },
  { id: 'coc', label: 'I accept the code of conduct', type: 'checkbox', required: true },
];

const fieldsOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    return (err as AppError).extra.errors?.map((e) => e.field).sort();
  }
  throw new Error('expected a validation error');
};

describe('validateAnswers', () => {
  it('when every required question is answered correctly, then the cleaned answers are returned', () => {
    expect(validateAnswers(questions, { diet: 'vegan', company: '  ACME  ', coc: true })).toEqual({
      diet: 'vegan',
      company: 'ACME',
      coc: true,
    });
  });

  it('when required answers are missing, then each missing field is reported', () => {
    expect(fieldsOf(() => validateAnswers(questions, { company: 'x' }))).toEqual(['body.answers.coc', 'body.answers.diet']);
  });

  it('when a required checkbox is false, then it must be checked', () => {
    expect(fieldsOf(() => validateAnswers(questions, { diet: 'none', coc: false }))).toEqual(['body.answers.coc']);
  });

  it('when a choice is not one of the options or a type is wrong, then those fields are reported', () => {
    expect(fieldsOf(() => validateAnswers(questions, { diet: 'carnivore', coc: 'yes', company: true }))).toEqual([
      'body.answers.coc',
      'body.answers.company',
      'body.answers.diet',
    ]);
  });

  it('when an answer names a question the event does not ask, then it is refused', () => {
    expect(fieldsOf(() => validateAnswers(questions, { diet: 'none', coc: true, shoeSize: '42' }))).toEqual(['body.answers.shoeSize']);
  });

  it('when the event asks nothing, then an empty answer set is fine', () => {
    expect(validateAnswers([], {})).toEqual({});
  });
});
