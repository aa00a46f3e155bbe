export { eventService, type EventServiceOptions } from './service.js';
export { eventServiceEnvSchema, eventServiceOptionsFrom, type EventServiceConfig } from './config.js';
export type { EventsDb } from './db/schema.js';
export { assistEnv, assistOptionsFrom, type AssistOptions } from './assist/assist.config.js';
