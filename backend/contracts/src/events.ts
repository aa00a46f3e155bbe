import { z } from 'zod';
import { eventIdSchema, pageOf, pageQuerySchema, prefixedId, userIdSchema } from './common.js';
import { instant, isStorableText, singleLine, text } from './text.js';

export const EVENT_STATUSES = ['draft', 'published', 'cancelled', 'completed'] as const;
export const eventStatusSchema = z.enum(EVENT_STATUSES);
/** An event's lifecycle state: draft → published → cancelled | completed. */
export type EventStatus = (typeof EVENT_STATUSES)[number];
/** Who may see an event: anyone (`public`), signed-in users (`internal`), invitees (`private`). The one declaration. */
export const EVENT_VISIBILITIES = ['public', 'internal', 'private'] as const;
export const visibilitySchema = z.enum(EVENT_VISIBILITIES);
export type EventVisibility = (typeof EVENT_VISIBILITIES)[number];

/** True when `tz` names a time zone this runtime knows (IANA, e.g. `Europe/Berlin`, or `UTC`). */
export function isIanaTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

export const questionSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9_-]{1,40}$/, 'must be 1–40 lower-case letters, digits, - or _'),
    label: singleLine({ min: 1, max: 200 }),
    type: z.enum(['text', 'choice', 'checkbox']),
    required: z.boolean().default(false),
    options: z
      .array(singleLine({ min: 1, max: 100 }))
      .max(50)
      .optional(),
  })
  .strict()
  .refine((q) => q.type !== 'choice' || (q.options?.length ?? 0) >= 2, {
    message: 'a choice question needs at least two options',
    path: ['options'],
  })
  .meta({ id: 'RegistrationQuestion' });
export type Question = z.infer<typeof questionSchema>;

const questionsSchema = z
  .array(questionSchema)
  .max(20)
  .refine((qs) => new Set(qs.map((q) => q.id)).size === qs.length, 'question ids must be unique');

/** The most ticket types one event may have. */
export const MAX_TICKET_TYPES = 20;
export const ticketTypeIdSchema = prefixedId('tkt', 'Ticket type id.');

/**
 * A ticket type as organizers write it: without `id` a new type, with the id of one of the event's
 * types an edit of it. `hidden` types are not shown to attendees; `hidden` and
 * `accessCodeRequired` types open only with an access code.
 */
export const ticketTypeInputSchema = z
  .object({
    id: ticketTypeIdSchema.optional(),
    name: singleLine({ min: 1, max: 100 }),
    description: text({ max: 1000 }).nullable().default(null),
    capacity: z.number().int().min(1).max(1_000_000),
    hidden: z.boolean().default(false),
    accessCodeRequired: z.boolean().default(false),
    salesStart: instant().nullable().default(null),
    salesEnd: instant().nullable().default(null),
  })
  .strict()
  .refine((t) => !t.salesStart || !t.salesEnd || Date.parse(t.salesEnd) > Date.parse(t.salesStart), {
    message: 'must be after salesStart',
    path: ['salesEnd'],
  })
  .meta({ id: 'TicketTypeInput' });
export type TicketTypeInput = z.infer<typeof ticketTypeInputSchema>;

const ticketTypesInputSchema = z
  .array(ticketTypeInputSchema)
  .min(1)
  .max(MAX_TICKET_TYPES)
  .refine((ts) => {
    const ids = ts.flatMap((t) => (t.id ? [t.id] : []));
    return new Set(ids).size === ids.length;
  }, 'ticket type ids must be unique')
  .meta({
    description:
      'The whole list: types sent with an id are edited, without one created, and the event’s types left out are removed (only while nobody holds a registration for them).',
  });

/** How registrations are taken: `open` (first come, first served) or `approval` (pending until an organizer approves). */
export const REGISTRATION_MODES = ['open', 'approval'] as const;
export const registrationModeSchema = z.enum(REGISTRATION_MODES).meta({
  id: 'RegistrationMode',
  description: '`open`: a registration claims a seat at once. `approval`: it is pending (holds no seat) until an organizer approves it.',
});
export type RegistrationMode = (typeof REGISTRATION_MODES)[number];

const eventFields = {
  title: singleLine({ min: 3, max: 200 }),
  description: text({ max: 20_000 }),
  startsAt: instant(),
  endsAt: instant(),
  timeZone: singleLine({ max: 100 }).refine(isIanaTimeZone, 'must be an IANA time zone'),
  venue: singleLine({ max: 300 }).nullable(),
  onlineUrl: z
    .url({ protocol: /^https$/ })
    .max(2000)
    .refine(isStorableText, 'must not contain U+0000 or an unpaired surrogate')
    .nullable(),
  capacity: z.number().int().min(1).max(1_000_000).meta({
    description:
      'The overall limit across ticket types. Without `ticketTypes` on create, the size of the one "General admission" type; on an event with one type and no overall limit, editing it resizes that type. In PATCH, null clears the overall limit (only the types\' quotas remain).',
  }),
  ticketTypes: ticketTypesInputSchema,
  visibility: visibilitySchema,
  tags: z.array(singleLine({ min: 1, max: 40 }).toLowerCase()).max(20),
  registrationOpensAt: instant().nullable(),
  registrationClosesAt: instant().nullable(),
  questions: questionsSchema,
  registrationMode: registrationModeSchema,
};

/** Cross-field rules shared by create and update. */
function eventRules<T extends z.ZodType<Partial<Record<keyof typeof eventFields, unknown>>>>(schema: T) {
  return schema
    .refine((e) => !e.startsAt || !e.endsAt || Date.parse(e.endsAt as string) > Date.parse(e.startsAt as string), {
      message: 'must be after startsAt',
      path: ['endsAt'],
    })
    .refine(
      (e) =>
        !e.registrationOpensAt ||
        !e.registrationClosesAt ||
        Date.parse(e.registrationClosesAt as string) > Date.parse(e.registrationOpensAt as string),
      { message: 'must be after registrationOpensAt', path: ['registrationClosesAt'] },
    );
}

export const updateEventRequestSchema = eventRules(
  z
    .object({ ...eventFields, capacity: eventFields.capacity.nullable() })
    .partial()
    .strict(),
).meta({
  id: 'UpdateEventRequest',
  description: 'Any subset of the event fields. Neither the capacity nor a ticket type’s capacity can drop below its confirmed count.',
});
export type UpdateEventRequest = z.infer<typeof updateEventRequestSchema>;

export const createEventRequestSchema = eventRules(
  z
    .object({
      ...eventFields,
      capacity: eventFields.capacity.optional(),
      ticketTypes: eventFields.ticketTypes.optional(),
      description: eventFields.description.default(''),
      venue: eventFields.venue.default(null),
      onlineUrl: eventFields.onlineUrl.default(null),
      visibility: eventFields.visibility.default('public'),
      tags: eventFields.tags.default([]),
      registrationOpensAt: eventFields.registrationOpensAt.default(null),
      registrationClosesAt: eventFields.registrationClosesAt.default(null),
      questions: questionsSchema.default([]),
      registrationMode: registrationModeSchema.default('open'),
    })
    .strict(),
)
  .refine((e) => e.venue !== null || e.onlineUrl !== null, { message: 'give a venue, an online URL, or both', path: ['venue'] })
  .refine((e) => e.capacity !== undefined || e.ticketTypes !== undefined, {
    message: 'give a capacity, ticket types, or both',
    path: ['capacity'],
  })
  .refine((e) => e.ticketTypes === undefined || e.ticketTypes.every((t) => t.id === undefined), {
    message: 'a new event’s ticket types have no ids yet',
    path: ['ticketTypes'],
  })
  .meta({ id: 'CreateEventRequest' });
export type CreateEventRequest = z.infer<typeof createEventRequestSchema>;

/** One ticket type's counts: its quota, confirmed and waitlisted registrations, and seats left (the overall limit included). */
export const ticketTypeAvailabilitySchema = z
  .object({
    id: ticketTypeIdSchema,
    capacity: z.number().int(),
    confirmed: z.number().int(),
    seatsLeft: z.number().int(),
    waitlisted: z.number().int(),
  })
  .meta({ id: 'TicketTypeAvailability' });
export type TicketTypeAvailability = z.infer<typeof ticketTypeAvailabilitySchema>;

export const availabilitySchema = z
  .object({
    capacity: z.number().int(),
    confirmed: z.number().int(),
    seatsLeft: z.number().int(),
    waitlisted: z.number().int(),
    ticketTypes: z
      .array(ticketTypeAvailabilitySchema)
      .optional()
      .meta({ description: 'Per ticket type (those the caller may see). Absent only in messages from before ticket types.' }),
  })
  .meta({ id: 'Availability' });
export type Availability = z.infer<typeof availabilitySchema>;

/** A ticket type as the API shows it. */
export const ticketTypeSchema = z
  .object({
    id: ticketTypeIdSchema,
    name: z.string(),
    description: z.string().nullable(),
    capacity: z.number().int(),
    hidden: z.boolean(),
    accessCodeRequired: z.boolean(),
    salesStart: z.string().nullable(),
    salesEnd: z.string().nullable(),
  })
  .meta({ id: 'TicketType' });
export type TicketType = z.infer<typeof ticketTypeSchema>;

export const eventSchema = z
  .object({
    id: eventIdSchema,
    title: z.string(),
    description: z.string().meta({ description: 'Markdown source.' }),
    descriptionHtml: z.string().meta({ description: 'The description rendered to HTML and sanitised (no script, style or handlers).' }),
    startsAt: z.string(),
    endsAt: z.string(),
    timeZone: z.string(),
    venue: z.string().nullable(),
    onlineUrl: z.string().nullable(),
    capacity: z
      .number()
      .int()
      .meta({ description: 'The enforced total: the overall limit, or the sum of the ticket types’ quotas if smaller.' }),
    overallCapacity: z
      .number()
      .int()
      .nullable()
      .meta({ description: 'The organizer’s limit across ticket types; null: only the types’ own.' }),
    ticketTypes: z
      .array(ticketTypeSchema)
      .meta({ description: 'In the organizer’s order. Hidden types are listed for the event’s managers only.' }),
    visibility: visibilitySchema,
    tags: z.array(z.string()),
    status: eventStatusSchema,
    organizerIds: z.array(userIdSchema),
    createdAt: z.string(),
    publishedAt: z.string().nullable(),
    registrationOpensAt: z.string().nullable(),
    registrationClosesAt: z.string().nullable(),
    questions: z.array(questionSchema),
    registrationMode: registrationModeSchema,
    availability: availabilitySchema,
    inviteUrl: z
      .string()
      .optional()
      .meta({ description: 'Private events, for their managers only: the link that lets invitees see and register.' }),
  })
  .meta({ id: 'Event' });
export type EventDto = z.infer<typeof eventSchema>;

export const eventPageSchema = pageOf(eventSchema, 'EventPage');
export type EventPage = z.infer<typeof eventPageSchema>;
/** `GET /api/events/mine`: the events the caller organizes, any status. */
export const managedEventsSchema = z.object({ items: z.array(eventSchema) }).meta({ id: 'ManagedEvents' });
export type ManagedEvents = z.infer<typeof managedEventsSchema>;

export const listEventsQuerySchema = pageQuerySchema.extend({
  q: singleLine({ min: 1, max: 200 }).optional().meta({ description: 'Full-text search over title, description and tags.' }),
  from: instant().optional().meta({ description: 'Events starting at or after this instant.' }),
  to: instant().optional().meta({ description: 'Events starting before this instant.' }),
  tag: singleLine({ min: 1, max: 40 }).toLowerCase().optional(),
  hasSeats: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional()
    .meta({ description: 'Only events with seats left.' }),
  mode: z.enum(['online', 'in_person']).optional().meta({ description: 'Events with an online URL, or with a venue.' }),
  scope: z.enum(['visible', 'all']).optional().meta({
    description:
      '`visible` (default): upcoming published events the caller may see. `all`: every event in any status, past ones included, soonest first (admins only).',
  }),
});
export type ListEventsQuery = z.infer<typeof listEventsQuerySchema>;
export const eventIdParamsSchema = z.object({ id: eventIdSchema });
/** `?invite=` on reads and registrations of private events. */
export const inviteQuerySchema = z.object({
  invite: z
    .string()
    .regex(/^[A-Za-z0-9_-]{22}$/, 'must be an invitation code')
    .optional(),
});

export const coOrganizerRequestSchema = z.object({ userId: userIdSchema }).strict().meta({ id: 'CoOrganizerRequest' });

export const REGISTRATION_STATUSES = ['confirmed', 'waitlisted', 'pending', 'rejected', 'cancelled'] as const;
/**
 * A registration's state: confirmed (holds a seat and a ticket), waitlisted (in the queue), pending
 * (approval mode: holds no seat until an organizer approves), rejected (an organizer declined;
 * final), cancelled (final).
 */
export type RegistrationStatus = (typeof REGISTRATION_STATUSES)[number];
export const registrationStatusSchema = z.enum(REGISTRATION_STATUSES);
export const registrationIdSchema = z
  .string()
  .regex(/^reg_[0-9a-z]{25}$/, 'must be a reg_ id')
  .meta({ description: 'Registration id.', example: 'reg_0123456789abcdefghijklmno' });

export const registerRequestBodySchema = z
  .object({
    answers: z.record(singleLine({ max: 40, trim: false }), z.union([text({ max: 1000 }), z.boolean()])).default({}),
    ticketTypeId: ticketTypeIdSchema.optional().meta({ description: 'Required when the event offers more than one ticket type.' }),
    accessCode: singleLine({ min: 1, max: 64 })
      .optional()
      .meta({ description: 'Opens a hidden or code-only ticket type (case-insensitive). Each use is counted with the seat claim.' }),
  })
  .strict()
  .meta({ id: 'RegistrationRequest' });

export const registrationSchema = z
  .object({
    id: registrationIdSchema,
    eventId: eventIdSchema,
    userId: userIdSchema,
    status: registrationStatusSchema,
    ticketTypeId: ticketTypeIdSchema,
    waitlistPosition: z.number().int().optional().meta({ description: 'While waitlisted: the place in the ticket type’s own queue.' }),
    ticketToken: z.string().optional().meta({ description: 'Present while confirmed: the signed token the QR code encodes.' }),
    ticketCode: z.string().optional().meta({
      description: 'Present while confirmed: the short code printed under the QR (8 characters of Crockford base32).',
      example: '7K3M-9QXD',
    }),
    answers: z.record(z.string(), z.union([z.string(), z.boolean()])),
    createdAt: z.string(),
    checkedInAt: z.string().nullable(),
    rejectionReason: z.string().nullable().optional().meta({ description: 'When rejected: the reason the organizer gave (null: none).' }),
  })
  .meta({ id: 'Registration' });
export type RegistrationDto = z.infer<typeof registrationSchema>;
/** One of the caller's own registrations, with what their ticket list shows of the event. */
export const myRegistrationSchema = registrationSchema
  .extend({ eventTitle: z.string(), startsAt: z.string(), endsAt: z.string(), timeZone: z.string() })
  .meta({ id: 'MyRegistration' });
export type MyRegistrationDto = z.infer<typeof myRegistrationSchema>;
/** `GET /api/registrations/mine`: the caller's registrations, soonest event first. */
export const myRegistrationsSchema = z.object({ items: z.array(myRegistrationSchema) }).meta({ id: 'MyRegistrations' });
export type MyRegistrations = z.infer<typeof myRegistrationsSchema>;
export const registrationPageSchema = pageOf(registrationSchema, 'RegistrationPage');
export const registrationIdParamsSchema = z.object({ id: registrationIdSchema });

/** An attendee as the event's managers see them: the registration plus the person's name and email (null until known). */
export const attendeeSchema = registrationSchema
  .extend({ displayName: z.string().nullable(), email: z.string().nullable() })
  .meta({ id: 'Attendee' });
export type Attendee = z.infer<typeof attendeeSchema>;
export const attendeePageSchema = pageOf(attendeeSchema, 'AttendeePage');
export type AttendeePage = z.infer<typeof attendeePageSchema>;
/** `GET /api/events/:id/registrations`: a page, optionally of one status. */
export const listAttendeesQuerySchema = pageQuerySchema.extend({ status: registrationStatusSchema.optional() });
export type ListAttendeesQuery = z.infer<typeof listAttendeesQuerySchema>;

/** `POST /api/registrations/{id}/reject`: an optional reason, which the attendee is told. */
export const rejectRegistrationRequestSchema = z
  .object({ reason: text({ max: 500 }).optional() })
  .strict()
  .meta({ id: 'RejectRegistrationRequest' });
export type RejectRegistrationRequest = z.infer<typeof rejectRegistrationRequestSchema>;

/** The most registrations one bulk approve or reject may name. */
export const MAX_BULK_DECISIONS = 500;
/** `POST /api/events/{id}/registrations/approve|reject`: registrations of that event, decided in the order given. */
export const bulkDecisionRequestSchema = z
  .object({
    ids: z
      .array(registrationIdSchema)
      .min(1)
      .max(MAX_BULK_DECISIONS)
      .refine((ids) => new Set(ids).size === ids.length, 'ids must be unique'),
    reason: text({ max: 500 }).optional().meta({ description: 'Reject only: the reason every attendee is told.' }),
  })
  .strict()
  .meta({ id: 'BulkDecisionRequest' });
export type BulkDecisionRequest = z.infer<typeof bulkDecisionRequestSchema>;

/** One id's outcome in a bulk decision: the registration as it now is, or why it was left as it was. */
export const bulkDecisionResultSchema = z
  .object({
    id: registrationIdSchema,
    ok: z.boolean(),
    registration: registrationSchema.optional(),
    error: z.object({ code: z.string(), detail: z.string() }).optional(),
  })
  .meta({ id: 'BulkDecisionResult' });
export type BulkDecisionResult = z.infer<typeof bulkDecisionResultSchema>;
export const bulkDecisionResponseSchema = z.object({ results: z.array(bulkDecisionResultSchema) }).meta({ id: 'BulkDecisionResponse' });
export type BulkDecisionResponse = z.infer<typeof bulkDecisionResponseSchema>;
