import { stringify } from 'csv-stringify/sync';
import { z } from 'zod';
import { cursorCodec, recordAudit, toPage, type AuthUser, type RequestOrigin } from '@secureevent/shared';
import type { RegistrationDto } from '@secureevent/contracts';
import { assertCanManage } from '../events/event-access.js';
import type { RegistrationDeps } from './register-for-event.js';
import { toRegistrationDto } from './registrations.repository.js';

const cursor = cursorCodec(z.object({ createdAt: z.iso.datetime(), id: z.string().max(40) }));

/** An attendee row as organizers see it: the registration plus the person's name and email. */
export type Attendee = RegistrationDto & { displayName: string | null; email: string | null };

function attendeesQuery(deps: RegistrationDeps, eventId: string) {
  return deps.db
    .selectFrom('registrations as r')
    .leftJoin('people as p', 'p.user_id', 'r.user_id')
    .selectAll('r')
    .select(['p.display_name', 'p.email'])
    .where('r.event_id', '=', eventId);
}

/** The attendee list of an event, for its managers, oldest registration first. */
export async function listAttendees(
  deps: RegistrationDeps,
  actor: AuthUser,
  eventId: string,
  query: { cursor?: string | undefined; limit: number; status?: RegistrationDto['status'] | undefined },
  origin: RequestOrigin,
) {
  await assertCanManage(deps, eventId, actor, origin);
  let q = attendeesQuery(deps, eventId);
  if (query.status) q = q.where('r.status', '=', query.status);
  const after = cursor.decode(query.cursor);
  if (after) {
    q = q.where((eb) =>
      eb.or([
        eb('r.created_at', '>', new Date(after.createdAt)),
        eb.and([eb('r.created_at', '=', new Date(after.createdAt)), eb('r.id', '>', after.id)]),
      ]),
    );
  }
  const rows = await q
    .orderBy('r.created_at')
    .orderBy('r.id')
    .limit(query.limit + 1)
    .execute();
  const items: Attendee[] = rows.map((r) => ({ ...toRegistrationDto(r), displayName: r.display_name, email: r.email }));
  return toPage(items, query.limit, (a) => ({ createdAt: a.createdAt, id: a.id }), cursor.encode);
}

/**
 * Spreadsheet formula injection: a cell starting with = + - @ (or tab/CR) would run as a formula
 * in Excel or Sheets, and so does one starting with their full-width forms ＝ ＋ － ＠ (U+FF1D,
 * U+FF0B, U+FF0D, U+FF20), which spreadsheets in East Asian locales read as the ASCII ones.
 * Prefixing a quote makes it plain text.
 */
export function neutraliseFormula(value: string): string {
  return /^[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/.test(value) ? `'${value}` : value;
}

/** The attendee list as CSV (UTF-8 with BOM for Excel), one column per registration question. Audited. */
export async function exportAttendeesCsv(deps: RegistrationDeps, actor: AuthUser, eventId: string, origin: RequestOrigin): Promise<string> {
  const event = await assertCanManage(deps, eventId, actor, origin);
  const rows = await attendeesQuery(deps, eventId).where('r.status', '<>', 'cancelled').orderBy('r.created_at').orderBy('r.id').execute();
  const header = [
    'registration_id',
    'user_id',
    'name',
    'email',
    'status',
    'registered_at',
    'checked_in_at',
    ...event.questions.map((q) => q.label),
  ];
  const records = rows.map((r) => [
    r.id,
    r.user_id,
    r.display_name ?? '',
    r.email ?? '',
    r.status,
    new Date(r.created_at).toISOString(),
    r.checked_in_at ? new Date(r.checked_in_at).toISOString() : '',
    ...event.questions.map((q) => {
      const v = r.answers[q.id];
      return v === undefined ? '' : typeof v === 'boolean' ? (v ? 'yes' : 'no') : v;
    }),
  ]);
  await deps.db.transaction().execute((trx) =>
    recordAudit(deps.outbox, trx, {
      actorId: actor.id,
      action: 'event.attendees_exported',
      targetId: eventId,
      outcome: 'success',
      origin,
    }),
  );
  return '\uFEFF' + stringify([header, ...records].map((cells) => cells.map((c) => neutraliseFormula(String(c)))));
}
