import { AppError, ErrorCode, type AuthUser, type Logger } from '@secureevent/shared';
import { privacyExportPartSchema, type PrivacyExport, type PrivacyExportPart } from '@secureevent/contracts';
import type { AccountsContext } from '../accounts/accounts-context.js';
import { currentUser } from '../sessions/sessions.js';
import { privacyRepository } from './privacy.repository.js';

/** Where another service answers the caller's export part: its internal export route (ADR 0029). */
export interface PrivacySource {
  service: string;
  url: string;
}

/** The export routes of the other services, resolved when an export runs (the embedded platform knows its port only then). */
export type PrivacySources = () => Promise<readonly PrivacySource[]>;

/** The paths of the other services' export routes, under their own prefixes (the gateway routes them). */
export const PRIVACY_EXPORT_PATHS = {
  'event-service': '/api/registrations/mine/export',
  'notification-service': '/api/notifications/mine/export',
  'audit-service': '/api/audit/mine/export',
} as const;

/** How long one service may take to answer its part. */
const PART_TIMEOUT_MS = 30_000;
/** A part larger than this is refused (each collection is capped, so only a fault produces one). */
const PART_MAX_BYTES = 64 * 1024 * 1024;

/**
 * Everything every service holds about the caller (GDPR art. 15 and 20). This service adds its own
 * part; each other service is asked for its part at its internal export route with the caller's
 * own access token, so each one checks the token itself and can only ever answer for its subject.
 * A part that cannot be had fails the whole export (503): an export that silently lacks a service
 * would tell the person less than the truth.
 */
export async function exportMyData(
  ctx: Pick<AccountsContext, 'db'> & { logger: Logger },
  user: AuthUser,
  accessToken: string,
  sources: PrivacySources,
): Promise<PrivacyExport> {
  await currentUser(ctx, user);
  const own: PrivacyExportPart = {
    service: 'user-service',
    userId: user.id,
    collections: await privacyRepository(ctx.db).exportOf(user.id),
  };
  const others = await Promise.all((await sources()).map((source) => fetchPart(ctx.logger, source, user.id, accessToken)));
  return { format: 'secureevent-personal-data/1', userId: user.id, exportedAt: new Date().toISOString(), parts: [own, ...others] };
}

async function fetchPart(logger: Logger, source: PrivacySource, userId: string, accessToken: string): Promise<PrivacyExportPart> {
  const unavailable = () =>
    new AppError(ErrorCode.SERVICE_UNAVAILABLE, `The ${source.service} could not contribute its part of the export; try again shortly.`, {
      headers: { 'retry-after': '5' },
    });
  let res: Response;
  try {
    res = await fetch(source.url, {
      headers: { authorization: `Bearer ${accessToken}`, accept: 'application/json' },
      signal: AbortSignal.timeout(PART_TIMEOUT_MS),
      redirect: 'error',
    });
  } catch (err) {
    logger.warn({ err, service: source.service }, 'export part request failed');
    throw unavailable();
  }
  const length = Number(res.headers.get('content-length') ?? 0);
  if (!res.ok || length > PART_MAX_BYTES) {
    logger.warn({ service: source.service, status: res.status }, 'export part refused');
    await res.body?.cancel();
    throw unavailable();
  }
  const parsed = privacyExportPartSchema.safeParse(await res.json().catch(() => undefined));
  // A part about anyone else would be a leak: it is never passed on.
  if (!parsed.success || parsed.data.userId !== userId || parsed.data.service !== source.service) {
    logger.warn({ service: source.service }, 'export part malformed or about another user');
    throw unavailable();
  }
  return parsed.data;
}
