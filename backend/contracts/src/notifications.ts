import { z } from 'zod';
import { pageOf } from './common.js';

export const notificationSchema = z
  .object({
    id: z.string(),
    kind: z.string(),
    title: z.string(),
    body: z.string(),
    link: z.string().nullable(),
    createdAt: z.string(),
    readAt: z.string().nullable(),
  })
  .meta({ id: 'Notification' });
export type NotificationDto = z.infer<typeof notificationSchema>;
export const notificationPageSchema = pageOf(notificationSchema, 'NotificationPage').extend({ unread: z.number().int() });
export type NotificationPage = z.infer<typeof notificationPageSchema>;

/** The notification kinds a user can route to the in-app inbox, to email, or to both. */
export const NOTIFICATION_PREFERENCE_KINDS = [
  'registration_confirmed',
  'registration_waitlisted',
  'registration_promoted',
  'registration_rejected',
  'event_updated',
  'event_cancelled',
  'event_reminder',
  'roles_changed',
] as const;
export type NotificationPreferenceKind = (typeof NOTIFICATION_PREFERENCE_KINDS)[number];

/** Where one kind of notification goes. */
export const notificationChannelSchema = z.enum(['in_app', 'email', 'both']).meta({ id: 'NotificationChannel' });
export type NotificationChannel = z.infer<typeof notificationChannelSchema>;

const channelPerKind = Object.fromEntries(NOTIFICATION_PREFERENCE_KINDS.map((k) => [k, notificationChannelSchema])) as Record<
  NotificationPreferenceKind,
  typeof notificationChannelSchema
>;

/** Every kind with its channel (defaults filled in). */
export const notificationPreferencesSchema = z.object(channelPerKind).meta({ id: 'NotificationPreferences' });
export type NotificationPreferences = z.infer<typeof notificationPreferencesSchema>;

/** PUT body: the full set of preferences; a kind left out goes back to its default. Unknown kinds are refused. */
export const updateNotificationPreferencesSchema = notificationPreferencesSchema
  .partial()
  .strict()
  .meta({ id: 'UpdateNotificationPreferences' });
export type UpdateNotificationPreferences = z.infer<typeof updateNotificationPreferencesSchema>;

/** The state of one outgoing email: `pending` (queued or waiting to retry), `sent`, or `failed` (gave up). */
export const emailDeliveryStatusSchema = z.enum(['pending', 'sent', 'failed']);
export type EmailDeliveryStatus = z.infer<typeof emailDeliveryStatusSchema>;

/** One outgoing email as an admin sees it: no address and no body, only what explains its fate. */
export const emailDeliverySchema = z
  .object({
    id: z.string(),
    userId: z.string(),
    kind: z.string(),
    status: emailDeliveryStatusSchema,
    attempts: z.number().int(),
    lastError: z.string().nullable(),
    createdAt: z.string(),
    nextAttemptAt: z.string().nullable(),
    sentAt: z.string().nullable(),
  })
  .meta({ id: 'EmailDelivery' });
export type EmailDeliveryDto = z.infer<typeof emailDeliverySchema>;
export const emailDeliveryPageSchema = pageOf(emailDeliverySchema, 'EmailDeliveryPage');
export type EmailDeliveryPage = z.infer<typeof emailDeliveryPageSchema>;
