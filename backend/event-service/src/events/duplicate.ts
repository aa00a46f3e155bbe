import { EARLIEST_INSTANT, LATEST_INSTANT, type EventDto } from '@secureevent/contracts';
import { AppError, ErrorCode } from '@secureevent/shared';
import type { NewEvent } from './events.repository.js';

/**
 * The draft a duplicate of `source` becomes: everything an organizer set up (details, capacity,
 * questions, ticket types with fresh ids, registration window) but no attendees, no invitation
 * code and no publication, with every time moved by how far `startsAt` moves the start.
 */
export function duplicateOf(
  source: EventDto,
  opts: { id: string; startsAt?: string | undefined; organizerIds: readonly string[]; newTypeId: () => string },
): NewEvent {
  const shift = opts.startsAt === undefined ? 0 : Date.parse(opts.startsAt) - Date.parse(source.startsAt);
  const moved = (iso: string) => {
    const t = Date.parse(iso) + shift;
    if (t < Date.parse(EARLIEST_INSTANT) || t > Date.parse(LATEST_INSTANT)) {
      throw new AppError(ErrorCode.VALIDATION_FAILED, 'The copy’s times would leave the calendar.', {
        errors: [{ field: 'body.startsAt', message: 'moves a time of the event out of range' }],
      });
    }
    return new Date(t).toISOString();
  };
  const movedOrNull = (iso: string | null) => (iso === null ? null : moved(iso));
  return {
    id: opts.id,
    title: source.title,
    description: source.description,
    startsAt: moved(source.startsAt),
    endsAt: moved(source.endsAt),
    timeZone: source.timeZone,
    venue: source.venue,
    onlineUrl: source.onlineUrl,
    capacity: source.capacity,
    overallCapacity: source.overallCapacity,
    visibility: source.visibility,
    tags: [...source.tags],
    status: 'draft',
    organizerIds: [...opts.organizerIds],
    registrationOpensAt: movedOrNull(source.registrationOpensAt),
    registrationClosesAt: movedOrNull(source.registrationClosesAt),
    questions: source.questions.map((q) => ({ ...q })),
    registrationMode: source.registrationMode,
    ticketTypes: source.ticketTypes.map((t) => ({
      ...t,
      id: opts.newTypeId(),
      salesStart: movedOrNull(t.salesStart),
      salesEnd: movedOrNull(t.salesEnd),
    })),
  };
}

/** Who organizes the copy: the one who made it first, then the source's organizers, each once. */
export function organizersOfCopy(actorId: string, source: Pick<EventDto, 'organizerIds'>): string[] {
  return [...new Set([actorId, ...source.organizerIds])];
}
