export * from './common.js';
export * from './text.js';
export * from './users.js';
export * from './events.js';
export * from './messages.js';
export * from './notifications.js';
export * from './audit.js';
export * from './realtime.js';
