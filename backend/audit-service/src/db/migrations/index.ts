import type { Migration } from 'kysely';
import { messaging } from './0000-messaging.js';
import { entries } from './0001-entries.js';
import { searchFacets } from './0002-search-facets.js';
import { statsIndex } from './0003-stats-index.js';
import { canonicalBytes } from './0004-canonical-bytes.js';

/** The audit-service's migrations, one file each, applied in key order at start. The keys are the names already recorded in existing databases. */
export const migrations: Record<string, Migration> = {
  '0000_messaging': messaging,
  '0001_entries': entries,
  '0002_search_facets': searchFacets,
  '0003_stats_index': statsIndex,
  '0004_canonical_bytes': canonicalBytes,
};
