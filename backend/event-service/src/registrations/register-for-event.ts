import {
  AppError,
  createKeyedBatcher,
  ErrorCode,
  histogram,
  isConnectionError,
  requestContext,
  type AuthUser,
  type BatchOutcome,
  type Cache,
  type Outbox,
} from '@secureevent/shared';
import { MessageType, type EventDto, type RegistrationDto } from '@secureevent/contracts';
import { sql, type Kysely } from 'kysely';
import type { EventsDb } from '../db/schema.js';
import { canView } from '../events/event-access.js';
import { EVENT_CACHE_TTL_SECONDS, eventDefinitionKey, eventKey } from '../events/event-cache.js';
import { eventsRepository, toEventDto, type EventRow } from '../events/events.repository.js';
import { validateAnswers, type Answers } from './answers.js';
import {
  availabilityMessage,
  insertRegistrations,
  registrationMessage,
  toRegistrationDto,
  waitlistPosition,
  type RegistrationRow,
} from './registrations.repository.js';
import type { TicketSigner } from './tickets.js';

/** What registration use cases need. */
export interface RegistrationDeps {
  db: Kysely<EventsDb>;
  outbox: Outbox;
  cache: Cache;
  tickets: TicketSigner;
}

/** Throws REGISTRATION_CLOSED unless the event takes registrations now. */
export function assertRegistrationOpen(event: EventDto, now = new Date()): void {
  const closed = (why: string) => new AppError(ErrorCode.REGISTRATION_CLOSED, why);
  if (event.status !== 'published') throw closed(`Registration is closed: the event is ${event.status}.`);
  if (event.registrationOpensAt && now < new Date(event.registrationOpensAt))
    throw closed(`Registration opens at ${event.registrationOpensAt}.`);
  if (event.registrationClosesAt && now >= new Date(event.registrationClosesAt)) throw closed('Registration has closed.');
  if (now >= new Date(event.endsAt)) throw closed('The event is over.');
}

/** The caller's view of a registration: with its ticket while confirmed, with its place while waitlisted. */
export async function present(deps: Pick<RegistrationDeps, 'db' | 'tickets'>, row: RegistrationRow): Promise<RegistrationDto> {
  const position = await waitlistPosition(deps.db, row);
  return toRegistrationDto(row, {
    ...(position !== undefined ? { waitlistPosition: position } : {}),
    ...(row.status === 'confirmed' ? { ticketToken: deps.tickets.sign(row.id, row.event_id) } : {}),
  });
}

const isUniqueViolation = (err: unknown) => (err as { code?: string } | null)?.code === '23505';
/** SQLSTATE class 22: the database refused a value (e.g. U+0000 or a lone surrogate in JSONB). */
const isDataException = (err: unknown) => {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^22[0-9A-Z]{3}$/.test(code);
};

/** The outcome of registering: `created` is false when an existing registration (or a replay) answers. */
export interface Registered {
  created: boolean;
  registration: RegistrationDto;
}

/** One registration waiting for its event's next batch; already checked against the event. */
export interface PendingRegistration {
  userId: string;
  answers: Record<string, string | boolean>;
  idempotencyKey: string | undefined;
  traceparent: string | undefined;
}

/** Registrations of one event claimed in one transaction at most (see ADR 0009). */
const MAX_BATCH = 256;
/** How many registrations each group commit carried (bench/registration-rush reads it). */
const batchSize = histogram(
  'secureevent_registration_batch_size',
  'Registrations handled per group-commit transaction of one event',
  [],
  [1, 2, 4, 8, 16, 32, 64, 128, 256],
);
/** A batch that lost a same-person race to another replica is retried this often. */
const MAX_ATTEMPTS = 3;

export interface Registrar {
  register(actor: AuthUser, eventId: string, rawAnswers: Answers, idempotencyKey?: string, invite?: string): Promise<Registered>;
}

/**
 * Registration with group commit. Each request is checked on its own (visibility, the window, the
 * answers); the seat claims then go through a per-event batcher, so everyone who arrives while one
 * transaction for an event is in flight shares the next one: one row lock, one conditional UPDATE,
 * one INSERT of the registrations, one outbox INSERT and one WAL flush for the whole batch. The
 * database still decides (the conditional UPDATE and the CHECK constraint), and the batch keeps the
 * arrival order, so the waitlist stays strictly first come first served.
 */
export function createRegistrar(deps: RegistrationDeps): Registrar {
  const batcher = createBatchedRegistration(deps);
  return {
    async register(actor, eventId, rawAnswers, idempotencyKey, invite) {
      const scope = `register:${eventId}`;
      if (idempotencyKey) {
        const seen = await deps.db
          .selectFrom('idempotency_keys')
          .selectAll()
          .where('user_id', '=', actor.id)
          .where('key', '=', idempotencyKey)
          .executeTakeFirst();
        if (seen) {
          if (seen.scope !== scope)
            throw new AppError(ErrorCode.CONFLICT, 'This Idempotency-Key was already used for a different request.');
          return { created: false, registration: seen.body as RegistrationDto };
        }
      }
      // Visibility (404), the registration window and the answers, against the event's definition
      // (cached until the event itself changes: registrations do not evict it). It only screens;
      // the claim below re-checks the status under the row lock.
      const repo = eventsRepository(deps.db);
      const event = await deps.cache.getOrLoad(
        eventDefinitionKey(eventId),
        EVENT_CACHE_TTL_SECONDS,
        () => repo.findById(eventId),
        (found) => found !== undefined,
      );
      const invited = event?.visibility === 'private' && (await repo.isInvited(eventId, actor, invite));
      if (!event || !canView(event, actor, invited)) throw new AppError(ErrorCode.NOT_FOUND, 'No such event.');
      assertRegistrationOpen(event);
      const answers = validateAnswers(event.questions, rawAnswers);
      return batcher.submit(eventId, {
        userId: actor.id,
        answers,
        idempotencyKey,
        traceparent: requestContext.getStore()?.traceparent,
      });
    },
  };
}

/**
 * The seat-claiming half of `createRegistrar`, for people already checked against the event:
 * `submit(eventId, pending)` joins that event's next batch. Exported for bench/registration-rush,
 * whose ceiling drives exactly this code straight from Node, without HTTP.
 */
export function createBatchedRegistration(deps: RegistrationDeps) {
  return createKeyedBatcher<PendingRegistration, Registered>({
    maxBatch: MAX_BATCH,
    run: (eventId, items) => registerBatch(deps, eventId, items),
    // One request's bad data fails its batch's transaction: the batcher retries the others in
    // halves, so only that request fails. A lost database would fail every half alike.
    isolates: (err) => !isConnectionError(err),
  });
}

/** Registers a batch of people for one event; one outcome per item, in order. */
export async function registerBatch(
  deps: RegistrationDeps,
  eventId: string,
  items: readonly PendingRegistration[],
): Promise<BatchOutcome<Registered>[]> {
  batchSize.observe(items.length);
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await tryRegisterBatch(deps, eventId, items);
    } catch (err) {
      // The same person registered through another replica between our check and our INSERT:
      // run the batch again; the check now finds them.
      if (isUniqueViolation(err) && attempt < MAX_ATTEMPTS) continue;
      // Alone in its run, a value the database cannot store is this request's own fault.
      if (items.length === 1 && isDataException(err)) {
        throw new AppError(ErrorCode.VALIDATION_FAILED, 'Some answers contain characters that cannot be stored.', {
          errors: [{ field: 'body.answers', message: 'contains characters that cannot be stored' }],
        });
      }
      throw err;
    }
  }
}

async function tryRegisterBatch(
  deps: RegistrationDeps,
  eventId: string,
  items: readonly PendingRegistration[],
): Promise<BatchOutcome<Registered>[]> {
  const scope = `register:${eventId}`;
  // An Idempotency-Key stored since the request was screened (the same person racing with the
  // same key): a replay answers its stored registration, a key of another request is refused —
  // for that item only, never for the whole batch.
  const settled = new Map<number, BatchOutcome<Registered>>();
  const keyedItems = items.flatMap((item, i) => (item.idempotencyKey ? [{ item, i }] : []));
  if (keyedItems.length > 0) {
    const stored = await deps.db
      .selectFrom('idempotency_keys')
      .selectAll()
      .where((eb) => eb.or(keyedItems.map(({ item }) => eb.and([eb('user_id', '=', item.userId), eb('key', '=', item.idempotencyKey!)]))))
      .execute();
    for (const { item, i } of keyedItems) {
      const seen = stored.find((r) => r.user_id === item.userId && r.key === item.idempotencyKey);
      if (!seen) continue;
      settled.set(
        i,
        seen.scope === scope
          ? { ok: true, value: { created: false, registration: seen.body as RegistrationDto } }
          : { ok: false, error: new AppError(ErrorCode.CONFLICT, 'This Idempotency-Key was already used for a different request.') },
      );
    }
  }
  // The same person twice in one batch: the later requests get the first one's registration.
  const firstIndexOf = new Map<string, number>();
  items.forEach((item, i) => {
    if (!settled.has(i) && !firstIndexOf.has(item.userId)) firstIndexOf.set(item.userId, i);
  });
  const existingRows = await deps.db
    .selectFrom('registrations')
    .selectAll()
    .where('event_id', '=', eventId)
    .where('user_id', 'in', [...firstIndexOf.keys()])
    .where('status', '<>', 'cancelled')
    .execute();
  const existing = new Map(existingRows.map((r) => [r.user_id, r]));
  const fresh = [...firstIndexOf.values()].map((i) => items[i]!).filter((item) => !existing.has(item.userId));

  const created = new Map<string, RegistrationDto>();
  if (fresh.length > 0) {
    const dtos = await deps.db.transaction().execute(async (trx) => {
      // The claim. One conditional UPDATE takes the row lock and decides how many of the n people
      // get a seat: g = min(n, seats left), and 0 while anyone is waiting. The waitlist count then
      // grows by n - g, so the database hands back g as max(0, n - waitlisted) (g > 0 only when
      // nobody waited before), and the batch's first waitlist place as waitlisted - (n - g) + 1.
      const n = fresh.length;
      const claimed = await sql<EventRow & { granted: number }>`
        update events.events
           set confirmed_count = confirmed_count + (case when waitlisted_count = 0 then least(${n}::int, greatest(capacity - confirmed_count, 0)) else 0 end),
               waitlisted_count = waitlisted_count + ${n}::int - (case when waitlisted_count = 0 then least(${n}::int, greatest(capacity - confirmed_count, 0)) else 0 end)
         where id = ${eventId} and status = 'published'
     returning *, greatest(0, ${n}::int - waitlisted_count)::int as granted`.execute(trx);
      const counted = claimed.rows[0];
      if (!counted) throw new AppError(ErrorCode.REGISTRATION_CLOSED, 'Registration is closed: the event is no longer published.');
      const granted = Number(counted.granted);
      const after = toEventDto(counted);
      const inserted = await insertRegistrations(
        trx,
        eventId,
        fresh.map((item, i) => ({ userId: item.userId, answers: item.answers, status: i < granted ? 'confirmed' : 'waitlisted' })),
      );
      const firstPlace = after.availability.waitlisted - (n - granted) + 1;
      const dtos = inserted.map((row, i) =>
        toRegistrationDto(
          row,
          i < granted ? { ticketToken: deps.tickets.sign(row.id, eventId) } : { waitlistPosition: firstPlace + (i - granted) },
        ),
      );
      await deps.outbox.add(
        trx,
        ...inserted.map((row, i) => ({
          ...registrationMessage(
            i < granted ? MessageType.RegistrationConfirmed : MessageType.RegistrationWaitlisted,
            row,
            after,
            dtos[i]!.waitlistPosition,
          ),
          traceparent: fresh[i]!.traceparent,
        })),
        availabilityMessage(after),
      );
      const keyed = fresh.flatMap((item, i) => (item.idempotencyKey ? [{ item, dto: dtos[i]! }] : []));
      if (keyed.length > 0) {
        // A key another request stored a moment ago stays theirs (no unique violation that would
        // fail the batch): this registration stands, and a retry with that key gets 409.
        await trx
          .insertInto('idempotency_keys')
          .values(
            keyed.map(({ item, dto }) => ({
              user_id: item.userId,
              key: item.idempotencyKey!,
              scope,
              status: 201,
              body: JSON.stringify(dto),
            })),
          )
          .onConflict((oc) => oc.columns(['user_id', 'key']).doNothing())
          .execute();
      }
      return dtos;
    });
    for (const dto of dtos) created.set(dto.userId, dto);
    // The batch is committed: a cache outage must not turn everyone's success into an error. The
    // cached copy then ages out (EVENT_CACHE_TTL_SECONDS).
    await deps.cache.delete(eventKey(eventId)).catch(() => undefined);
  }

  const presented = new Map<string, RegistrationDto>();
  for (const [userId, row] of existing) presented.set(userId, await present(deps, row));
  return items.map((item, i) => {
    const done = settled.get(i);
    if (done) return done;
    const isFirst = firstIndexOf.get(item.userId) === i;
    const mine = created.get(item.userId);
    if (mine) return { ok: true, value: { created: isFirst, registration: mine } };
    return { ok: true, value: { created: false, registration: presented.get(item.userId)! } };
  });
}
