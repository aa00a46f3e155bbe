import { createLimiter, createRouteTable, originOf, problemResponse as problem, type Logger, type ServiceDeps } from '@secureevent/shared';
import { eventDraftRequestSchema, eventDraftResponseSchema } from '@secureevent/contracts';
import type { EventsDb } from '../db/schema.js';
import type { AssistOptions } from './assist.config.js';
import { draftEvent } from './draft-event.js';
import { createOpenAiProvider } from './openai-provider.js';

/**
 * POST /api/assist/event-draft   text (a sentence, an e-mail, an .ics file) → a draft of the event
 *                                fields, warnings, and which provider answered (organizers, admins)
 */
export function assistRoutes(deps: ServiceDeps<EventsDb>, options: AssistOptions) {
  const logger: Logger = deps.logger;
  const ctx = {
    db: deps.sdb.db,
    outbox: deps.outbox,
    logger,
    limiter: createLimiter(deps.cache, { name: 'assist-drafts', points: options.draftsPerHour, durationSeconds: 3600 }),
    provider: options.provider ? createOpenAiProvider(options.provider) : undefined,
  };
  const routes = createRouteTable(deps.verifier);
  routes.add({
    method: 'post',
    path: '/api/assist/event-draft',
    operationId: 'draftEvent',
    summary: 'Draft an event from plain words, an invitation e-mail or an .ics file (nothing is saved)',
    tags: ['assistant'],
    access: ['organizer', 'admin'],
    body: eventDraftRequestSchema,
    responses: {
      200: { description: 'A draft of the event create body’s fields, each optional, with warnings', schema: eventDraftResponseSchema },
      400: problem('Invalid body (no text, more than 20,000 characters, an unknown time zone)'),
      401: problem('Not signed in'),
      403: problem('Not an organizer or admin'),
      429: problem('Too many drafts in the last hour'),
    },
    handler: async ({ body, user, req }) => ({ status: 200, body: await draftEvent(ctx, user, body, originOf(req)) }),
  });
  return routes;
}
