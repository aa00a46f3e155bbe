import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import request from 'supertest';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type ServiceDb } from '@secureevent/shared';
import { createTestEnv, type startServiceForTest, type TestEnv } from '@secureevent/shared/testing';
import type { UsersDb } from '../src/db/schema.js';
import { FAILURES_BEFORE_LOCKOUT, IP_FAILURES } from '../src/security/login-throttle.js';
import { createPasswordHasher, type PasswordHasher } from '../src/security/password-hasher.js';
import { startUserService } from './user-service.fixture.js';

const password = 'correct horse battery staple';
const uniqueEmail = (tag: string) => `bf.${tag}.${randomBytes(5).toString('hex')}@example.com`;
const wrongPassword = () => `wrong-${randomBytes(6).toString('hex')}-password`;
/** Each test signs in from its own addresses (TEST-NET-3), so per-IP counters never collide. */
let lastOctet = 0;
const uniqueIp = () => `203.0.113.${++lastOctet}`;

/**
 * The real argon2 hasher, counting the password checks it is asked for. `hold()` makes checks wait
 * until `release()`, so a test can keep the first attempts in flight while the rest of a burst arrives.
 */
function countingHasher() {
  const real = createPasswordHasher();
  let gate: Promise<void> = Promise.resolve();
  let open = () => {};
  const spy = {
    checks: 0,
    hold() {
      gate = new Promise((resolve) => (open = resolve));
    },
    release() {
      open();
      gate = Promise.resolve();
    },
    hasher: {
      hash: (pw: string) => real.hash(pw),
      verify: async (stored: string | null | undefined, pw: string) => {
        spy.checks++;
        await gate;
        return real.verify(stored, pw);
      },
    } satisfies PasswordHasher,
  };
  return spy;
}

interface AuditRow {
  envelope: {
    subject?: string;
    data: { actorId: string | null; action: string; targetId: string | null; outcome: string; reason: string | null; ip: string | null };
  };
}

describe('sign-in brute-force protection', () => {
  let env: TestEnv;
  let app: Awaited<ReturnType<typeof startServiceForTest>>['app'];
  let sdb: ServiceDb<UsersDb>;
  let stop: () => Promise<void>;
  let server: Server;
  const spy = countingHasher();

  beforeAll(async () => {
    env = await createTestEnv();
    // Sign-ups all come from loopback here; the sign-up limit is not what these tests exercise.
    ({ app, sdb, stop } = await startUserService(env, { registrationsPerHour: 1_000, hasher: spy.hasher }));
    // One listening server for the bursts (Supertest would open one per request otherwise).
    server = createServer(app).listen(0);
  });
  afterAll(async () => {
    spy.release();
    if (server) await new Promise((resolve) => server.close(resolve));
    await stop();
    await env.close();
  });

  async function newUser(tag: string) {
    const email = uniqueEmail(tag);
    const reg = await request(app).post('/api/auth/register').send({ email, password, displayName: 'Brute-force target' }).expect(201);
    return { email, id: reg.body.id as string };
  }

  const login = (email: string, pw: string, ip: string) =>
    request(app).post('/api/auth/login').set('x-forwarded-for', ip).send({ email, password: pw });

  async function failTimes(n: number, email: string, ip: string) {
    const statuses: number[] = [];
    for (let i = 0; i < n; i++) statuses.push((await login(email, wrongPassword(), ip)).status);
    return statuses;
  }

  function expectRateLimited(res: request.Response) {
    expect(res.status).toBe(429);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.code).toBe('RATE_LIMITED');
    expect(res.headers['retry-after']).toMatch(/^\d+$/);
    expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
  }

  it('when one account fails 5 times from one IP, then the 6th attempt is 429 RATE_LIMITED with Retry-After even with the right password', async () => {
    const user = await newUser('lock');
    const ip = uniqueIp();

    const failures = await failTimes(FAILURES_BEFORE_LOCKOUT, user.email, ip);
    const sixth = await login(user.email, password, ip);

    expect(failures).toEqual(Array(FAILURES_BEFORE_LOCKOUT).fill(401));
    expectRateLimited(sixth);
    expect(sixth.body.accessToken).toBeUndefined();
    expect(sixth.headers['set-cookie']).toBeUndefined();
  });

  it('when an account is locked for one IP, then the same account can still sign in from another IP', async () => {
    const user = await newUser('otherip');
    const attackerIp = uniqueIp();
    const ownerIp = uniqueIp();
    await failTimes(FAILURES_BEFORE_LOCKOUT, user.email, attackerIp);
    expectRateLimited(await login(user.email, password, attackerIp));

    const fromOwner = await login(user.email, password, ownerIp);

    expect(fromOwner.status).toBe(200);
    expect(fromOwner.body.accessToken).toEqual(expect.any(String));
  });

  it('when a successful sign-in happens between failures, then the counter restarts (4 failures, 1 success, 4 failures: not locked)', async () => {
    const user = await newUser('reset');
    const ip = uniqueIp();

    const before = await failTimes(FAILURES_BEFORE_LOCKOUT - 1, user.email, ip);
    const success = await login(user.email, password, ip);
    const after = await failTimes(FAILURES_BEFORE_LOCKOUT - 1, user.email, ip);
    const next = await login(user.email, password, ip);

    expect(before).toEqual([401, 401, 401, 401]);
    expect(success.status).toBe(200);
    expect(after).toEqual([401, 401, 401, 401]);
    expect(next.status).toBe(200);
  });

  it('when one IP fails 50 times across 50 different emails (credential stuffing), then its next attempt on any account is 429', async () => {
    const victim = await newUser('stuffing-victim');
    const ip = uniqueIp();
    const statuses: number[] = [];
    for (let i = 0; i < 50; i++) statuses.push((await login(uniqueEmail(`stuffing${i}`), wrongPassword(), ip)).status);

    const next = await login(victim.email, password, ip);

    expect(statuses).toEqual(Array(50).fill(401));
    expect(next.status, 'status of the 51st attempt from an IP with 50 failures').toBe(429);
    expectRateLimited(next);
    expect(next.body.accessToken).toBeUndefined();
  });

  it('when an IP is locked for credential stuffing, then other IPs are not affected', async () => {
    const victim = await newUser('stuffing-bystander');
    const ip = uniqueIp();
    for (let i = 0; i < 51; i++) await login(uniqueEmail(`bystander${i}`), wrongPassword(), ip);
    expectRateLimited(await login(victim.email, password, ip));

    const elsewhere = await login(victim.email, password, uniqueIp());

    expect(elsewhere.status).toBe(200);
  });

  it('when the email is unknown or the password wrong, then the status, code and detail are identical', async () => {
    const user = await newUser('enum');
    const ip = uniqueIp();

    const wrong = await login(user.email, wrongPassword(), ip);
    const unknown = await login(uniqueEmail('nobody'), wrongPassword(), ip);

    const shape = (res: request.Response) => ({
      status: res.status,
      contentType: res.headers['content-type'],
      type: res.body.type,
      title: res.body.title,
      code: res.body.code,
      detail: res.body.detail,
      keys: Object.keys(res.body).sort(),
    });
    expect(wrong.status).toBe(401);
    expect(wrong.body.code).toBe('INVALID_CREDENTIALS');
    expect(shape(unknown)).toEqual(shape(wrong));
  });

  it('when sign-ins fail, then each writes an audit.recorded.v1 failure to the outbox without the password', async () => {
    const user = await newUser('audit');
    const ip = uniqueIp();
    const wrongPw = wrongPassword();
    const unknownPw = wrongPassword();
    await login(user.email, wrongPw, ip).expect(401);
    await login(uniqueEmail('ghost'), unknownPw, ip).expect(401);

    const { rows } = await sql<AuditRow>`
      select envelope from ${sql.id(sdb.schema, 'outbox')}
      where type = 'audit.recorded.v1' and envelope->'data'->>'ip' = ${ip}`.execute(sdb.db);

    expect(rows).toHaveLength(2);
    const entries = rows.map((r) => r.envelope.data).sort((a, b) => String(a.reason).localeCompare(String(b.reason)));
    expect(entries).toEqual([
      expect.objectContaining({ action: 'auth.login', outcome: 'failure', reason: 'unknown_account', actorId: null, targetId: null, ip }),
      expect.objectContaining({ action: 'auth.login', outcome: 'failure', reason: 'wrong_password', actorId: null, targetId: user.id, ip }),
    ]);
    const stored = JSON.stringify(rows);
    for (const secret of [wrongPw, unknownPw, password]) expect(stored).not.toContain(secret);
  });

  it('when a locked-out attempt is refused, then it is audited as a throttled failure without the password', async () => {
    const user = await newUser('audit-throttled');
    const ip = uniqueIp();
    await failTimes(FAILURES_BEFORE_LOCKOUT, user.email, ip);
    expectRateLimited(await login(user.email, password, ip));

    const { rows } = await sql<AuditRow>`
      select envelope from ${sql.id(sdb.schema, 'outbox')}
      where type = 'audit.recorded.v1' and envelope->'data'->>'ip' = ${ip}`.execute(sdb.db);

    expect(rows).toHaveLength(FAILURES_BEFORE_LOCKOUT + 1);
    expect(rows.every((r) => r.envelope.data.outcome === 'failure' && r.envelope.data.action === 'auth.login')).toBe(true);
    expect(rows.filter((r) => r.envelope.data.reason === 'throttled')).toHaveLength(1);
    expect(JSON.stringify(rows)).not.toContain(password);
  });
  const burstLogin = (email: string, pw: string, ip: string) =>
    request(server).post('/api/auth/login').set('x-forwarded-for', ip).send({ email, password: pw });
  const countOf = (statuses: number[], status: number) => statuses.filter((s) => s === status).length;

  /** Sends requests at once and counts the answers as they come back. */
  function burst(requests: (() => request.Test)[]) {
    let answered = 0;
    const responses = requests.map((send) =>
      send().then((res) => {
        answered++;
        return res;
      }),
    );
    return { responses, answered: () => answered };
  }

  it('when 30 sign-ins for one account arrive at once from one IP, then at most 5 passwords are checked and the rest are 429', async () => {
    const user = await newUser('burst');
    const ip = uniqueIp();
    const before = spy.checks;

    const statuses = (await Promise.all(Array.from({ length: 30 }, () => burstLogin(user.email, wrongPassword(), ip)))).map(
      (r) => r.status,
    );

    expect(spy.checks - before, 'password checks in the burst').toBeLessThanOrEqual(FAILURES_BEFORE_LOCKOUT);
    expect(countOf(statuses, 401)).toBe(spy.checks - before);
    expect(countOf(statuses, 429)).toBe(30 - (spy.checks - before));
  });

  it('when the first guesses of a burst are still being checked, then the right password as the 16th attempt is 429 and no session starts', async () => {
    const user = await newUser('burst16');
    const ip = uniqueIp();
    const before = spy.checks;
    spy.hold();
    try {
      const first = burst(Array.from({ length: 15 }, () => () => burstLogin(user.email, wrongPassword(), ip)));
      // Each guess is either answered or waiting inside the hasher; none has been counted as a failure yet.
      await vi.waitFor(() => expect(first.answered() + spy.checks - before).toBe(15), { timeout: 20_000, interval: 20 });
      const rest = burst([
        () => burstLogin(user.email, password, ip),
        ...Array.from({ length: 14 }, () => () => burstLogin(user.email, wrongPassword(), ip)),
      ]);
      await vi.waitFor(() => expect(first.answered() + rest.answered() + spy.checks - before).toBe(30), { timeout: 20_000, interval: 20 });
      spy.release();
      const [right, ...others] = await Promise.all(rest.responses);
      const statuses = [...(await Promise.all(first.responses)), ...others].map((r) => r.status);

      expectRateLimited(right!);
      expect(right!.body.accessToken).toBeUndefined();
      expect(right!.headers['set-cookie']).toBeUndefined();
      expect(spy.checks - before, 'password checks in the burst').toBeLessThanOrEqual(FAILURES_BEFORE_LOCKOUT);
      expect(countOf(statuses, 401)).toBe(spy.checks - before);
      expect(countOf(statuses, 429)).toBe(29 - (spy.checks - before));
    } finally {
      spy.release();
    }
  });

  it('when 250 sign-ins for 250 accounts arrive at once from one IP, then at most 50 passwords are checked', async () => {
    const ip = uniqueIp();
    const before = spy.checks;
    spy.hold();
    try {
      const wide = burst(Array.from({ length: 250 }, (_, i) => () => burstLogin(uniqueEmail(`wide${i}`), wrongPassword(), ip)));
      await vi.waitFor(() => expect(wide.answered() + spy.checks - before).toBe(250), { timeout: 30_000, interval: 50 });
      spy.release();
      const statuses = (await Promise.all(wide.responses)).map((r) => r.status);
      const histogram = JSON.stringify(statuses.reduce<Record<number, number>>((h, st) => ({ ...h, [st]: (h[st] ?? 0) + 1 }), {}));
      expect(
        statuses.every((st) => st === 401 || st === 429),
        `answers: ${histogram}`,
      ).toBe(true);

      expect(spy.checks - before, 'password checks in the burst').toBeLessThanOrEqual(IP_FAILURES);
      expect(countOf(statuses, 401)).toBe(spy.checks - before);
      expect(countOf(statuses, 429)).toBe(250 - (spy.checks - before));
    } finally {
      spy.release();
    }
  }, 60_000);
});
