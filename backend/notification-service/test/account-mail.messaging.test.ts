import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createEnvelope, newId } from '@secureevent/shared';
import { createTestEnv, startServiceForTest, type TestEnv } from '@secureevent/shared/testing';
import type { AccountMailRequestedV1 } from '@secureevent/contracts';
import { createNotificationService } from '../src/service.js';
import type { NotificationsDb } from '../src/db/schema.js';
import { startSmtpSink, testMailSettings, type SmtpSink } from './email.fixture.js';

const wait = { timeout: 15_000, interval: 50 };

describe('account mail (account.mail_requested.v1)', () => {
  let env: TestEnv;
  let sink: SmtpSink;
  let db: Awaited<ReturnType<typeof startServiceForTest<NotificationsDb>>>['sdb']['db'];
  let stop: () => Promise<void>;

  beforeAll(async () => {
    env = await createTestEnv();
    sink = await startSmtpSink();
    const started = await startServiceForTest(
      env,
      createNotificationService({ mail: testMailSettings({ smtpUrl: sink.url }), reminders: { pollIntervalMs: 600_000 } }),
    );
    db = started.sdb.db;
    stop = () => started.booted.stop();
  });
  afterAll(async () => {
    await stop();
    await sink.close();
    await env.close();
  });

  const requested = (overrides: Partial<AccountMailRequestedV1> = {}) => {
    const userId = newId('usr');
    const data: AccountMailRequestedV1 = {
      userId,
      kind: 'password_reset',
      to: { address: `${userId}@example.test`, name: 'Ada <b>Lovelace</b>' },
      locale: 'en',
      link: `/reset-password#token=atk_${'a'.repeat(25)}.${'b'.repeat(43)}`,
      expiresAt: new Date(Date.now() + 30 * 60_000).toISOString(),
      requestedAt: new Date().toISOString(),
      ...overrides,
    };
    return { ...createEnvelope('/secureevent/user-service', { type: 'account.mail_requested.v1', subject: data.userId, data }), data };
  };

  it('when a reset mail is requested for a user this service has never heard of, then it goes to the named address with the link, once, even if delivered twice', async () => {
    const message = requested();
    const { address } = message.data.to;
    await env.publishRaw(message.type, message);
    await env.publishRaw(message.type, message);

    await vi.waitFor(() => expect(sink.to(address)).toHaveLength(1), wait);
    const mail = sink.to(address)[0]!;
    expect(mail.subject).toBe('Reset your SecureEvent password');
    expect(mail.text).toContain(`https://events.example.test${message.data.link}`);
    expect(mail.html).toContain('Ada &lt;b&gt;Lovelace&lt;/b&gt;');
    expect(mail.html).not.toContain('<b>Lovelace');
    const rows = await db.selectFrom('email_deliveries').select(['kind', 'status']).where('user_id', '=', message.data.userId).execute();
    expect(rows).toEqual([{ kind: 'account.password_reset', status: 'sent' }]);
  });

  it('when a verification mail is requested in German, then its words are German; a French notice has no link', async () => {
    const de = requested({ kind: 'email_verification', locale: 'de', link: `/verify-email#token=atk_${'c'.repeat(25)}.${'d'.repeat(43)}` });
    const fr = requested({ kind: 'email_change_notice', locale: 'fr', link: null, expiresAt: null });
    await env.publishRaw(de.type, de);
    await env.publishRaw(fr.type, fr);
    await vi.waitFor(() => expect([sink.to(de.data.to.address).length, sink.to(fr.data.to.address).length]).toEqual([1, 1]), wait);
    expect(sink.to(de.data.to.address)[0]!.subject).toBe('Bestätigen Sie Ihre E-Mail-Adresse für SecureEvent');
    expect(sink.to(de.data.to.address)[0]!.text).toContain('/verify-email#token=');
    const notice = sink.to(fr.data.to.address)[0]!;
    expect(notice.subject).toContain('SecureEvent');
    expect(notice.text).toContain('Bonjour');
    expect(notice.text).not.toContain('https://');
  });

  it('when an account mail message is malformed, then it is dead-lettered and the next one is still sent', async () => {
    const bad = createEnvelope('/secureevent/user-service', {
      type: 'account.mail_requested.v1',
      data: { userId: 'nope', kind: 'password_reset', to: 'someone@example.test' },
    });
    await env.publishRaw(bad.type, bad);
    const good = requested();
    await env.publishRaw(good.type, good);
    await vi.waitFor(() => expect(sink.to(good.data.to.address)).toHaveLength(1), wait);
    expect(sink.received.some((m) => m.text?.includes('someone@example.test'))).toBe(false);
  });
});
