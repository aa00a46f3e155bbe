export { auditService } from './service.js';
export type { AuditDb } from './db/schema.js';
