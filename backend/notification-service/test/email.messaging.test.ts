import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createEnvelope, newId } from '@secureevent/shared';
import { createTestEnv, startServiceForTest, type TestEnv } from '@secureevent/shared/testing';
import { createMailer } from '../src/email/mailer.js';
import { createNotificationService } from '../src/service.js';
import type { NotificationsDb } from '../src/db/schema.js';
import { registrationMessage, startSmtpSink, testMailSettings, userRegistered, type SmtpSink } from './email.fixture.js';

const wait = { timeout: 15_000, interval: 50 };

describe('email', () => {
  let env: TestEnv;
  let sink: SmtpSink;
  let app: Awaited<ReturnType<typeof startServiceForTest>>['app'];
  let db: Awaited<ReturnType<typeof startServiceForTest<NotificationsDb>>>['sdb']['db'];
  let stop: () => Promise<void>;

  beforeAll(async () => {
    env = await createTestEnv();
    // 550 for addresses starting "rejected", 451 for the first two tries of addresses starting "flaky".
    sink = await startSmtpSink((address, attempt) => {
      if (address.startsWith('rejected')) return 550;
      if (address.startsWith('flaky') && attempt <= 2) return 451;
      return undefined;
    });
    const started = await startServiceForTest(
      env,
      createNotificationService({ mail: testMailSettings({ smtpUrl: sink.url }), reminders: { pollIntervalMs: 600_000 } }),
    );
    app = started.app;
    db = started.sdb.db;
    stop = () => started.booted.stop();
  });
  afterAll(async () => {
    await stop();
    await sink.close();
    await env.close();
  });

  /** A signed-in attendee whose address the service has learnt from user.registered.v1. */
  async function knownUser(overrides: { email?: string; displayName?: string } = {}) {
    const user = await env.tokenFor({ roles: ['attendee'] });
    const email = overrides.email ?? `${user.id}@example.test`;
    const message = userRegistered(user, { ...overrides, email });
    await env.publishRaw(message.type, message);
    await vi.waitFor(
      async () => expect(await db.selectFrom('users').select('email').where('user_id', '=', user.id).executeTakeFirst()).toBeDefined(),
      wait,
    );
    return { ...user, email };
  }

  const deliveriesOf = (userId: string) => db.selectFrom('email_deliveries').selectAll().where('user_id', '=', userId).execute();
  const inboxOf = async (user: { token: string }) =>
    (await request(app).get('/api/notifications').set('authorization', `Bearer ${user.token}`).expect(200)).body as {
      items: { kind: string }[];
    };

  it('when a registration is confirmed, then one email arrives with a text part, an escaped HTML part and an .ics invite, even if the message is delivered twice', async () => {
    const hostileName = '<img src=x onerror=alert(1)> Mallory';
    const hostileTitle = '<script>alert("pwned")</script> & Friends';
    const user = await knownUser({ displayName: hostileName });
    const eventId = newId('evt');
    const message = registrationMessage('registration.confirmed.v1', {
      userId: user.id,
      eventId,
      eventTitle: hostileTitle,
      startsAt: '2030-12-01T09:00:00.000Z',
    });
    await env.publishRaw(message.type, message);
    await env.publishRaw(message.type, message);
    // A later message on the same queue: once it is in the inbox, the duplicate has been handled.
    const marker = registrationMessage('registration.waitlisted.v1', { userId: user.id });
    await env.publishRaw(marker.type, marker);
    await vi.waitFor(async () => expect((await inboxOf(user)).items).toHaveLength(2), wait);
    await vi.waitFor(async () => expect((await deliveriesOf(user.id)).map((d) => d.status)).toEqual(['sent']), wait);

    const mails = sink.to(user.email);
    expect(mails).toHaveLength(1);
    const mail = mails[0]!;
    expect(mail.from?.value[0]?.address).toBe('no-reply@secureevent.test');
    expect([mail.to].flat()[0]?.value[0]?.name).toBe(hostileName);
    expect(mail.subject).toBe(`You're in: “${hostileTitle}”`);
    expect(mail.messageId).toMatch(/^<eml_[0-9a-z]{25}@secureevent\.test>$/);
    expect(mail.text).toContain(`Hello ${hostileName},`);
    expect(mail.text).toContain(hostileTitle);
    expect(mail.text).toContain('https://events.example.test/tickets');

    const html = String(mail.html);
    expect(html).toContain('&lt;script&gt;alert(&quot;pwned&quot;)&lt;/script&gt; &amp; Friends');
    expect(html).toContain('Hello &lt;img src=x onerror=alert(1)&gt; Mallory,');
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<img');
    expect(html).toContain('href="https://events.example.test/tickets"');

    expect(mail.attachments).toHaveLength(1);
    const ics = mail.attachments[0]!;
    expect(ics.filename).toBe('invite.ics');
    expect(ics.contentType).toBe('text/calendar');
    const text = ics.content.toString('utf8');
    expect(text).toContain('BEGIN:VEVENT');
    expect(text).toContain(`UID:${eventId}@secureevent`);
    expect(text).toContain('DTSTART:20301201T090000Z');
    expect(text).toContain(`SUMMARY:${hostileTitle}`);
  });

  it('when a confirmation or a promotion carries the ticket code, then the email and the in-app notice show it in two groups, as the ticket page does', async () => {
    const user = await knownUser();
    const confirmed = registrationMessage('registration.confirmed.v1', { userId: user.id, ticketCode: '7K3M9QXD' });
    const promoted = registrationMessage('registration.promoted.v1', { userId: user.id, ticketCode: 'AB12CD34' });
    await env.publishRaw(confirmed.type, confirmed);
    await env.publishRaw(promoted.type, promoted);
    await vi.waitFor(async () => expect(sink.to(user.email)).toHaveLength(2), wait);

    const byCode = (code: string) => sink.to(user.email).find((m) => m.text?.includes(code));
    const mail = byCode('7K3M-9QXD')!;
    expect(mail.text).toContain('Your ticket code: 7K3M-9QXD');
    expect(String(mail.html)).toMatch(/<p data-ticket-code[^>]*>7K3M-9QXD<\/p>/);
    expect(byCode('AB12-CD34')?.subject).toBe('A seat opened up: “Security Summit”');
    const inbox = (await request(app).get('/api/notifications').set('authorization', `Bearer ${user.token}`).expect(200)).body as {
      items: { kind: string; body: string }[];
    };
    expect(inbox.items.find((n) => n.kind === 'registration_confirmed')?.body).toContain('Your ticket code is 7K3M-9QXD');
    expect(inbox.items.find((n) => n.kind === 'registration_promoted')?.body).toContain('Your ticket code is AB12-CD34');
  });

  it('when the user routes confirmations to the inbox only, then no email is queued; routed to email only, then nothing lands in the inbox', async () => {
    const inAppOnly = await knownUser();
    const emailOnly = await knownUser();
    await request(app)
      .put('/api/notifications/preferences')
      .set('authorization', `Bearer ${inAppOnly.token}`)
      .send({ registration_confirmed: 'in_app' })
      .expect(200);
    await request(app)
      .put('/api/notifications/preferences')
      .set('authorization', `Bearer ${emailOnly.token}`)
      .send({ registration_confirmed: 'email' })
      .expect(200);
    for (const u of [inAppOnly, emailOnly]) {
      const m = registrationMessage('registration.confirmed.v1', { userId: u.id });
      await env.publishRaw(m.type, m);
    }
    await vi.waitFor(async () => expect((await inboxOf(inAppOnly)).items.map((n) => n.kind)).toEqual(['registration_confirmed']), wait);
    await vi.waitFor(() => expect(sink.to(emailOnly.email)).toHaveLength(1), wait);
    expect(await deliveriesOf(inAppOnly.id)).toEqual([]);
    expect(sink.to(inAppOnly.email)).toEqual([]);
    expect((await inboxOf(emailOnly)).items).toEqual([]);
  });

  it('when the SMTP server refuses the recipient permanently, then the delivery is failed at once, listed for admins with the error, and counted', async () => {
    const user = await knownUser({ email: `rejected-${newId('x')}@example.test` });
    const m = registrationMessage('registration.confirmed.v1', { userId: user.id });
    await env.publishRaw(m.type, m);
    const admin = await env.tokenFor({ roles: ['admin'] });
    let failed: { userId: string; status: string; attempts: number; lastError: string | null; kind: string }[] = [];
    await vi.waitFor(async () => {
      const res = await request(app)
        .get('/api/notifications/deliveries?status=failed')
        .set('authorization', `Bearer ${admin.token}`)
        .expect(200);
      failed = (res.body as { items: typeof failed }).items.filter((d) => d.userId === user.id);
      expect(failed).toHaveLength(1);
    }, wait);
    expect(failed[0]).toMatchObject({ status: 'failed', attempts: 1, kind: 'registration_confirmed' });
    expect(failed[0]!.lastError).toContain('550');
    expect(sink.attempts.get(user.email)).toBe(1);
    const metrics = await request(app).get('/metrics').expect(200);
    expect(metrics.text).toMatch(/secureevent_email_deliveries_total\{outcome="failed"\} [1-9]/);

    const attendee = await env.tokenFor({ roles: ['attendee'] });
    const refused = await request(app)
      .get('/api/notifications/deliveries?status=failed')
      .set('authorization', `Bearer ${attendee.token}`)
      .expect(403);
    expect(refused.headers['content-type']).toContain('application/problem+json');
    await request(app).get('/api/notifications/deliveries?status=lost').set('authorization', `Bearer ${admin.token}`).expect(400);
  });

  it('when the SMTP server fails temporarily, then the email is retried with back-off and arrives exactly once', async () => {
    const user = await knownUser({ email: `flaky-${newId('x')}@example.test` });
    const m = registrationMessage('registration.promoted.v1', { userId: user.id });
    await env.publishRaw(m.type, m);
    await vi.waitFor(async () => expect((await deliveriesOf(user.id)).map((d) => d.status)).toEqual(['sent']), wait);
    const [delivery] = await deliveriesOf(user.id);
    expect(delivery!.attempts).toBe(3);
    expect(sink.attempts.get(user.email)).toBe(3);
    expect(sink.to(user.email)).toHaveLength(1);
    expect(sink.to(user.email)[0]!.subject).toBe('A seat opened up: “Security Summit”');
  });

  it('when the address is not known yet, then the email waits and goes out once user.registered.v1 arrives', async () => {
    const user = await env.tokenFor({ roles: ['attendee'] });
    const m = createEnvelope('/secureevent/user-service', {
      type: 'user.roles_changed.v1',
      data: {
        userId: user.id,
        roles: ['attendee', 'organizer'],
        previousRoles: ['attendee'],
        changedBy: newId('usr'),
        changedAt: new Date().toISOString(),
      },
    });
    await env.publishRaw(m.type, m);
    await vi.waitFor(async () => expect((await deliveriesOf(user.id))[0]?.last_error).toContain('no email address known'), wait);
    const registered = userRegistered(user, { email: `late-${user.id}@example.test` });
    await env.publishRaw(registered.type, registered);
    await vi.waitFor(() => expect(sink.to(`late-${user.id}@example.test`)).toHaveLength(1), wait);
    await vi.waitFor(async () => expect((await deliveriesOf(user.id)).map((d) => d.status)).toEqual(['sent']), wait);
  });

  it('when a user changes their display name, then later emails greet them by the new one', async () => {
    const user = await knownUser({ displayName: 'Ada' });
    const renamed = createEnvelope('/secureevent/user-service', {
      type: 'user.updated.v1',
      data: { userId: user.id, email: user.email, displayName: 'Countess Lovelace', updatedAt: new Date().toISOString() },
    });
    await env.publishRaw(renamed.type, renamed);
    await vi.waitFor(
      async () =>
        expect(
          (await db.selectFrom('users').select('display_name').where('user_id', '=', user.id).executeTakeFirstOrThrow()).display_name,
        ).toBe('Countess Lovelace'),
      wait,
    );
    const confirmed = registrationMessage('registration.confirmed.v1', { userId: user.id });
    await env.publishRaw(confirmed.type, confirmed);
    await vi.waitFor(() => expect(sink.to(user.email)).toHaveLength(1), wait);
    expect(sink.to(user.email)[0]!.text).toContain('Hello Countess Lovelace,');
  });

  it('when SMTP_URL is not set, then each email is written as an .eml file under the mail directory', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'secureevent-mail-'));
    try {
      const mailer = createMailer({ from: 'SecureEvent <no-reply@secureevent.test>', mailDir: path.join(dir, 'mail'), logger: env.logger });
      await mailer.send({
        to: { name: 'Ada', address: 'ada@example.test' },
        messageId: '<eml_test@secureevent.test>',
        subject: 'Hello',
        text: 'Plain words',
        html: '<p>Plain words</p>',
        ics: 'BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n',
      });
      mailer.close();
      const files = await readdir(path.join(dir, 'mail'));
      expect(files).toHaveLength(1);
      expect(files[0]).toMatch(/\.eml$/);
      const parsed = await simpleParser(await readFile(path.join(dir, 'mail', files[0]!)));
      expect(parsed.subject).toBe('Hello');
      expect(parsed.text?.trim()).toBe('Plain words');
      expect(parsed.attachments.map((a) => a.filename)).toEqual(['invite.ics']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
