import { newId, recordAudit, type AuthUser, type Outbox, type RequestOrigin } from '@secureevent/shared';
import type { DuplicateEventRequest, EventDto } from '@secureevent/contracts';
import type { Kysely } from 'kysely';
import type { EventsDb } from '../db/schema.js';
import { duplicateOf, organizersOfCopy } from './duplicate.js';
import { assertCanManage } from './event-access.js';
import { eventsRepository } from './events.repository.js';

/**
 * Copies an event its caller manages into a new draft (everything but attendees, all times moved
 * to the new start), organized by the caller and the source's organizers. Drafts announce nothing;
 * the copy is audited as created, with the event it was copied from.
 */
export async function duplicateEvent(
  deps: { db: Kysely<EventsDb>; outbox: Outbox },
  actor: AuthUser,
  sourceId: string,
  input: DuplicateEventRequest,
  origin: RequestOrigin,
): Promise<EventDto> {
  const source = await assertCanManage(deps, sourceId, actor, origin);
  const draft = duplicateOf(source, {
    id: newId('evt'),
    startsAt: input.startsAt,
    organizerIds: organizersOfCopy(actor.id, source),
    newTypeId: () => newId('tkt'),
  });
  return deps.db.transaction().execute(async (trx) => {
    const copy = await eventsRepository(trx).insert(draft, actor.id);
    await recordAudit(deps.outbox, trx, {
      actorId: actor.id,
      action: 'event.created',
      targetId: copy.id,
      outcome: 'success',
      origin,
      changes: [{ field: 'duplicatedFrom', from: null, to: source.id }],
    });
    return copy;
  });
}
