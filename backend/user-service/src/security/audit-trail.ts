/** The audit trail is the same for every service; see backend/shared/src/audit/record-audit.ts. */
export { recordAudit, type RequestOrigin } from '@secureevent/shared';
