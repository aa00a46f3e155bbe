import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { personalValueRefSchema, type AuditRecordedV1 } from '@secureevent/contracts';
import { createOutbox, messagingMigration, migrate, newId, requestContext, type ServiceDb } from '@secureevent/shared';
import { createTestEnv, type TestEnv } from '@secureevent/shared/testing';
import { personalValueMatches } from './personal-data.js';
import { eraseAuditSubjectKey, migrateAuditSubjectKeys, subjectKeyFor } from './subject-keys.repository.js';
import { recordAudit } from './record-audit.js';

const SCHEMA = 'audit_keys_test';

/** The key store and recordAudit against the database the environment selects (PostgreSQL when DATABASE_URL is set, PGlite otherwise). */
describe('audit records with personal data (crypto-shredding)', () => {
  let env: TestEnv;
  let sdb: ServiceDb<unknown>;
  const outbox = createOutbox(SCHEMA, '/secureevent/user-service');

  beforeAll(async () => {
    env = await createTestEnv();
    sdb = env.database.forSchema<unknown>(SCHEMA);
    await migrate(sdb, { '0000_messaging': messagingMigration });
    await migrateAuditSubjectKeys(sdb.forMigrations(), SCHEMA);
    // Twice, as every replica of a service does at start: the second is a no-op.
    await migrateAuditSubjectKeys(sdb.forMigrations(), SCHEMA);
  });
  afterAll(async () => env.close());

  /** Records one email change of `userId` and returns the audit.recorded.v1 payload as the outbox holds it. */
  async function recordEmailChange(userId: string, from: string, to: string, requestId?: string): Promise<AuditRecordedV1> {
    const write = () =>
      sdb.db.transaction().execute(async (trx) => {
        await recordAudit(outbox, trx, {
          actorId: userId,
          action: 'event.updated',
          targetId: 'evt_test',
          outcome: 'success',
          origin: { ip: '192.0.2.1', userAgent: 'test' },
          changes: [
            { field: 'contactEmail', from, to, personalDataOf: userId },
            { field: 'locale', from: 'en', to: 'de' },
          ],
        });
      });
    if (requestId) await requestContext.run({ requestId }, write);
    else await write();
    const row = await sdb.db
      .withoutPlugins()
      .selectFrom(`${SCHEMA}.outbox` as never)
      .select('envelope' as never)
      .orderBy('seq' as never, 'desc')
      .limit(1)
      .executeTakeFirstOrThrow();
    return (row as { envelope: { data: AuditRecordedV1 } }).envelope.data;
  }

  it('when a change carries personal data, then the record holds keyed references, never the values, and other fields in clear', async () => {
    const user = newId('usr');
    const requestId = randomUUID();
    const data = await recordEmailChange(user, 'ada@example.com', 'ada@lovelace.example', requestId);
    expect(JSON.stringify(data)).not.toMatch(/ada@|lovelace/);
    const [email, locale] = data.changes!;
    expect(personalValueRefSchema.parse(email!.from).keyId).toMatch(/^ask_/);
    expect(personalValueRefSchema.parse(email!.to).keyId).toBe((email!.from as { keyId: string }).keyId);
    expect(locale).toEqual({ field: 'locale', from: 'en', to: 'de' });
    expect(data.requestId).toBe(requestId);
  });

  it('when the key holder checks a value, then the recorded one matches and another does not; the same user keeps one key', async () => {
    const user = newId('usr');
    const first = await recordEmailChange(user, 'ada@example.com', 'ada@lovelace.example');
    const second = await recordEmailChange(user, 'ada@lovelace.example', 'ada@example.com');
    const [a] = first.changes!;
    const [b] = second.changes!;
    expect(b!.to).toEqual(a!.from);
    const ref = personalValueRefSchema.parse(a!.from);
    expect(await personalValueMatches(sdb.db, ref, 'ada@example.com')).toBe(true);
    expect(await personalValueMatches(sdb.db, ref, 'eve@example.com')).toBe(false);
  });

  it('when two users have the same value, then their references differ (no linking across people)', async () => {
    const [x] = (await recordEmailChange(newId('usr'), 'shared@example.com', 'x@example.com')).changes!;
    const [y] = (await recordEmailChange(newId('usr'), 'shared@example.com', 'y@example.com')).changes!;
    expect((x!.from as { hmac: string }).hmac).not.toBe((y!.from as { hmac: string }).hmac);
  });

  it('when the user is erased, then the key is gone, nobody can link the references any more, and a later key is a new one', async () => {
    const user = newId('usr');
    const before = await recordEmailChange(user, 'ada@example.com', 'ada@lovelace.example');
    const ref = personalValueRefSchema.parse(before.changes![0]!.from);
    expect(await sdb.db.transaction().execute((trx) => eraseAuditSubjectKey(trx, user))).toBe(true);
    expect(await personalValueMatches(sdb.db, ref, 'ada@example.com')).toBeNull();
    expect(await sdb.db.transaction().execute((trx) => eraseAuditSubjectKey(trx, user))).toBe(false);
    const after = await recordEmailChange(user, 'ada@example.com', 'ada@lovelace.example');
    const newRef = personalValueRefSchema.parse(after.changes![0]!.from);
    expect(newRef.keyId).not.toBe(ref.keyId);
    expect(newRef.hmac).not.toBe(ref.hmac);
  });

  it('when several transactions create the same user key at once, then they all get one and the same key', async () => {
    const user = newId('usr');
    const keys = await Promise.all(Array.from({ length: 5 }, () => sdb.db.transaction().execute((trx) => subjectKeyFor(trx, user))));
    expect(new Set(keys.map((k) => k.keyId)).size).toBe(1);
    expect(new Set(keys.map((k) => k.secret.toString('hex'))).size).toBe(1);
  });

  it('when no request is being handled and the origin names none, then the record says so with null', async () => {
    const data = await recordEmailChange(newId('usr'), 'a@example.com', 'b@example.com');
    expect(data.requestId).toBeNull();
  });
});
