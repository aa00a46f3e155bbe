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
