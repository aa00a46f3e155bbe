import { describe, expect, it } from 'vitest';
import { entryFacets } from './entry-facets.js';

const usr = (c: string) => `usr_${c.repeat(25)}`;

describe('entry facets', () => {
  it('when a message names its actor in a by-field, then that user is the actor and the action is the unversioned type', () => {
    expect(entryFacets('event.published.v1', { eventId: 'evt_x', publishedBy: usr('a') })).toEqual({
      actor: usr('a'),
      action: 'event.published',
      outcome: null,
    });
  });

  it('when an audit record arrives, then its own action and outcome are the facets', () => {
    expect(entryFacets('audit.recorded.v1', { actorId: usr('b'), action: 'user.login', outcome: 'failure' })).toEqual({
      actor: usr('b'),
      action: 'user.login',
      outcome: 'failure',
    });
  });

  it('when a field holds something that is not a user id, then it is not taken as the actor', () => {
    expect(entryFacets('user.roles_changed.v1', { changedBy: 'DROP TABLE', updatedBy: usr('c') }).actor).toBe(usr('c'));
    expect(entryFacets('user.roles_changed.v1', { changedBy: 42 }).actor).toBeNull();
  });

  it('when the data is not an object or the outcome is unknown, then the facets are empty but the action stays', () => {
    expect(entryFacets('x.happened.v2', null)).toEqual({ actor: null, action: 'x.happened', outcome: null });
    expect(entryFacets('audit.recorded.v1', { action: 'a', outcome: 'maybe' }).outcome).toBeNull();
  });
});
