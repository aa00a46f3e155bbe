import type { EventDraft } from './assist.js';

// Plain data, no zod: the web app imports this file directly (a path mapping), keeping zod out of its bundle.

/** The names of the fields a draft can hold. */
export const EVENT_DRAFT_FIELDS = [
  'title',
  'description',
  'startsAt',
  'endsAt',
  'timeZone',
  'venue',
  'onlineUrl',
  'capacity',
  'visibility',
  'tags',
  'registrationOpensAt',
  'registrationClosesAt',
  'questions',
] as const satisfies readonly (keyof EventDraft)[];
export type EventDraftField = (typeof EVENT_DRAFT_FIELDS)[number];
