/**
 * The cache keys of one event.
 * - `event:<id>`: the event as anyone may read it, with live counts. Every change deletes it,
 *   registrations included; the response cache hangs off it too.
 * - `event-def:<id>`: the event as registration screening needs it (status, visibility, window,
 *   questions); its counts may be old and are never shown. Only changes to the event itself
 *   delete it, so a registration rush keeps hitting it instead of the database.
 */
export const eventKey = (id: string) => `event:${id}`;
export const eventDefinitionKey = (id: string) => `event-def:${id}`;
/** What a change to the event itself (edit, publish, cancel, organizers) must delete. */
export const eventChangedKeys = (id: string) => [eventKey(id), eventDefinitionKey(id)];
/** How long either may live without a change (a bound on a lost deletion). */
export const EVENT_CACHE_TTL_SECONDS = 30;
