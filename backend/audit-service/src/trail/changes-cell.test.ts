import { describe, expect, it } from 'vitest';
import { changesCell } from './changes-cell.js';

describe('the changes cell of a CSV export', () => {
  it('when an entry records changes, then each reads field: from → to, values as JSON', () => {
    expect(
      changesCell({
        changes: [
          { field: 'status', from: 'pending', to: 'confirmed' },
          { field: 'capacity', from: 10, to: null },
        ],
      }),
    ).toBe('status: "pending" → "confirmed"; capacity: 10 → null');
  });

  it('when a value is a personal-data reference, then only a short prefix of its HMAC shows, never the key id', () => {
    const ref = { hmac: 'AbCdEfGh' + 'x'.repeat(35), keyId: 'ask_secretkeyid' };
    const cell = changesCell({ changes: [{ field: 'email', from: ref, to: null }] });
    expect(cell).toBe('email: [personal data #AbCdEfGh] → null');
    expect(cell).not.toContain('ask_');
  });

  it('when an entry has no changes or is not an object, then the cell is empty', () => {
    expect(changesCell({ roles: ['admin'] })).toBe('');
    expect(changesCell(null)).toBe('');
    expect(changesCell([1])).toBe('');
  });
});
