import { z } from 'zod';
import {
  AppError,
  createLimiter,
  createRouteTable,
  ErrorCode,
  originOf,
  type ServiceDeps,
  problemResponse as problem,
} from '@secureevent/shared';
import {
  accessCodeListSchema,
  accessCodeParamsSchema,
  accessCodeSchema,
  attendeePageSchema,
  bulkDecisionRequestSchema,
  bulkDecisionResponseSchema,
  createAccessCodeRequestSchema,
  rejectRegistrationRequestSchema,
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
import { listAttendees } from './attendees.js';
import { cancelRegistration } from './cancel-registration.js';
import { decideRegistration, decideRegistrations } from './decide-registrations.js';
import { createAccessCode, deleteAccessCode, listAccessCodes } from './manage-access-codes.js';
import { getMyRegistration, listMyRegistrations } from './my-registrations.js';
import { createRegistrar } from './register-for-event.js';
import { showTicket } from './show-ticket.js';
import type { TicketSigner } from './tickets.js';

const idempotencyKey = z.string().regex(/^[A-Za-z0-9_-]{8,100}$/, 'must be 8–100 letters, digits, - or _');

/**
 * POST   /api/events/:id/registrations       register (confirmed or waitlisted); Idempotency-Key accepted
 * GET    /api/events/:id/registrations       attendees with answers (managers)
 * GET    /api/events/:id/registration        the caller's own registration for the event
 * GET    /api/registrations/mine             the caller's registrations and tickets
 * DELETE /api/registrations/:id              cancel (holder or manager); frees the seat for the waitlist
 * GET    /api/registrations/:id/ticket.svg   the ticket QR code (holder)
 * POST   /api/registrations/:id/approve      approve a pending registration: the seat claim runs (managers)
 * POST   /api/registrations/:id/reject       reject a pending registration { reason? } (managers)
 * POST   /api/events/:id/registrations/approve   bulk approve { ids ≤ 500 }, one result per id (managers)
 * POST   /api/events/:id/registrations/reject    bulk reject { ids ≤ 500, reason? }, one result per id (managers)
 * POST   /api/events/:id/access-codes        create an access code (managers)
 * GET    /api/events/:id/access-codes        the event's access codes with their uses (managers)
 * DELETE /api/events/:id/access-codes/:codeId   delete an access code (managers)
 */
/** Tries with an access code per user and window: enough for typos, far too few to guess a 59-bit code. */
const CODE_ATTEMPTS = { points: 10, durationSeconds: 600 };

export function registrationsRoutes(deps: ServiceDeps<EventsDb>, tickets: TicketSigner, policy: { requireVerifiedEmail: boolean }) {
  const ctx = { db: deps.sdb.db, outbox: deps.outbox, cache: deps.cache, tickets };
  const registrar = createRegistrar({
    ...ctx,
    codeAttempts: createLimiter(deps.cache, { name: 'access-code-attempts', ...CODE_ATTEMPTS }),
  });
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
      403: problem(
        'The ticket type opens only with an access code, the access code is not valid or expired, or the email address is not confirmed (REQUIRE_VERIFIED_EMAIL)',
      ),
      404: problem('No such event'),
      409: problem('Registration closed (or the ticket type is not on sale), or the access code is used up'),
      429: problem('Too many access code attempts (Retry-After)'),
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
        accessCode: body.accessCode,
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
  for (const kind of ['approve', 'reject'] as const) {
    routes.add({
      method: 'post',
      path: `/api/registrations/:id/${kind}`,
      operationId: `${kind}Registration`,
      summary:
        kind === 'approve'
          ? 'Approve a pending registration (the seat claim decides: confirmed or waitlisted)'
          : 'Reject a pending registration',
      tags: ['registrations'],
      access: 'user',
      params: registrationIdParamsSchema,
      ...(kind === 'reject' ? { body: rejectRegistrationRequestSchema } : {}),
      responses: {
        200: { description: 'The registration as decided', schema: registrationSchema },
        404: problem('No such registration (or not one of an event you manage)'),
        409: problem('Not pending (confirmed, waitlisted, cancelled or rejected already)'),
      },
      handler: async ({ params, body, user, req }) => ({
        status: 200,
        body: await decideRegistration(
          ctx,
          user,
          params.id,
          kind === 'approve' ? { kind } : { kind, reason: (body as { reason?: string } | undefined)?.reason ?? null },
          originOf(req),
        ),
      }),
    });
    routes.add({
      method: 'post',
      path: `/api/events/:id/registrations/${kind}`,
      operationId: `${kind}Registrations`,
      summary: kind === 'approve' ? 'Approve pending registrations in bulk' : 'Reject pending registrations in bulk',
      tags: ['registrations'],
      access: 'user',
      params: eventIdParamsSchema,
      body: bulkDecisionRequestSchema,
      responses: {
        200: { description: 'One result per id, in the order given', schema: bulkDecisionResponseSchema },
        403: problem('Not a manager'),
        404: problem('No such event'),
        409: problem('Approving: the event is not published'),
      },
      handler: async ({ params, body, user, req }) => ({
        status: 200,
        body: {
          results: await decideRegistrations(
            ctx,
            user,
            params.id,
            body.ids,
            kind === 'approve' ? { kind } : { kind, reason: body.reason ?? null },
            originOf(req),
          ),
        },
      }),
    });
  }
  routes.add({
    method: 'post',
    path: '/api/events/:id/access-codes',
    operationId: 'createAccessCode',
    summary: 'Create an access code that opens some of the event’s ticket types',
    tags: ['access codes'],
    access: 'user',
    params: eventIdParamsSchema,
    body: createAccessCodeRequestSchema,
    responses: {
      201: { description: 'The code', schema: accessCodeSchema },
      400: problem('Invalid code, or a ticket type that is not the event’s'),
      403: problem('Not a manager'),
      404: problem('No such event'),
      409: problem('The event already has that code'),
    },
    handler: async ({ params, body, user, req }) => ({
      status: 201,
      body: await createAccessCode(ctx, user, params.id, body, originOf(req)),
    }),
  });
  routes.add({
    method: 'get',
    path: '/api/events/:id/access-codes',
    operationId: 'listAccessCodes',
    summary: 'The event’s access codes and their uses',
    tags: ['access codes'],
    access: 'user',
    params: eventIdParamsSchema,
    responses: {
      200: { description: 'Codes, newest first', schema: accessCodeListSchema },
      403: problem('Not a manager'),
      404: problem('No such event'),
    },
    handler: async ({ params, user, req }) => ({
      status: 200,
      body: { items: await listAccessCodes(ctx, user, params.id, originOf(req)) },
      headers: { 'cache-control': 'no-store' },
    }),
  });
  routes.add({
    method: 'delete',
    path: '/api/events/:id/access-codes/:codeId',
    operationId: 'deleteAccessCode',
    summary: 'Delete an access code (registrations made with it stay)',
    tags: ['access codes'],
    access: 'user',
    params: accessCodeParamsSchema,
    responses: {
      204: { description: 'Deleted' },
      403: problem('Not a manager'),
      404: problem('No such event or access code'),
    },
    handler: async ({ params, user, req }) => {
      await deleteAccessCode(ctx, user, params.id, params.codeId, originOf(req));
      return { status: 204 };
    },
  });
  return routes;
}
