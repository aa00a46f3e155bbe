import { describe, expect, it } from 'vitest';
import { UNDO_WINDOW_MS, undoRefusal } from './ticket-scan.js';

describe('undoing a check-in', () => {
  const at = new Date('2030-03-10T08:00:00Z');
  const later = (ms: number) => new Date(at.getTime() + ms);

  it('when it is undone within 10 minutes, then nothing refuses it', () => {
    expect(undoRefusal(at, later(0))).toBeUndefined();
    expect(undoRefusal(at, later(UNDO_WINDOW_MS))).toBeUndefined();
  });

  it('when more than 10 minutes have passed, or it was never checked in, then it is refused', () => {
    expect(undoRefusal(at, later(UNDO_WINDOW_MS + 1))?.code).toBe('INVALID_STATE_TRANSITION');
    expect(undoRefusal(null, later(0))?.code).toBe('INVALID_STATE_TRANSITION');
  });
});
