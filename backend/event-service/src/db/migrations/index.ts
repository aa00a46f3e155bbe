import type { Migration } from 'kysely';
import { messaging } from './0000-messaging.js';
import { events } from './0001-events.js';
import { registrations } from './0002-registrations.js';
import { search } from './0004-search.js';
import { invites } from './0005-invites.js';
import { calendar } from './0006-calendar.js';
import { descriptionHtml } from './0007-description-html.js';
import { millisecondSortKeys } from './0008-millisecond-sort-keys.js';
import { peopleRoles } from './0009-people-roles.js';
import { ticketTypes } from './0010-ticket-types.js';
import { ticketCodes } from './0020-ticket-codes.js';
import { attendeeSearch } from './0021-attendee-search.js';
import { registrationApproval } from './0022-registration-approval.js';
import { accessCodes } from './0023-access-codes.js';

/**
 * The event-service's migrations, one file each, applied in key order at start. The keys are the
 * names already recorded in existing databases, so none is run twice; there never was a 0003.
 * A migration imports only libraries and `@secureevent/shared`'s migration builders, never the
 * service's own code.
 */
export const migrations: Record<string, Migration> = {
  '0000_messaging': messaging,
  '0001_events': events,
  '0002_registrations': registrations,
  '0004_search': search,
  '0005_invites': invites,
  '0006_calendar': calendar,
  '0007_description_html': descriptionHtml,
  '0008_millisecond_sort_keys': millisecondSortKeys,
  '0009_people_roles': peopleRoles,
  '0010_ticket_types': ticketTypes,
  '0020_ticket_codes': ticketCodes,
  '0021_attendee_search': attendeeSearch,
  '0022_registration_approval': registrationApproval,
  '0023_access_codes': accessCodes,
};
