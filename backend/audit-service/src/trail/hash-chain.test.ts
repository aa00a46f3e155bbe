import { describe, expect, it } from 'vitest';
import { canonicalEntry, chainHash, entryHash, findBrokenLink, GENESIS_HASH } from './hash-chain.js';

function chain(n: number) {
  const out = [];
  let prev = GENESIS_HASH;
  for (let i = 1; i <= n; i++) {
    const fields = {
      id: `m${i}`,
      type: 'event.published.v1',
      source: '/x',
      subject: `evt_${i}`,
      occurredAt: new Date(i * 1000).toISOString(),
      data: { n: i, nested: { b: 1, a: 2 } },
    };
    const hash = entryHash(prev, fields);
    out.push({ ...fields, seq: i, prevHash: prev, hash });
    prev = hash;
  }
  return out;
}

describe('audit hash chain', () => {
  it('when nothing was changed, then the chain verifies', () => {
    expect(findBrokenLink(chain(5))).toBeNull();
  });

  it('when key order differs, then the hash is the same (canonical JSON)', () => {
    const a = entryHash(GENESIS_HASH, { id: '1', type: 't.v1', source: 's', subject: null, occurredAt: 'x', data: { a: 1, b: 2 } });
    const b = entryHash(GENESIS_HASH, { id: '1', type: 't.v1', source: 's', subject: null, occurredAt: 'x', data: { b: 2, a: 1 } });
    expect(a).toBe(b);
  });

  it('when an entry’s data is edited, then verification points at that entry', () => {
    const entries = chain(5);
    entries[2]!.data = { n: 999, nested: { b: 1, a: 2 } };
    expect(findBrokenLink(entries)).toBe(3);
  });

  it('when an entry is deleted, then verification points at the entry after the gap', () => {
    const entries = chain(5);
    entries.splice(1, 1);
    expect(findBrokenLink(entries)).toBe(3);
  });

  it('when the canonical bytes are hashed as kept, then the hash is the entry’s, and they are RFC 8785 (sorted keys, ES number form)', () => {
    const fields = { id: 'm1', type: 't.v1', source: '/s', subject: null, occurredAt: 'x', data: { b: 1e21, a: [0.1, -0, 'é\u2028'] } };
    const canonical = canonicalEntry(fields);
    expect(canonical).toBe(
      '{"data":{"a":[0.1,0,"é\u2028"],"b":1e+21},"id":"m1","occurredAt":"x","source":"/s","subject":null,"type":"t.v1"}',
    );
    expect(chainHash(GENESIS_HASH, canonical)).toBe(entryHash(GENESIS_HASH, fields));
    expect(chainHash(GENESIS_HASH, canonical)).toMatch(/^[0-9a-f]{64}$/);
  });
});
