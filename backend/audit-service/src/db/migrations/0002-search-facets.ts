import { sql, type Kysely, type Migration } from 'kysely';

/**
 * Who did what with which outcome, as columns beside the chained fields, so that the trail can be
 * searched and exported by them with an index each. They are derived from `data` and not part of
 * the hash: the chain still covers exactly what was received. Existing rows are backfilled with
 * the same derivation `trail/entry-facets.ts` applies to new ones (copied here: a migration never
 * imports application code, which may change after it ran).
 */
export const searchFacets: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('entries').addColumn('actor', 'text').execute();
    await db.schema.alterTable('entries').addColumn('action', 'text').execute();
    await db.schema.alterTable('entries').addColumn('outcome', 'text').execute();
    // Through the query builder, so the table resolves in the service's schema (raw SQL would not).
    await (db as Kysely<{ entries: { actor: string | null; action: string | null; outcome: string | null } }>)
      .updateTable('entries')
      .set({
        actor: sql`(select v from (values (data->>'actorId'), (data->>'changedBy'), (data->>'publishedBy'), (data->>'updatedBy'),
                    (data->>'cancelledBy'), (data->>'checkedInBy'), (data->>'disabledBy'), (data->>'enabledBy')) as f(v)
                   where v ~ '^usr_[0-9a-z]{25}$' limit 1)`,
        action: sql`case when type = 'audit.recorded.v1' and jsonb_typeof(data->'action') = 'string' then left(data->>'action', 100)
                    else regexp_replace(type, '\\.v[0-9]+$', '') end`,
        outcome: sql`case when data->>'outcome' in ('success', 'failure', 'denied') then data->>'outcome' else null end`,
      })
      .execute();
    await db.schema.createIndex('entries_actor_seq').on('entries').columns(['actor', 'seq']).execute();
    await db.schema.createIndex('entries_action_seq').on('entries').columns(['action', 'seq']).execute();
    await db.schema.createIndex('entries_subject_seq').on('entries').columns(['subject', 'seq']).execute();
    await db.schema.createIndex('entries_occurred_at').on('entries').column('occurred_at').execute();
  },
};
