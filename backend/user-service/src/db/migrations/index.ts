import type { Migration } from 'kysely';
import { messaging } from './0000-messaging.js';
import { users } from './0001-users.js';
import { sessions } from './0002-sessions.js';
import { oidc } from './0003-oidc.js';
import { millisecondSortKeys } from './0004-millisecond-sort-keys.js';
import { refreshSuccessors } from './0005-refresh-successors.js';
import { accountTokens } from './0006-account-tokens.js';
import { erasure } from './0010-erasure.js';
import { mfa } from './0007-mfa.js';

/**
 * The user-service's migrations, one file each, applied in key order at start. The keys are the names
 * already recorded in existing databases: never rename one. A migration never imports application code.
 */
export const migrations: Record<string, Migration> = {
  '0000_messaging': messaging,
  '0001_users': users,
  '0002_sessions': sessions,
  '0003_oidc': oidc,
  '0004_millisecond_sort_keys': millisecondSortKeys,
  '0005_refresh_successors': refreshSuccessors,
  '0006_account_tokens': accountTokens,
  '0010_erasure': erasure,
  '0007_mfa': mfa,
};
