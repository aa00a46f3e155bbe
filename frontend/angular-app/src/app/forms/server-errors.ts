import { AbstractControl } from '@angular/forms';

import { describeHttpError, fieldErrorsOf } from '../http/problem-details';

/**
 * Puts each field error of a problem response on its form control (as the `server` error, shown
 * beside the field) and returns the sentence for the form as a whole. Field errors that match no
 * control are added to that sentence, so nothing the server said is lost.
 */
export function applyServerErrors(form: AbstractControl, error: unknown): string {
  const unmatched: string[] = [];
  for (const [path, message] of fieldErrorsOf(error)) {
    const control = form.get(path);
    if (control === null) {
      unmatched.push(`${path}: ${message}`);
      continue;
    }
    control.setErrors({ ...control.errors, server: message });
    control.markAsTouched();
  }
  const summary = describeHttpError(error);
  return unmatched.length === 0 ? summary : `${summary} (${unmatched.join('; ')})`;
}

/** The value of Angular's `minlength` and `maxlength` errors. */
interface LengthError {
  readonly requiredLength: number;
}

/** The first message to show for a control: required, length, pattern or the server's word. */
export function firstErrorMessage(control: AbstractControl | null, label: string): string | null {
  const errors = control?.errors;
  if (!errors) {
    return null;
  }
  if (typeof errors['server'] === 'string') {
    return `${label} ${errors['server']}`;
  }
  if (errors['required']) {
    return `${label} is required.`;
  }
  if (errors['email']) {
    return 'Enter a valid email address.';
  }
  if (errors['minlength']) {
    return `${label} must be at least ${(errors['minlength'] as LengthError).requiredLength} characters.`;
  }
  if (errors['maxlength']) {
    return `${label} must be at most ${(errors['maxlength'] as LengthError).requiredLength} characters.`;
  }
  if (errors['min']) {
    return `${label} must be at least ${(errors['min'] as { min: number }).min}.`;
  }
  if (errors['pattern']) {
    return `${label} has an invalid format.`;
  }
  if (typeof errors['message'] === 'string') {
    return errors['message'];
  }
  return `${label} is invalid.`;
}
