import { newIdempotencyKey } from './idempotency-key';

describe('newIdempotencyKey', () => {
  it('when keys are made, then each matches the API header format and none repeats', () => {
    const keys = Array.from({ length: 50 }, () => newIdempotencyKey());

    for (const key of keys) {
      expect(key).toMatch(/^[A-Za-z0-9_-]{8,100}$/);
    }
    expect(new Set(keys).size).toBe(keys.length);
  });
});
