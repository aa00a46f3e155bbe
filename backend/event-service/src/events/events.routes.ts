import { z } from 'zod';
import { createRouteTable, originOf, type ServiceDeps, problemResponse as problem } from '@secureevent/shared';
import {
  type EventDto,
  coOrganizerRequestSchema,
  createEventRequestSchema,
  eventIdParamsSchema,
  inviteQuerySchema,
  eventPageSchema,
  eventSchema,
  listEventsQuerySchema,
  updateEventRequestSchema,
  userIdSchema,
} from '@secureevent/contracts';
import type { EventsDb } from '../db/schema.js';
import { createEvent } from './create-event.js';
import { addCoOrganizer, cancelEvent, completeEvent, publishEvent, removeCoOrganizer, updateEvent } from './manage-event.js';
import { getEvent, listEvents, listManagedEvents } from './read-events.js';
import { eventKey } from './event-cache.js';

/**
 * GET   /api/events                   upcoming published events the caller may see
 * POST  /api/events                   create a draft (organizer, admin)
 * GET   /api/events/mine              events the caller organizes (any status)
 * GET   /api/events/:id               one event with live availability (?invite= for private ones)
 * PATCH /api/events/:id               edit (its organizers, admin)
 * POST  /api/events/:id/publish       draft → published
 * POST  /api/events/:id/cancel        published → cancelled; releases every registration
 * POST  /api/events/:id/complete      published and ended → completed
 * POST  /api/events/:id/organizers    add a co-organizer (an existing user with the organizer or admin role)
 * DELETE /api/events/:id/organizers/:userId  remove one (the event keeps at least one)
 */
export function eventsRoutes(deps: ServiceDeps<EventsDb>) {
  const { sdb, outbox, cache } = deps;
  const ctx = { db: sdb.db, outbox, cache };
  const routes = createRouteTable(deps.verifier);
  routes.add({
    method: 'get',
    path: '/api/events',
    operationId: 'listEvents',
    summary: 'List upcoming published events visible to the caller',
    tags: ['events'],
    access: 'public',
    query: listEventsQuerySchema,
    responses: {
      200: { description: 'A page of events', schema: eventPageSchema },
      400: problem('Invalid query'),
      401: problem('scope=all without signing in'),
      403: problem('scope=all by someone who is not an admin'),
    },
    handler: async ({ query, user }) => ({ status: 200, body: await listEvents(sdb.db, user, query) }),
  });
  routes.add({
    method: 'post',
    path: '/api/events',
    operationId: 'createEvent',
    summary: 'Create a draft event',
    tags: ['events'],
    access: ['organizer', 'admin'],
    body: createEventRequestSchema,
    responses: {
      201: { description: 'The draft', schema: eventSchema },
      400: problem('Invalid event'),
      401: problem('Not signed in'),
      403: problem('Not an organizer'),
    },
    handler: async ({ body, user, req }) => {
      const event = await createEvent(ctx, user, body, originOf(req));
      return { status: 201, body: event, headers: { location: `/api/events/${event.id}` } };
    },
  });
  routes.add({
    method: 'get',
    path: '/api/events/mine',
    operationId: 'myEvents',
    summary: 'Events the caller organizes, any status (the organizer dashboard)',
    tags: ['events'],
    access: 'user',
    responses: { 200: { description: 'Events', schema: z.object({ items: z.array(eventSchema) }) } },
    handler: async ({ user }) => ({ status: 200, body: { items: await listManagedEvents(sdb.db, user) } }),
  });
  routes.add({
    method: 'get',
    path: '/api/events/:id',
    operationId: 'getEvent',
    summary: 'Get one event with live availability',
    tags: ['events'],
    access: 'public',
    params: eventIdParamsSchema,
    query: inviteQuerySchema,
    responses: { 200: { description: 'The event', schema: eventSchema }, 404: problem('No such event, or not visible') },
    // What anyone may see is the same for everyone: kept whole until the event's cache key is deleted.
    publicCache: ({ body }) => {
      const event = body as EventDto;
      return event.visibility === 'public' && event.status === 'published' ? [eventKey(event.id)] : undefined;
    },
    handler: async ({ params, query, user }) => ({
      status: 200,
      body: await getEvent({ db: sdb.db, cache }, user, params.id, query.invite),
    }),
  });
  routes.add({
    method: 'patch',
    path: '/api/events/:id',
    operationId: 'updateEvent',
    summary: 'Edit an event (registered people are told when it is published)',
    tags: ['events'],
    access: 'user',
    params: eventIdParamsSchema,
    body: updateEventRequestSchema,
    responses: {
      200: { description: 'The event', schema: eventSchema },
      400: problem('Invalid change'),
      403: problem('Not a manager'),
      404: problem('No such event'),
      409: problem('Cancelled or completed'),
    },
    handler: async ({ params, body, user, req }) => ({ status: 200, body: await updateEvent(ctx, user, params.id, body, originOf(req)) }),
  });
  routes.add({
    method: 'post',
    path: '/api/events/:id/publish',
    operationId: 'publishEvent',
    summary: 'Publish a draft event',
    tags: ['events'],
    access: 'user',
    params: eventIdParamsSchema,
    responses: {
      200: { description: 'The published event', schema: eventSchema },
      403: problem('Not a manager of this event'),
      404: problem('No such event'),
      409: problem('Not a draft, or the event has already ended'),
    },
    handler: async ({ params, user, req }) => ({ status: 200, body: await publishEvent(ctx, user, params.id, originOf(req)) }),
  });
  routes.add({
    method: 'post',
    path: '/api/events/:id/cancel',
    operationId: 'cancelEvent',
    summary: 'Cancel a published event and release every registration',
    tags: ['events'],
    access: 'user',
    params: eventIdParamsSchema,
    responses: {
      200: { description: 'The cancelled event', schema: eventSchema },
      403: problem('Not a manager'),
      404: problem('No such event'),
      409: problem('Not published'),
    },
    handler: async ({ params, user, req }) => ({ status: 200, body: await cancelEvent(ctx, user, params.id, originOf(req)) }),
  });
  routes.add({
    method: 'post',
    path: '/api/events/:id/complete',
    operationId: 'completeEvent',
    summary: 'Mark a published event that has ended as completed (registration closes for good)',
    tags: ['events'],
    access: 'user',
    params: eventIdParamsSchema,
    responses: {
      200: { description: 'The completed event', schema: eventSchema },
      403: problem('Not a manager'),
      404: problem('No such event'),
      409: problem('Not published, or not ended yet'),
    },
    handler: async ({ params, user, req }) => ({ status: 200, body: await completeEvent(ctx, user, params.id, originOf(req)) }),
  });
  routes.add({
    method: 'post',
    path: '/api/events/:id/organizers',
    operationId: 'addCoOrganizer',
    summary: 'Add a co-organizer',
    tags: ['events'],
    access: 'user',
    params: eventIdParamsSchema,
    body: coOrganizerRequestSchema,
    responses: {
      200: { description: 'The event', schema: eventSchema },
      400: problem('Not an existing user with the organizer or admin role'),
      403: problem('Not a manager'),
      404: problem('No such event'),
    },
    handler: async ({ params, body, user, req }) => ({
      status: 200,
      body: await addCoOrganizer(ctx, user, params.id, body.userId, originOf(req)),
    }),
  });
  routes.add({
    method: 'delete',
    path: '/api/events/:id/organizers/:userId',
    operationId: 'removeCoOrganizer',
    summary: 'Remove an organizer from an event',
    tags: ['events'],
    access: 'user',
    params: eventIdParamsSchema.extend({ userId: userIdSchema }),
    responses: {
      200: { description: 'The event', schema: eventSchema },
      403: problem('Not a manager'),
      404: problem('No such event, or the user is not one of its organizers'),
      409: problem('The last organizer'),
    },
    handler: async ({ params, user, req }) => ({
      status: 200,
      body: await removeCoOrganizer(ctx, user, params.id, params.userId, originOf(req)),
    }),
  });
  return routes;
}
