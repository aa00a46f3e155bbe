import { Provider } from '@angular/core';

import { SESSION_HINT, SessionHint } from './session-hint';

/** An in-memory session hint, so tests never touch the real localStorage. */
export function aSessionHint(initially = false): SessionHint & { value: boolean } {
  const hint = {
    value: initially,
    get: () => hint.value,
    set: () => {
      hint.value = true;
    },
    clear: () => {
      hint.value = false;
    },
  };
  return hint;
}

export function provideSessionHint(hint: SessionHint = aSessionHint()): Provider {
  return { provide: SESSION_HINT, useValue: hint };
}
