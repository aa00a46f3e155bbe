import { z } from 'zod';
import { AppError, createRouteTable, ErrorCode, originOf, type ServiceDeps, problemResponse as problem } from '@secureevent/shared';
import {
  attendeePageSchema,
  eventIdParamsSchema,
  inviteQuerySchema,
  listAttendeesQuerySchema,
  myRegistrationSchema,
  myRegistrationsSchema,
  registerRequestBodySchema,
  registrationIdParamsSchema,
  registrationSchema,
} from '@secureevent/contracts';
import type { EventsDb } from '../db/schema.js';
import { exportAttendeesCsv, listAttendees } from './attendees.js';
import { cancelRegistration } from './cancel-registration.js';
import { getMyRegistration, listMyRegistrations } from './my-registrations.js';
import { createRegistrar } from './register-for-event.js';
import { showTicket } from './show-ticket.js';
import type { TicketSigner } from './tickets.js';

const idempotencyKey = z.string().regex(/^[A-Za-z0-9_-]{8,100}$/, 'must be 8–100 letters, digits, - or _');

/**
 * POST   /api/events/:id/registrations       register (confirmed or waitlisted); Idempotency-Key accepted
 * GET    /api/events/:id/registrations       attendees with answers (managers)
 * GET    /api/events/:id/registrations.csv   attendees as CSV (managers)
 * GET    /api/events/:id/registration        the caller's own registration for the event
 * GET    /api/registrations/mine             the caller's registrations and tickets
 * DELETE /api/registrations/:id              cancel (holder or manager); frees the seat for the waitlist
 * GET    /api/registrations/:id/ticket.svg   the ticket QR code (holder)
 */
export function registrationsRoutes(deps: ServiceDeps<EventsDb>, tickets: TicketSigner, policy: { requireVerifiedEmail: boolean }) {
  const ctx = { db: deps.sdb.db, outbox: deps.outbox, cache: deps.cache, tickets };
  const registrar = createRegistrar(ctx);
  const routes = createRouteTable(deps.verifier);
  routes.add({
    method: 'post',
    path: '/api/events/:id/registrations',
    operationId: 'registerForEvent',
    summary: 'Register for an event',
    tags: ['registrations'],
    access: 'user',
    params: eventIdParamsSchema,
    query: inviteQuerySchema,
    body: registerRequestBodySchema,
    responses: {
      201: { description: 'Registered: confirmed with a ticket, or waitlisted with a position', schema: registrationSchema },
      200: { description: 'Already registered (or a retried Idempotency-Key): the existing registration', schema: registrationSchema },
      400: problem('Missing or invalid answers, or no such ticket type'),
      403: problem('The ticket type opens only with an access code, or the email address is not confirmed (REQUIRE_VERIFIED_EMAIL)'),
      404: problem('No such event'),
      409: problem('Registration closed (or the ticket type is not on sale)'),
    },
    handler: async ({ params, query, body, user, req }) => {
      if (policy.requireVerifiedEmail && !user.emailVerified) {
        throw new AppError(
          ErrorCode.EMAIL_NOT_VERIFIED,
          'Confirm your email address first: open the link we mailed you, or ask for a new one.',
        );
      }
      const header = req.get('idempotency-key');
      if (header !== undefined && !idempotencyKey.safeParse(header).success) {
        throw new AppError(ErrorCode.VALIDATION_FAILED, 'The Idempotency-Key header is invalid.', {
          errors: [{ field: 'headers.idempotency-key', message: 'must be 8–100 letters, digits, - or _' }],
        });
      }
      const { created, registration } = await registrar.register(user, params.id, body.answers, {
        ticketTypeId: body.ticketTypeId,
        idempotencyKey: header,
        invite: query.invite,
        origin: originOf(req),
      });
      return { status: created ? 201 : 200, body: registration };
    },
  });
  routes.add({
    method: 'get',
    path: '/api/events/:id/registrations',
    operationId: 'listAttendees',
    summary: 'Attendees of an event with their answers',
    tags: ['registrations'],
    access: 'user',
    params: eventIdParamsSchema,
    query: listAttendeesQuerySchema,
    responses: {
      200: { description: 'A page of attendees', schema: attendeePageSchema },
      403: problem('Not a manager'),
      404: problem('No such event'),
    },
    handler: async ({ params, query, user, req }) => ({
      status: 200,
      body: await listAttendees(ctx, user, params.id, query, originOf(req)),
    }),
  });
  routes.add({
    method: 'get',
    path: '/api/events/:id/registrations.csv',
    operationId: 'exportAttendees',
    summary: 'Attendees as CSV (formula injection neutralised)',
    tags: ['registrations'],
    access: 'user',
    params: eventIdParamsSchema,
    responses: { 200: { description: 'CSV', contentType: 'text/csv' }, 403: problem('Not a manager'), 404: problem('No such event') },
    handler: async ({ params, user, req }) => ({
      status: 200,
      raw: { contentType: 'text/csv; charset=utf-8', content: await exportAttendeesCsv(ctx, user, params.id, originOf(req)) },
      headers: { 'content-disposition': `attachment; filename="attendees-${params.id}.csv"`, 'cache-control': 'no-store' },
    }),
  });
  routes.add({
    method: 'get',
    path: '/api/registrations/mine',
    operationId: 'myRegistrations',
    summary: "The caller's registrations, with tickets",
    tags: ['registrations'],
    access: 'user',
    responses: { 200: { description: 'Registrations, soonest event first', schema: myRegistrationsSchema } },
    handler: async ({ user }) => ({ status: 200, body: { items: await listMyRegistrations(ctx, user) } }),
  });
  routes.add({
    method: 'get',
    path: '/api/events/:id/registration',
    operationId: 'myRegistrationForEvent',
    summary: "The caller's registration for one event (the live one, else the latest cancelled one)",
    tags: ['registrations'],
    access: 'user',
    params: eventIdParamsSchema,
    responses: {
      200: { description: 'The registration, as one entry of /api/registrations/mine', schema: myRegistrationSchema },
      404: problem('The caller has no registration for this event'),
    },
    handler: async ({ params, user }) => ({ status: 200, body: await getMyRegistration(ctx, user, params.id) }),
  });
  routes.add({
    method: 'delete',
    path: '/api/registrations/:id',
    operationId: 'cancelRegistration',
    summary: 'Cancel a registration',
    tags: ['registrations'],
    access: 'user',
    params: registrationIdParamsSchema,
    responses: {
      200: { description: 'The cancelled registration', schema: registrationSchema },
      404: problem('No such registration (or not yours)'),
    },
    handler: async ({ params, user, req }) => ({ status: 200, body: await cancelRegistration(ctx, user, params.id, originOf(req)) }),
  });
  routes.add({
    method: 'get',
    path: '/api/registrations/:id/ticket.svg',
    operationId: 'ticketSvg',
    summary: 'The ticket QR code as SVG',
    tags: ['registrations'],
    access: 'user',
    params: registrationIdParamsSchema,
    responses: { 200: { description: 'SVG image', contentType: 'image/svg+xml' }, 404: problem('No such confirmed registration of yours') },
    handler: async ({ params, user }) => {
      return {
        status: 200,
        raw: { contentType: 'image/svg+xml', content: await showTicket(ctx, user, params.id) },
        headers: { 'cache-control': 'private, no-store', 'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'" },
      };
    },
  });
  return routes;
}
