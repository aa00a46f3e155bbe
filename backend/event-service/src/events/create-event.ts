import { newId, recordAudit, type AuthUser, type Outbox, type RequestOrigin } from '@secureevent/shared';
import type { CreateEventRequest, EventDto } from '@secureevent/contracts';
import type { Kysely } from 'kysely';
import type { EventsDb } from '../db/schema.js';
import { eventsRepository, type NewEvent } from './events.repository.js';
import { ticketTypesForNewEvent } from './ticket-types.js';

/**
 * Creates a draft event owned by the caller, with the ticket types given or one "General
 * admission" type of `capacity` (`ticketTypesForNewEvent`). Drafts announce nothing; the action is
 * audited.
 */
export async function createEvent(
  deps: { db: Kysely<EventsDb>; outbox: Outbox },
  actor: AuthUser,
  input: CreateEventRequest,
  origin: RequestOrigin,
): Promise<EventDto> {
  const { capacity: _capacity, ticketTypes: _types, ...fields } = input;
  const plan = ticketTypesForNewEvent(input, () => newId('tkt'));
  const draft: NewEvent = {
    id: newId('evt'),
    ...fields,
    capacity: plan.capacity,
    overallCapacity: plan.overallCapacity,
    ticketTypes: plan.types,
    status: 'draft',
    organizerIds: [actor.id],
  };
  return deps.db.transaction().execute(async (trx) => {
    const event = await eventsRepository(trx).insert(draft, actor.id);
    await recordAudit(deps.outbox, trx, { actorId: actor.id, action: 'event.created', targetId: event.id, outcome: 'success', origin });
    return event;
  });
}
