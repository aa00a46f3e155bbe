export { auditService, type AuditServiceOptions } from './service.js';
export { auditEnv, auditOptionsFrom, auditServiceEnvSchema, loadAuditServiceConfig, type AuditServiceConfig } from './config.js';
