import { sql, type Kysely } from 'kysely';
import type { NotificationsDb } from '../db/schema.js';
import { dueAt, REMINDER_OFFSETS_MINUTES } from './reminder-offsets.js';

/** An event as the schedule knows it. */
export interface ScheduledEvent {
  eventId: string;
  title: string;
  startsAt: Date;
  endsAt: Date | null;
  timeZone: string | null;
  /** Time of the message; older messages never overwrite newer facts. */
  version: Date;
}

/** A registration with a seat. */
export interface LiveRegistration {
  registrationId: string;
  eventId: string;
  userId: string;
  /** Time of the registration message. */
  at: Date;
}

/** A due reminder, locked by the claiming transaction. */
export interface DueReminder {
  registrationId: string;
  offsetMinutes: number;
  userId: string;
  dueAt: Date;
  event: { id: string; title: string; startsAt: Date; endsAt: Date | null; cancelled: boolean };
}

/** SQL for the event projection and the reminder schedule; returns plain objects. */
export function remindersRepository(db: Kysely<NotificationsDb>) {
  return {
    /** Stores the event unless a newer message already did; true when this one was applied. */
    async upsertEvent(e: ScheduledEvent): Promise<boolean> {
      const row = await db
        .insertInto('events')
        .values({
          event_id: e.eventId,
          title: e.title,
          starts_at: e.startsAt,
          ends_at: e.endsAt,
          time_zone: e.timeZone,
          version: e.version,
        })
        .onConflict((oc) =>
          oc
            .column('event_id')
            .doUpdateSet({ title: e.title, starts_at: e.startsAt, ends_at: e.endsAt, time_zone: e.timeZone, version: e.version })
            .where('events.version', '<', e.version),
        )
        .returning('event_id')
        .executeTakeFirst();
      return row !== undefined;
    },

    /** Knows the event at least from a registration message (version 0: any event message overrides it). */
    async ensureEvent(e: { eventId: string; title: string; startsAt: Date }): Promise<void> {
      await db
        .insertInto('events')
        .values({ event_id: e.eventId, title: e.title, starts_at: e.startsAt, ends_at: null, time_zone: null, version: new Date(0) })
        .onConflict((oc) => oc.column('event_id').doNothing())
        .execute();
    },

    async findEvent(eventId: string) {
      return db.selectFrom('events').selectAll().where('event_id', '=', eventId).executeTakeFirst();
    },

    /** Marks the event cancelled (remembered even if it was never seen, against late registration messages) and drops its reminders. */
    async cancelEvent(e: { eventId: string; title: string; at: Date }): Promise<void> {
      await db
        .insertInto('events')
        .values({ event_id: e.eventId, title: e.title, starts_at: e.at, ends_at: null, time_zone: null, cancelled_at: e.at, version: e.at })
        .onConflict((oc) => oc.column('event_id').doUpdateSet({ cancelled_at: e.at }))
        .execute();
      await db
        .updateTable('reminders')
        .set({ status: 'dropped' })
        .where('event_id', '=', e.eventId)
        .where('status', '=', 'pending')
        .execute();
    },

    /**
     * One row per offset for a live registration: pending while still ahead of `now`, dropped
     * (missed) otherwise. A row written for a newer registration message is left alone, and a
     * reminder already sent for the same time is not sent again.
     */
    async schedule(reg: LiveRegistration, startsAt: Date, now: Date): Promise<void> {
      const rows = REMINDER_OFFSETS_MINUTES.map((offset) => {
        const due = dueAt(startsAt, offset);
        return {
          registration_id: reg.registrationId,
          offset_minutes: offset,
          event_id: reg.eventId,
          user_id: reg.userId,
          due_at: due,
          status: due > now ? ('pending' as const) : ('dropped' as const),
          registration_at: reg.at,
        };
      });
      await db
        .insertInto('reminders')
        .values(rows)
        .onConflict((oc) =>
          oc
            .columns(['registration_id', 'offset_minutes'])
            .doUpdateSet((eb) => ({
              status: eb.ref('excluded.status'),
              due_at: eb.ref('excluded.due_at'),
              registration_at: eb.ref('excluded.registration_at'),
            }))
            .where('reminders.registration_at', '<', reg.at)
            .where((eb) => eb.not(eb.and([eb('reminders.status', '=', 'sent'), eb('reminders.due_at', '=', eb.ref('excluded.due_at'))]))),
        )
        .execute();
    },

    /** Drops a registration's reminders, and keeps them dropped against an older message arriving late. */
    async drop(reg: LiveRegistration, startsAt: Date): Promise<void> {
      const rows = REMINDER_OFFSETS_MINUTES.map((offset) => ({
        registration_id: reg.registrationId,
        offset_minutes: offset,
        event_id: reg.eventId,
        user_id: reg.userId,
        due_at: dueAt(startsAt, offset),
        status: 'dropped' as const,
        registration_at: reg.at,
      }));
      await db
        .insertInto('reminders')
        .values(rows)
        .onConflict((oc) =>
          oc
            .columns(['registration_id', 'offset_minutes'])
            .doUpdateSet({ status: 'dropped', registration_at: reg.at })
            .where('reminders.registration_at', '<=', reg.at)
            .where('reminders.status', '!=', 'sent'),
        )
        .execute();
    },

    /**
     * The event moved: every reminder not dropped follows it. One already sent for the old time is
     * due again for the new time; one whose new time has passed is dropped.
     */
    async reschedule(eventId: string, startsAt: Date, now: Date): Promise<void> {
      const due = sql<Date>`${startsAt}::timestamptz - make_interval(mins => offset_minutes)`;
      await db
        .updateTable('reminders')
        .set({ due_at: due, status: sql`case when ${due} > ${now}::timestamptz then 'pending' else 'dropped' end` })
        .where('event_id', '=', eventId)
        .where('status', 'in', ['pending', 'sent'])
        .where('due_at', '!=', due)
        .execute();
    },

    /** Locks up to `limit` due reminders for the caller's transaction; other replicas skip them. */
    async lockDue(now: Date, limit: number): Promise<DueReminder[]> {
      const rows = await db
        .selectFrom('reminders as r')
        .innerJoin('events as e', 'e.event_id', 'r.event_id')
        .select([
          'r.registration_id',
          'r.offset_minutes',
          'r.user_id',
          'r.due_at',
          'e.event_id',
          'e.title',
          'e.starts_at',
          'e.ends_at',
          'e.cancelled_at',
        ])
        .where('r.status', '=', 'pending')
        .where('r.due_at', '<=', now)
        .orderBy('r.due_at')
        .limit(limit)
        .forUpdate('r')
        .skipLocked()
        .execute();
      return rows.map((r) => ({
        registrationId: r.registration_id,
        offsetMinutes: r.offset_minutes,
        userId: r.user_id,
        dueAt: new Date(r.due_at),
        event: {
          id: r.event_id,
          title: r.title,
          startsAt: new Date(r.starts_at),
          endsAt: r.ends_at ? new Date(r.ends_at) : null,
          cancelled: r.cancelled_at !== null,
        },
      }));
    },

    async settle(registrationId: string, offsetMinutes: number, status: 'sent' | 'dropped', now: Date): Promise<void> {
      await db
        .updateTable('reminders')
        .set({ status, sent_at: status === 'sent' ? now : null })
        .where('registration_id', '=', registrationId)
        .where('offset_minutes', '=', offsetMinutes)
        .execute();
    },
  };
}
