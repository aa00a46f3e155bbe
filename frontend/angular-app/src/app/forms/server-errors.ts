import { AbstractControl } from '@angular/forms';

import { describeHttpError, fieldErrorsOf } from '../http/problem-details';
import { t } from '../i18n/i18n';

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

/**
 * The first message to show for a control: required, length, pattern or the server's word, in the
 * active language. `label` is the field's name, already translated. A validator of this app
 * reports its own message as a translation key in `messageKey`.
 */
export function firstErrorMessage(control: AbstractControl | null, label: string): string | null {
  const errors = control?.errors;
  if (!errors) {
    return null;
  }
  if (typeof errors['server'] === 'string') {
    return t('forms.server', { label, message: errors['server'] });
  }
  if (errors['required']) {
    return t('forms.required', { label });
  }
  if (errors['email']) {
    return t('forms.email');
  }
  if (errors['minlength']) {
    return t('forms.minLength', {
      label,
      length: (errors['minlength'] as LengthError).requiredLength,
    });
  }
  if (errors['maxlength']) {
    return t('forms.maxLength', {
      label,
      length: (errors['maxlength'] as LengthError).requiredLength,
    });
  }
  if (errors['min']) {
    return t('forms.min', { label, min: (errors['min'] as { min: number }).min });
  }
  if (errors['pattern']) {
    return t('forms.pattern', { label });
  }
  if (typeof errors['messageKey'] === 'string') {
    return t(errors['messageKey']);
  }
  if (typeof errors['message'] === 'string') {
    return errors['message'];
  }
  return t('forms.invalid', { label });
}
