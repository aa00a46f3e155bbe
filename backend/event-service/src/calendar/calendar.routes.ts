import { z } from 'zod';
import { createRouteTable, originOf, type ServiceDeps, problemResponse as problem } from '@secureevent/shared';
import { eventIdParamsSchema, inviteQuerySchema, text } from '@secureevent/contracts';
import type { EventsDb } from '../db/schema.js';
import { issueFeedToken, revokeFeedToken } from './manage-feed-token.js';
import { exportEventCalendar, readCalendarFeed } from './read-calendar.js';

const ICALENDAR = 'text/calendar; charset=utf-8';
const feedTokenResponseSchema = z
  .object({
    url: z.string().meta({
      description: 'The secret feed URL, relative to the API origin. Anyone holding it can read the feed: it is shown once.',
      example: '/api/calendar/feed/2Vb3hQm7s0cA9xq4Yt1kLrE8uNw6pZfJ5oHdGiKjMvS.ics',
    }),
  })
  .meta({ id: 'CalendarFeedToken' });
// Only the string rule: any other malformed token is answered exactly like an unknown one.
const feedParamsSchema = z.object({ token: text({ max: 1000 }) });

/**
 * GET    /api/events/:id/calendar.ics     one event as iCalendar (anyone who may see the event)
 * POST   /api/calendar/feed-token         create or rotate the caller's secret feed URL
 * DELETE /api/calendar/feed-token         revoke it
 * GET    /api/calendar/feed/:token.ics    the caller's events as a subscribable feed (the token is the credential)
 */
export function calendarRoutes(deps: ServiceDeps<EventsDb>, options: { publicUrl?: string | undefined } = {}) {
  const ctx = { db: deps.sdb.db, outbox: deps.outbox, publicUrl: options.publicUrl };
  const routes = createRouteTable(deps.verifier);
  routes.add({
    method: 'get',
    path: '/api/events/:id/calendar.ics',
    operationId: 'eventCalendar',
    summary: 'One event as an iCalendar file, in the event’s own time zone',
    tags: ['calendar'],
    access: 'public',
    params: eventIdParamsSchema,
    query: inviteQuerySchema,
    responses: {
      200: { description: 'iCalendar (RFC 5545)', contentType: 'text/calendar' },
      404: problem('No such event, or not visible (private events: pass the invitation code, or be registered)'),
    },
    handler: async ({ params, query, user }) => ({
      status: 200,
      raw: { contentType: ICALENDAR, content: await exportEventCalendar(ctx, user, params.id, query.invite) },
      headers: { 'content-disposition': `attachment; filename="${params.id}.ics"`, 'cache-control': 'private, no-cache' },
    }),
  });
  routes.add({
    method: 'post',
    path: '/api/calendar/feed-token',
    operationId: 'issueCalendarFeedToken',
    summary: 'Create or rotate the caller’s secret calendar feed URL (the previous one stops working)',
    tags: ['calendar'],
    access: 'user',
    responses: { 201: { description: 'The new feed URL', schema: feedTokenResponseSchema }, 401: problem('Not signed in') },
    handler: async ({ user, req }) => ({
      status: 201,
      body: await issueFeedToken(ctx, user, originOf(req)),
      headers: { 'cache-control': 'no-store' },
    }),
  });
  routes.add({
    method: 'delete',
    path: '/api/calendar/feed-token',
    operationId: 'revokeCalendarFeedToken',
    summary: 'Revoke the caller’s calendar feed URL',
    tags: ['calendar'],
    access: 'user',
    responses: { 204: { description: 'Revoked (or there was none)' }, 401: problem('Not signed in') },
    handler: async ({ user, req }) => {
      await revokeFeedToken(ctx, user, originOf(req));
      return { status: 204 };
    },
  });
  routes.add({
    method: 'get',
    path: '/api/calendar/feed/:token.ics',
    operationId: 'calendarFeed',
    summary: 'The events a feed’s owner is registered for, as a subscribable iCalendar feed',
    tags: ['calendar'],
    access: 'public',
    params: feedParamsSchema,
    responses: {
      200: { description: 'iCalendar (RFC 5545)', contentType: 'text/calendar' },
      404: problem('Unknown or revoked feed'),
    },
    handler: async ({ params }) => ({
      status: 200,
      raw: { contentType: ICALENDAR, content: await readCalendarFeed(ctx, params.token) },
      headers: { 'content-disposition': 'inline; filename="secureevent.ics"', 'cache-control': 'private, max-age=300' },
    }),
  });
  return routes;
}
