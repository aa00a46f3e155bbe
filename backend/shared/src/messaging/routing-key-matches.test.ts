import { describe, expect, it } from 'vitest';
import { routingKeyMatches } from './in-process-transport.js';

// AMQP topic semantics: words are separated by dots, `*` is exactly one word, `#` is zero or more words.
describe('routingKeyMatches', () => {
  it.each([
    ['an exact binding', 'registration.confirmed.v1', 'registration.confirmed.v1'],
    ['`#` alone', '#', 'registration.confirmed.v1'],
    ['`#` alone and a one-word key', '#', 'ping'],
    ['a trailing `#` with several words after the prefix', 'registration.#', 'registration.confirmed.v1'],
    ['a trailing `#` with zero words after the prefix', 'registration.#', 'registration'],
    ['a leading `#`', '#.v1', 'event.published.v1'],
    ['a leading `#` matching zero words', '#.v1', 'v1'],
    ['a `#` in the middle spanning several words', 'event.#.v1', 'event.seats.released.v1'],
    ['a `#` in the middle spanning zero words', 'event.#.v1', 'event.v1'],
    ['a `*` for the middle word', 'registration.*.v1', 'registration.cancelled.v1'],
    ['a leading `*`', '*.published.v1', 'event.published.v1'],
    ['only `*`s, one per word', '*.*.*', 'user.registered.v1'],
    ['`*` and `#` together', '*.#', 'user.registered.v1'],
    ['two `#`s', '#.registered.#', 'user.registered.v1'],
  ])('when the binding is %s, then it matches (%s vs %s)', (_label, binding, key) => {
    expect(routingKeyMatches(binding, key)).toBe(true);
  });

  it.each([
    ['a different exact key', 'registration.confirmed.v1', 'registration.cancelled.v1'],
    ['a key that only starts with the binding', 'registration.confirmed', 'registration.confirmed.v1'],
    ['a key that only ends with the binding', 'confirmed.v1', 'registration.confirmed.v1'],
    ['a longer version number', 'user.registered.v1', 'user.registered.v10'],
    ['`*` facing two words', 'registration.*.v1', 'registration.seat.confirmed.v1'],
    ['`*` facing zero words', 'registration.*.v1', 'registration.v1'],
    ['a single `*` facing two words', '*', 'user.registered'],
    ['too few `*`s', '*.*', 'user.registered.v1'],
    ['a trailing `#` after another prefix', 'registration.#', 'event.published.v1'],
    ['a leading `#` before another suffix', '#.v1', 'event.published.v2'],
    ['a `#` in the middle whose end does not match', 'event.#.v1', 'event.seats.released.v2'],
    ['a `*` inside a word (not a wildcard there)', 'reg*.confirmed.v1', 'registration.confirmed.v1'],
    ['a `#` inside a word (not a wildcard there)', 'event#', 'event.published.v1'],
  ])('when the binding is %s, then it does not match (%s vs %s)', (_label, binding, key) => {
    expect(routingKeyMatches(binding, key)).toBe(false);
  });

  it('when one binding is checked against a mix of keys, then exactly the matching ones are selected', () => {
    const keys = ['event.published.v1', 'event.cancelled.v1', 'event.published.v2', 'registration.confirmed.v1', 'event.v1'];

    const selected = keys.filter((k) => routingKeyMatches('event.*.v1', k));

    expect(selected).toEqual(['event.published.v1', 'event.cancelled.v1']);
  });
});
