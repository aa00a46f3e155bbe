import { buildOpenApi, type ServiceDefinition } from '@secureevent/shared';
import { assistRoutes } from './assist/assist.routes.js';
import type { AssistOptions } from './assist/assist.config.js';
import { calendarRoutes } from './calendar/calendar.routes.js';
import { checkinsRoutes } from './checkins/checkins.routes.js';
import { migrations } from './db/migrations/index.js';
import type { EventsDb } from './db/schema.js';
import { eventsRoutes } from './events/events.routes.js';
import { exportsRoutes } from './exports/exports.routes.js';
import { duplicateRoutes } from './events/duplicate.routes.js';
import { privacyConsumer } from './privacy/privacy.consumer.js';
import { privacyRoutes } from './privacy/privacy.routes.js';
import { peopleConsumer } from './registrations/people.consumer.js';
import { registrationsRoutes } from './registrations/registrations.routes.js';
import { createTicketSigner } from './registrations/tickets.js';

/** Options the event-service needs beyond the common adapters. */
export interface EventServiceOptions {
  /** HMAC secret for ticket tokens (at least 32 characters); the same on every replica. */
  ticketSecret: string;
  /** The web app's base URL (PUBLIC_URL); calendar entries then link to the event page. */
  publicUrl?: string | undefined;
  /** The event-draft assistant: the local extractor, and an OpenAI-compatible provider when configured. */
  assist?: AssistOptions | undefined;
  /** REQUIRE_VERIFIED_EMAIL: registering needs a confirmed email address. */
  requireVerifiedEmail?: boolean | undefined;
}

/** The event-service: events, registrations, tickets and check-in (schema `events`). */
export function eventService(options: EventServiceOptions): ServiceDefinition<EventsDb> {
  const tickets = createTicketSigner(options.ticketSecret);
  return {
    name: 'event-service',
    schema: 'events',
    create(deps) {
      const events = eventsRoutes(deps);
      const registrations = registrationsRoutes(deps, tickets, { requireVerifiedEmail: options.requireVerifiedEmail ?? false });
      const checkins = checkinsRoutes(deps, tickets);
      const calendar = calendarRoutes(deps, { publicUrl: options.publicUrl });
      const assist = assistRoutes(deps, options.assist ?? { draftsPerHour: 20 });
      const exportsTable = exportsRoutes(deps);
      const duplicate = duplicateRoutes(deps);
      const privacy = privacyRoutes(deps);
      return {
        name: 'event-service',
        schema: 'events',
        migrations,
        routers: [
          events.router,
          privacy.router,
          registrations.router,
          checkins.router,
          calendar.router,
          assist.router,
          exportsTable.router,
          duplicate.router,
        ],
        openapi: {
          path: '/api/events/openapi.json',
          document: buildOpenApi(
            {
              title: 'SecureEvent event-service',
              version: '0.1.0',
              description: 'Events, registrations, tickets, check-in and the event-draft assistant.',
            },
            [
              events.paths,
              registrations.paths,
              checkins.paths,
              calendar.paths,
              assist.paths,
              exportsTable.paths,
              duplicate.paths,
              privacy.paths,
            ],
          ),
        },
        consumers: [peopleConsumer, privacyConsumer],
      };
    },
  };
}
