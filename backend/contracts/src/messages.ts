import { z } from 'zod';
import { eventIdSchema, roleSchema, userIdSchema } from './common.js';
import { ticketTypeAvailabilitySchema, ticketTypeIdSchema, visibilitySchema } from './events.js';
import { userErasedV1 } from './privacy.js';

/** Every message type on the `secureevent` exchange: past tense and versioned. */
export const MessageType = {
  UserRegistered: 'user.registered.v1',
  UserRolesChanged: 'user.roles_changed.v1',
  UserUpdated: 'user.updated.v1',
  UserDisabled: 'user.disabled.v1',
  UserEnabled: 'user.enabled.v1',
  UserErased: 'user.erased.v1',
  AccountMailRequested: 'account.mail_requested.v1',
  EventPublished: 'event.published.v1',
  EventUpdated: 'event.updated.v1',
  EventCancelled: 'event.cancelled.v1',
  RegistrationConfirmed: 'registration.confirmed.v1',
  RegistrationWaitlisted: 'registration.waitlisted.v1',
  RegistrationPromoted: 'registration.promoted.v1',
  RegistrationCancelled: 'registration.cancelled.v1',
  RegistrationPending: 'registration.pending.v1',
  RegistrationRejected: 'registration.rejected.v1',
  CheckinRecorded: 'checkin.recorded.v1',
  CheckinUndone: 'checkin.undone.v1',
  EventAvailabilityChanged: 'event.availability_changed.v1',
  AuditRecorded: 'audit.recorded.v1',
} as const;
export type MessageType = (typeof MessageType)[keyof typeof MessageType];

/** `user.registered.v1`: a new account exists. No password material, ever. */
export const userRegisteredV1 = z.object({
  userId: userIdSchema,
  email: z.string(),
  displayName: z.string(),
  roles: z.array(roleSchema),
  registeredAt: z.string(),
});
export type UserRegisteredV1 = z.infer<typeof userRegisteredV1>;

/** `user.updated.v1`: a user's profile changed (display name); carries the current profile. */
export const userUpdatedV1 = z.object({
  userId: userIdSchema,
  email: z.string(),
  displayName: z.string(),
  updatedAt: z.string(),
});
export type UserUpdatedV1 = z.infer<typeof userUpdatedV1>;

/** `user.disabled.v1`: an admin disabled an account; every service refuses its tokens from now on. */
export const userDisabledV1 = z.object({
  userId: userIdSchema,
  disabledBy: userIdSchema,
  disabledAt: z.string(),
});
export type UserDisabledV1 = z.infer<typeof userDisabledV1>;

/** `user.enabled.v1`: an admin enabled a disabled account again; its new tokens are accepted. */
export const userEnabledV1 = z.object({
  userId: userIdSchema,
  enabledBy: userIdSchema,
  enabledAt: z.string(),
});
export type UserEnabledV1 = z.infer<typeof userEnabledV1>;

/** The account mails the user-service asks the notification-service to send (ADR 0026). */
export const accountMailKindSchema = z.enum([
  'password_reset',
  'email_verification',
  'password_changed',
  'email_change_notice',
  'mfa_enabled',
  'mfa_disabled',
]);
export type AccountMailKind = z.infer<typeof accountMailKindSchema>;

/**
 * `account.mail_requested.v1`: send one account mail now, to `to` (not necessarily the address on
 * file: a new address is verified before it is saved). `link` is app-relative and may carry a
 * single-use token (valid until `expiresAt`); the message is never logged.
 */
export const accountMailRequestedV1 = z.object({
  userId: userIdSchema,
  kind: accountMailKindSchema,
  to: z.object({ address: z.string(), name: z.string() }),
  locale: z.enum(['en', 'de', 'fr']),
  link: z.string().nullable(),
  expiresAt: z.string().nullable(),
  requestedAt: z.string(),
});
export type AccountMailRequestedV1 = z.infer<typeof accountMailRequestedV1>;

/** `event.published.v1`: an event became visible to attendees. */
export const eventPublishedV1 = z.object({
  eventId: eventIdSchema,
  title: z.string(),
  startsAt: z.string(),
  endsAt: z.string(),
  timeZone: z.string(),
  visibility: visibilitySchema,
  capacity: z.number().int(),
  organizerIds: z.array(userIdSchema),
  publishedBy: userIdSchema,
  publishedAt: z.string(),
});
export type EventPublishedV1 = z.infer<typeof eventPublishedV1>;

/** `user.roles_changed.v1`: an admin changed a user's roles. Tokens issued before keep the old roles until they expire (≤ 5 min). */
export const userRolesChangedV1 = z.object({
  userId: userIdSchema,
  roles: z.array(roleSchema),
  previousRoles: z.array(roleSchema),
  changedBy: userIdSchema,
  changedAt: z.string(),
});
export type UserRolesChangedV1 = z.infer<typeof userRolesChangedV1>;

/** The security-relevant actions recorded as `audit.recorded.v1`. */
export const AUDIT_ACTIONS = [
  'event.created',
  'event.updated',
  'event.published',
  'event.cancelled',
  'event.completed',
  'event.co_organizer_added',
  'event.co_organizer_removed',
  'event.attendees_exported',
  'registration.confirmed',
  'registration.waitlisted',
  'registration.promoted',
  'registration.cancelled',
  'registration.pending',
  'registration.approved',
  'registration.rejected',
  'event.access_code_created',
  'event.access_code_deleted',
  'checkin.recorded',
  'checkin.undone',
  'calendar.feed_issued',
  'calendar.feed_revoked',
  'access.denied',
  'auth.login',
  'auth.refresh_reuse',
  'auth.logout',
  'auth.logout_all',
  'auth.oidc_login',
  'user.roles_changed',
  'user.disabled',
  'user.enabled',
  'user.password_changed',
  'user.profile_updated',
  'user.password_reset_requested',
  'user.password_reset',
  'user.email_verified',
  'user.email_changed',
  'user.erased',
  'auth.session_revoked',
  'auth.logout_others',
  'auth.mfa_login',
  'auth.recovery_code_used',
  'user.mfa_setup_started',
  'user.mfa_enabled',
  'user.mfa_disabled',
  'event.draft_assisted',
] as const;

/**
 * One field of a change an audit record describes: what it was and what it became. Values that are
 * personal data (emails, names, answers) never travel in clear: the producer marks them, and
 * `recordAudit` replaces them with a keyed reference (see docs/adr on personal data in the trail).
 */
export const fieldChangeSchema = z.object({
  field: z.string().min(1).max(100),
  from: z.unknown(),
  to: z.unknown(),
});
export type FieldChange = z.infer<typeof fieldChangeSchema>;

/**
 * What stands in a change's `from`/`to` for a personal value (an email, a name, an answer): its
 * HMAC-SHA256 under the subject's key in the producing service (ADR 0021). Erasing the user deletes
 * the key, so the reference can no longer be linked to anyone, while the chain still verifies.
 */
export const personalValueRefSchema = z.object({ hmac: z.string().regex(/^[A-Za-z0-9_-]{43}$/), keyId: z.string().min(1).max(100) });
export type PersonalValueRef = z.infer<typeof personalValueRefSchema>;

/** `audit.recorded.v1`: who did what to whom, from where, and whether it worked. Never secrets. */
export const auditRecordedV1 = z.object({
  actorId: userIdSchema.nullable(),
  action: z.enum(AUDIT_ACTIONS),
  targetId: z.string().nullable(),
  outcome: z.enum(['success', 'failure']),
  reason: z.string().max(200).nullable(),
  ip: z.string().max(100).nullable(),
  userAgent: z.string().max(500).nullable(),
  /** What changed from what to what (absent in records from before it was added, and for actions that change nothing). */
  changes: z.array(fieldChangeSchema).max(100).optional(),
  /** The id of the request (or message) that caused it, as in the logs' `requestId` (absent in older records). */
  requestId: z.string().max(100).nullable().optional(),
  at: z.string(),
});
export type AuditRecordedV1 = z.infer<typeof auditRecordedV1>;

/** `event.updated.v1`: a published event changed; `changed` names the fields. */
export const eventUpdatedV1 = z.object({
  eventId: eventIdSchema,
  title: z.string(),
  startsAt: z.string(),
  endsAt: z.string(),
  timeZone: z.string(),
  visibility: visibilitySchema,
  changed: z.array(z.string()),
  /** Everyone holding a live registration, so they can be told (empty when nobody needs telling). */
  registeredUserIds: z.array(userIdSchema),
  /** The organizers and co-organizers after the change (absent in messages from before it was added). */
  organizerIds: z.array(userIdSchema).optional(),
  updatedBy: userIdSchema,
  updatedAt: z.string(),
});
export type EventUpdatedV1 = z.infer<typeof eventUpdatedV1>;

/** `event.cancelled.v1`: every registration is released. */
export const eventCancelledV1 = z.object({
  eventId: eventIdSchema,
  title: z.string(),
  visibility: visibilitySchema,
  /** Everyone whose registration the cancellation released. */
  registeredUserIds: z.array(userIdSchema),
  cancelledBy: userIdSchema,
  cancelledAt: z.string(),
});
export type EventCancelledV1 = z.infer<typeof eventCancelledV1>;

/** `event.availability_changed.v1`: the counts after a registration change. */
export const eventAvailabilityChangedV1 = z.object({
  eventId: eventIdSchema,
  visibility: visibilitySchema,
  capacity: z.number().int(),
  confirmed: z.number().int(),
  seatsLeft: z.number().int(),
  waitlisted: z.number().int(),
  /** Per ticket type, hidden ones included (the real-time gateway shows attendees the visible ones). Absent from producers before ticket types. */
  ticketTypes: z.array(ticketTypeAvailabilitySchema.extend({ hidden: z.boolean() })).optional(),
  at: z.string(),
});
export type EventAvailabilityChangedV1 = z.infer<typeof eventAvailabilityChangedV1>;

/** `registration.confirmed.v1`, `registration.waitlisted.v1`, `registration.promoted.v1`, `registration.cancelled.v1`. */
export const registrationChangedV1 = z.object({
  registrationId: z.string().regex(/^reg_[0-9a-z]{25}$/),
  eventId: eventIdSchema,
  userId: userIdSchema,
  eventTitle: z.string(),
  startsAt: z.string(),
  status: z.enum(['confirmed', 'waitlisted', 'pending', 'rejected', 'cancelled']),
  /** Absent from producers before ticket types. */
  ticketTypeId: ticketTypeIdSchema.optional(),
  waitlistPosition: z.number().int().optional(),
  /** Confirmed (and promoted) registrations: the ticket's short code, for the holder's mail and notice. Absent from producers before it. */
  ticketCode: z
    .string()
    .regex(/^[0-9A-Z]{8}$/)
    .optional(),
  at: z.string(),
});
export type RegistrationChangedV1 = z.infer<typeof registrationChangedV1>;

/** `registration.pending.v1`: someone asked to attend an event in approval mode; its organizers are told. */
export const registrationPendingV1 = registrationChangedV1.extend({
  /** The organizers and co-organizers who may approve it. */
  organizerIds: z.array(userIdSchema),
});
export type RegistrationPendingV1 = z.infer<typeof registrationPendingV1>;

/** `registration.rejected.v1`: an organizer declined a pending registration; the attendee is told. */
export const registrationRejectedV1 = registrationChangedV1.extend({
  reason: z.string().max(500).nullable(),
});
export type RegistrationRejectedV1 = z.infer<typeof registrationRejectedV1>;

/** `checkin.recorded.v1`: a ticket was scanned at the door. */
export const checkinRecordedV1 = z.object({
  registrationId: z.string().regex(/^reg_[0-9a-z]{25}$/),
  eventId: eventIdSchema,
  userId: userIdSchema,
  checkedInBy: userIdSchema,
  checkedInAt: z.string(),
  checkedIn: z.number().int(),
});
export type CheckinRecordedV1 = z.infer<typeof checkinRecordedV1>;

/** `checkin.undone.v1`: a check-in was undone at the door (a wrong tap); `checkedIn` is the event's count after it. */
export const checkinUndoneV1 = z.object({
  registrationId: z.string().regex(/^reg_[0-9a-z]{25}$/),
  eventId: eventIdSchema,
  userId: userIdSchema,
  undoneBy: userIdSchema,
  undoneAt: z.string(),
  /** The check-in it removed. */
  checkedInAt: z.string(),
  checkedIn: z.number().int(),
});
export type CheckinUndoneV1 = z.infer<typeof checkinUndoneV1>;

/**
 * The one map from message type to payload schema. The outbox validates a payload against it when
 * the message is produced, and consumers validate against it when they receive it, so a producer
 * cannot put on the bus what its consumers would dead-letter.
 */
export const messageSchemas = {
  [MessageType.UserRegistered]: userRegisteredV1,
  [MessageType.UserRolesChanged]: userRolesChangedV1,
  [MessageType.UserUpdated]: userUpdatedV1,
  [MessageType.UserDisabled]: userDisabledV1,
  [MessageType.UserEnabled]: userEnabledV1,
  [MessageType.UserErased]: userErasedV1,
  [MessageType.AccountMailRequested]: accountMailRequestedV1,
  [MessageType.EventPublished]: eventPublishedV1,
  [MessageType.EventUpdated]: eventUpdatedV1,
  [MessageType.EventCancelled]: eventCancelledV1,
  [MessageType.RegistrationConfirmed]: registrationChangedV1,
  [MessageType.RegistrationWaitlisted]: registrationChangedV1,
  [MessageType.RegistrationPromoted]: registrationChangedV1,
  [MessageType.RegistrationCancelled]: registrationChangedV1,
  [MessageType.RegistrationPending]: registrationPendingV1,
  [MessageType.RegistrationRejected]: registrationRejectedV1,
  [MessageType.CheckinRecorded]: checkinRecordedV1,
  [MessageType.CheckinUndone]: checkinUndoneV1,
  [MessageType.EventAvailabilityChanged]: eventAvailabilityChangedV1,
  [MessageType.AuditRecorded]: auditRecordedV1,
} as const satisfies { readonly [K in MessageType]: z.ZodType };
export type MessageSchemas = typeof messageSchemas;

/** The payload of message type `T`, as its schema in `messageSchemas` describes it. */
export type MessagePayload<T extends MessageType> = z.output<MessageSchemas[T]>;
