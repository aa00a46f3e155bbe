import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import pg from 'pg';
import { parseAllDocuments } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerRequestSchema } from '@secureevent/contracts';
import { auditServiceEnvSchema } from '@secureevent/audit-service';
import { eventServiceEnvSchema } from '@secureevent/event-service';
import { notificationServiceEnvSchema } from '@secureevent/notification-service';
import { loadSigningKeys } from '@secureevent/shared';
import { keyStoreFrom, mfaKeyFrom, userServiceEnvSchema } from '@secureevent/user-service';

/**
 * The dev environment's credentials Job (ci-cd/helm-charts/secureevent/files/dev-data-stores/generate-secrets.mjs,
 * ADR 0025) run as the Job runs it — `node <script>` through a symlink, as a ConfigMap volume holds it — against
 * a local HTTPS server that answers as the Kubernetes API does for Secrets (201 on create, 409 when the name is
 * taken, 404 on a missing get, 401 without the service account's bearer token), trusted through a CA file as the
 * in-cluster service account gives it. Then: the values pass the services' own config parsing, the Secrets hold
 * every key the rendered dev manifests read, a second run changes nothing, and Redis accepts the generated ACL.
 */

const root = fileURLToPath(new URL('../..', import.meta.url));
const script = path.join(root, 'ci-cd', 'helm-charts', 'secureevent', 'files', 'dev-data-stores', 'generate-secrets.mjs');
const NAMESPACE = 'secureevent-dev';
const TOKEN = 'service-account-token-for-the-test';
const SERVICES = ['user-service', 'event-service', 'notification-service', 'audit-service'] as const;
const run = promisify(execFile);
const freePort = () =>
  new Promise<number>((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as AddressInfo).port;
      s.close(() => resolve(p));
    });
  });

interface Secret {
  metadata: { name: string; labels?: Record<string, string> };
  type?: string;
  data: Record<string, string>;
}
interface Request {
  method: string;
  url: string;
}

/** A Kubernetes API server as far as Secrets go, over TLS with a self-signed certificate. */
class FakeApiServer {
  readonly secrets = new Map<string, Secret>();
  readonly requests: Request[] = [];
  answer?: number;
  private server?: https.Server;

  constructor(private readonly tls: { key: Buffer; cert: Buffer }) {}

  async start(): Promise<string> {
    this.server = https.createServer(this.tls, (req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('utf8')));
      req.on('end', () => {
        this.requests.push({ method: req.method ?? '', url: req.url ?? '' });
        const reply = (status: number, payload: unknown) => {
          res.writeHead(status, { 'content-type': 'application/json' });
          res.end(JSON.stringify(payload));
        };
        const status = (code: number, reason: string, message: string) =>
          reply(code, { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason, message, code });
        if (req.headers.authorization !== `Bearer ${TOKEN}`) return status(401, 'Unauthorized', 'Unauthorized');
        if (this.answer) return status(this.answer, 'Forbidden', 'secrets is forbidden');
        const collection = `/api/v1/namespaces/${NAMESPACE}/secrets`;
        if (req.method === 'POST' && req.url === collection) {
          const posted = JSON.parse(body) as {
            kind: string;
            metadata: Secret['metadata'];
            type?: string;
            stringData?: Record<string, string>;
          };
          if (posted.kind !== 'Secret') return status(400, 'BadRequest', 'not a Secret');
          if (this.secrets.has(posted.metadata.name))
            return status(409, 'AlreadyExists', `secrets "${posted.metadata.name}" already exists`);
          // The API server stores stringData base64-encoded in data.
          const data = Object.fromEntries(Object.entries(posted.stringData ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')]));
          const secret = { metadata: posted.metadata, type: posted.type, data };
          this.secrets.set(posted.metadata.name, secret);
          return reply(201, { apiVersion: 'v1', kind: 'Secret', ...secret });
        }
        const one = req.url?.startsWith(`${collection}/`) ? decodeURIComponent(req.url.slice(collection.length + 1)) : undefined;
        if (req.method === 'GET' && one !== undefined) {
          const found = this.secrets.get(one);
          return found ? reply(200, { apiVersion: 'v1', kind: 'Secret', ...found }) : status(404, 'NotFound', `secrets "${one}" not found`);
        }
        return status(404, 'NotFound', 'the server could not find the requested resource');
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `https://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  decoded(name: string): Record<string, string> {
    const s = this.secrets.get(name);
    if (!s) throw new Error(`no Secret ${name}`);
    return Object.fromEntries(Object.entries(s.data).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]));
  }

  async stop() {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

let dir: string;
let api: FakeApiServer;
let apiUrl: string;
let firstRun: { stdout: string; stderr: string };

/** `node generate-secrets.mjs` as the Job runs it: through a symlink (a ConfigMap volume's files are symlinks). */
const generate = (env: Record<string, string> = {}) =>
  run(process.execPath, [path.join(dir, 'volume', 'generate-secrets.mjs')], {
    env: {
      PATH: process.env.PATH ?? '',
      KUBE_API_URL: apiUrl,
      KUBE_TOKEN_FILE: path.join(dir, 'sa', 'token'),
      KUBE_CA_FILE: path.join(dir, 'sa', 'ca.crt'),
      KUBE_NAMESPACE: NAMESPACE,
      ADMIN_EMAIL: 'admin@secureevent.dev.example.com',
      ...env,
    },
  });

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'secureevent-dev-secrets-'));
  fs.mkdirSync(path.join(dir, 'sa'));
  fs.mkdirSync(path.join(dir, 'volume'));
  fs.symlinkSync(script, path.join(dir, 'volume', 'generate-secrets.mjs'));
  const key = path.join(dir, 'tls.key');
  const cert = path.join(dir, 'sa', 'ca.crt');
  // A self-signed certificate for 127.0.0.1: the CA file the script is given, as the service account's ca.crt.
  const r = spawnSync('openssl', [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-days',
    '1',
    '-subj',
    '/CN=kubernetes',
    '-addext',
    'subjectAltName=IP:127.0.0.1',
    '-keyout',
    key,
    '-out',
    cert,
  ]);
  expect(r.error, 'openssl is needed to give the fake API server a certificate').toBeUndefined();
  expect(r.status, r.stderr?.toString()).toBe(0);
  fs.writeFileSync(path.join(dir, 'sa', 'token'), `${TOKEN}\n`);
  api = new FakeApiServer({ key: fs.readFileSync(key), cert: fs.readFileSync(cert) });
  apiUrl = await api.start();
  firstRun = await generate();
});

afterAll(async () => {
  await api?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

/** The dev overlay, rendered: what the manifests read from the generated Secrets. */
function devObjects() {
  const r = spawnSync('kubectl', ['kustomize', path.join(root, 'k8s', 'overlays', 'dev')], { encoding: 'utf8' });
  if (r.error || r.status !== 0)
    throw new Error(`kubectl kustomize failed (kubectl on PATH? bash platform/scripts/install-kube-tools.sh DIR): ${r.stderr}`);
  return parseAllDocuments(r.stdout).map(
    (d) =>
      d.toJS() as {
        kind: string;
        metadata: { name: string };
        spec?: {
          template?: { spec: { containers: Container[]; volumes?: { secret?: { secretName: string; items?: { key: string }[] } }[] } };
        };
      },
  );
}
interface Container {
  env?: { name: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } }[];
  envFrom?: { secretRef?: { name: string } }[];
}

const env = (service: string) => ({ DATA_DIR: path.join(dir, 'data', service), ...api.decoded(`${service}-secrets`) });

describe('the dev credentials Job (generate-secrets.mjs)', () => {
  it('when run against an empty namespace, then it creates the data stores’ Secret and the four service Secrets, printing no value', () => {
    expect([...api.secrets.keys()].sort()).toEqual(['dev-data-stores', ...SERVICES.map((s) => `${s}-secrets`)].sort());
    expect(firstRun.stdout).toContain(`Secret ${NAMESPACE}/dev-data-stores: created`);
    for (const s of SERVICES) expect(firstRun.stdout).toContain(`Secret ${NAMESPACE}/${s}-secrets: created`);
    for (const secret of api.secrets.values()) {
      expect(secret.type).toBe('Opaque');
      expect(secret.metadata.labels?.['app.kubernetes.io/part-of']).toBe('secureevent');
      for (const value of Object.values(api.decoded(secret.metadata.name))) {
        if (value.length >= 16) expect(firstRun.stdout + firstRun.stderr).not.toContain(value);
      }
    }
  });

  it('then the user-service accepts its Secret: URLs, the JWT key set (with its kid), the TOTP sealing key and the bootstrap admin', async () => {
    const config = userServiceEnvSchema.parse(env('user-service'));
    const jwks = JSON.parse(config.JWT_PRIVATE_KEY!) as { kty: string; crv: string; d?: string; kid?: string }[];
    expect(jwks).toHaveLength(1);
    expect(jwks[0]).toMatchObject({ kty: 'OKP', crv: 'Ed25519' });
    expect(jwks[0]!.d).toBeTruthy();
    const keys = await keyStoreFrom(config);
    expect(keys.kid).toBe(jwks[0]!.kid);
    expect(keys.publicJwks().keys[0]).not.toHaveProperty('d');
    // Every replica opens the TOTP secrets with the same key from the Secret, none generates its own.
    expect(mfaKeyFrom(config)).toHaveLength(32);
    expect(mfaKeyFrom(config).toString('base64')).toBe(config.MFA_ENCRYPTION_KEY);
    // bootstrapAdmin registers the admin through the sign-up schema: its password rules apply.
    expect(
      registerRequestSchema.safeParse({ email: config.ADMIN_EMAIL, password: config.ADMIN_PASSWORD, displayName: 'Administrator' }).success,
    ).toBe(true);
    expect(config.ADMIN_EMAIL).toBe('admin@secureevent.dev.example.com');
  });

  it('then the event-, notification- and audit-service accept theirs (TICKET_SECRET, AUDIT_SIGNING_KEY)', async () => {
    const event = eventServiceEnvSchema.parse(env('event-service'));
    expect(event.TICKET_SECRET!.length).toBeGreaterThanOrEqual(32);
    notificationServiceEnvSchema.parse(env('notification-service'));
    const audit = auditServiceEnvSchema.parse(env('audit-service'));
    const signing = await loadSigningKeys({ privateKeys: audit.AUDIT_SIGNING_KEY });
    expect(signing.kid).toBe((JSON.parse(audit.AUDIT_SIGNING_KEY!) as { kid: string }[])[0]!.kid);
    // Two key sets, two keys: the audit trail's key is not the token key.
    expect(signing.kid).not.toBe((await keyStoreFrom(userServiceEnvSchema.parse(env('user-service')))).kid);
  });

  it('then every service has its own user and password per store, its own database, and the stores’ Secret holds the same passwords', () => {
    const stores = api.decoded('dev-data-stores');
    const seen = new Set<string>();
    const databases = new Set<string>();
    for (const service of SERVICES) {
      const s = api.decoded(`${service}-secrets`);
      const key = service.replace('-', '_').toUpperCase();
      const db = new URL(s.DATABASE_URL!);
      const amqp = new URL(s.AMQP_URL!);
      const redis = new URL(s.REDIS_URL!);
      expect([db.host, amqp.host, redis.host]).toEqual(['postgres:5432', 'rabbitmq:5672', 'redis:6379']);
      for (const [url, store] of [
        [db, 'POSTGRES'],
        [amqp, 'RABBITMQ'],
        [redis, 'REDIS'],
      ] as const) {
        expect(url.username, `${service} ${store}`).toBe(service.replace('-', '_'));
        expect(decodeURIComponent(url.password), `${service} ${store}`).toBe(stores[`${key}_${store}_PASSWORD`]);
        expect(url.password.length).toBeGreaterThanOrEqual(32);
        seen.add(url.password);
      }
      databases.add(db.pathname);
    }
    expect(seen.size).toBe(SERVICES.length * 3);
    expect([...databases].sort()).toEqual(['/audit', '/events', '/notifications', '/users']);
    // RabbitMQ gets password hashes, never the passwords; Redis a SHA-256 per user, the default user off.
    const definitions = JSON.parse(stores['rabbitmq-definitions.json']!) as { users: { name: string; password_hash: string }[] };
    expect(definitions.users.map((u) => u.name).sort()).toEqual(['audit_service', 'event_service', 'notification_service', 'user_service']);
    for (const u of definitions.users) expect(Buffer.from(u.password_hash, 'base64')).toHaveLength(36);
    expect(stores['rabbitmq-definitions.json']).not.toContain(stores.USER_SERVICE_RABBITMQ_PASSWORD);
    expect(stores['redis-users.acl']).toMatch(/^user default off$/m);
    expect(stores['redis-users.acl']).not.toContain(stores.USER_SERVICE_REDIS_PASSWORD);
  });

  it('then the Secrets hold every key the rendered dev manifests read from them', () => {
    const objects = devObjects();
    const workloads = objects.filter((o) => ['Deployment', 'StatefulSet', 'Job'].includes(o.kind));
    let checked = 0;
    for (const w of workloads) {
      const pod = w.spec!.template!.spec;
      for (const c of pod.containers) {
        for (const e of c.env ?? []) {
          const ref = e.valueFrom?.secretKeyRef;
          if (!ref) continue;
          expect(api.decoded(ref.name), `${w.metadata.name}: ${ref.name}.${ref.key}`).toHaveProperty(ref.key);
          checked++;
        }
        for (const e of c.envFrom ?? []) if (e.secretRef) expect(api.secrets.has(e.secretRef.name), w.metadata.name).toBe(true);
      }
      for (const v of pod.volumes ?? []) {
        if (!v.secret) continue;
        for (const item of v.secret.items ?? [])
          expect(api.decoded(v.secret.secretName), `${w.metadata.name}: ${item.key}`).toHaveProperty(item.key);
        checked++;
      }
    }
    // PostgreSQL's five passwords, the audit-service's signing key, RabbitMQ's definitions and Redis' ACL.
    expect(checked).toBeGreaterThanOrEqual(8);
  });

  it('when run a second time, then it creates nothing and changes nothing (each create answered 409)', async () => {
    const before = JSON.stringify([...api.secrets.entries()]);
    const from = api.requests.length;
    const second = await generate();
    expect(JSON.stringify([...api.secrets.entries()])).toBe(before);
    const requests = api.requests.slice(from);
    expect(requests.filter((r) => r.method === 'POST')).toHaveLength(SERVICES.length);
    expect(requests.every((r) => r.method === 'GET' || r.method === 'POST')).toBe(true);
    for (const name of ['dev-data-stores', ...SERVICES.map((s) => `${s}-secrets`)]) expect(second.stdout).toContain(`${name}: kept`);
  });

  it('when one service Secret was deleted, then it is made again from the data stores’ existing passwords', async () => {
    const old = api.decoded('event-service-secrets');
    api.secrets.delete('event-service-secrets');
    const again = await generate();
    expect(again.stdout).toContain('event-service-secrets: created');
    const made = api.decoded('event-service-secrets');
    expect(made.DATABASE_URL).toBe(old.DATABASE_URL);
    expect(made.AMQP_URL).toBe(old.AMQP_URL);
    expect(made.REDIS_URL).toBe(old.REDIS_URL);
  });

  it('when the API server refuses, or the token is wrong, then the Job fails (non-zero, so it is retried) and creates nothing', async () => {
    const count = api.secrets.size;
    api.secrets.delete('audit-service-secrets');
    api.answer = 403;
    await expect(generate()).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining('HTTP 403') });
    api.answer = undefined;
    fs.writeFileSync(path.join(dir, 'sa', 'wrong-token'), 'not-the-token');
    await expect(generate({ KUBE_TOKEN_FILE: path.join(dir, 'sa', 'wrong-token') })).rejects.toMatchObject({
      stderr: expect.stringContaining('HTTP 401'),
    });
    expect(api.secrets.size).toBe(count - 1);
    // A server whose certificate the CA file does not vouch for is not talked to.
    await expect(generate({ KUBE_CA_FILE: '/etc/ssl/certs/ca-certificates.crt' })).rejects.toMatchObject({ code: 1 });
    expect(api.secrets.size).toBe(count - 1);
    // The retry, once the API server answers, completes the set.
    await generate();
    expect(api.secrets.size).toBe(count);
  });
});

describe('the generated Redis ACL', () => {
  let redis: ChildProcess | undefined;
  afterAll(() => {
    redis?.kill('SIGTERM');
  });

  it('when a real redis-server loads it, then each service signs in with its REDIS_URL and the default user is off', async () => {
    const port = await freePort();
    const acl = path.join(dir, 'users.acl');
    fs.writeFileSync(acl, api.decoded('dev-data-stores')['redis-users.acl']!);
    const binary = ['/usr/bin/redis-server', 'redis-server'].find((b) => spawnSync(b, ['--version']).status === 0);
    if (!binary) throw new Error('redis-server is not installed (`apt-get install -y redis-server`): the real-mode tests need it too');
    const server = spawn(binary, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--aclfile', acl], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    redis = server;
    let log = '';
    server.stdout.on('data', (c: Buffer) => (log += c.toString()));
    server.stderr.on('data', (c: Buffer) => (log += c.toString()));
    // Ready when it logs so (it refuses to start, and says why, on an ACL file it cannot load).
    await expect
      .poll(() => (server.exitCode !== null ? `exited: ${log}` : /Ready to accept connections/.test(log)), { timeout: 10_000 })
      .toBe(true);
    // Without a user name and password, Redis answers nothing but an error.
    const anonymous = await new Promise<string>((resolve, reject) => {
      const socket = net.connect(port, '127.0.0.1', () => socket.write('PING\r\n'));
      socket.once('data', (reply) => {
        socket.destroy();
        resolve(reply.toString());
      });
      socket.once('error', reject);
    });
    expect(anonymous).toMatch(/^-NOAUTH/);
    for (const service of SERVICES) {
      const url = new URL(api.decoded(`${service}-secrets`).REDIS_URL!);
      url.host = `127.0.0.1:${port}`;
      const client = new Redis(url.toString(), { lazyConnect: true });
      await client.connect();
      expect(await client.set(`secureevent:test:${service}`, 'x', 'EX', 10)).toBe('OK');
      expect(await client.eval("return redis.call('GET', KEYS[1])", 1, `secureevent:test:${service}`)).toBe('x');
      await expect(client.flushall()).rejects.toThrow(/NOPERM/);
      client.disconnect();
    }
  });
});

describe('postgres-init.sh (what the postgres image runs at its first start)', () => {
  const bin = fs.existsSync('/usr/lib/postgresql')
    ? fs
        .readdirSync('/usr/lib/postgresql')
        .map((v) => `/usr/lib/postgresql/${v}/bin`)
        .find((b) => fs.existsSync(`${b}/initdb`))
    : undefined;
  // initdb refuses to run as root: as root (CI), the server runs as the postgres user, as in the image.
  const asUser = (cmd: string, args: string[]) =>
    process.getuid?.() === 0
      ? spawnSync('runuser', ['-u', 'postgres', '--', cmd, ...args], { encoding: 'utf8' })
      : spawnSync(cmd, args, { encoding: 'utf8' });
  let cluster: string | undefined;
  afterAll(() => {
    if (cluster && bin) asUser(`${bin}/pg_ctl`, ['-D', path.join(cluster, 'data'), '-m', 'immediate', 'stop']);
    if (cluster) fs.rmSync(cluster, { recursive: true, force: true });
  });

  it('when run on a scratch PostgreSQL with the generated passwords, then each service owns its database and reaches no other', async () => {
    if (!bin)
      throw new Error('PostgreSQL server binaries (initdb) are not installed: `apt-get install -y postgresql` (real mode needs them too)');
    cluster = fs.mkdtempSync(path.join(os.tmpdir(), 'secureevent-pg-'));
    fs.chmodSync(cluster, 0o755);
    if (process.getuid?.() === 0) spawnSync('chown', ['postgres', cluster]);
    const stores = api.decoded('dev-data-stores');
    fs.writeFileSync(path.join(cluster, 'pw'), stores.POSTGRES_PASSWORD!);
    if (process.getuid?.() === 0) spawnSync('chown', ['postgres', path.join(cluster, 'pw')]);
    const data = path.join(cluster, 'data');
    const init = asUser(`${bin}/initdb`, ['-D', data, '-U', 'postgres', '--auth=scram-sha-256', `--pwfile=${path.join(cluster, 'pw')}`]);
    expect(init.status, init.stderr).toBe(0);
    const port = await freePort();
    const start = asUser(`${bin}/pg_ctl`, [
      '-D',
      data,
      '-w',
      '-l',
      path.join(cluster, 'log'),
      '-o',
      `-p ${port} -k ${cluster} -c listen_addresses=127.0.0.1`,
      'start',
    ]);
    expect(start.status, start.stderr + start.stdout).toBe(0);
    // The script is sourced by the image's bash entrypoint (set -Eeo pipefail), with the container's environment.
    const script = path.join(root, 'ci-cd', 'helm-charts', 'secureevent', 'files', 'dev-data-stores', 'postgres-init.sh');
    const passwords = Object.fromEntries(Object.entries(stores).filter(([k]) => /^[A-Z_]+_POSTGRES_PASSWORD$/.test(k)));
    const sourced = spawnSync('bash', ['-c', `set -Eeo pipefail; source "${script}"`], {
      encoding: 'utf8',
      env: {
        PATH: process.env.PATH,
        POSTGRES_USER: 'postgres',
        PGPASSWORD: stores.POSTGRES_PASSWORD,
        PGHOST: '127.0.0.1',
        PGPORT: String(port),
        ...passwords,
      },
    });
    expect(sourced.status, sourced.stderr).toBe(0);

    const connect = async (service: string, database?: string) => {
      const url = new URL(api.decoded(`${service}-secrets`).DATABASE_URL!);
      url.host = `127.0.0.1:${port}`;
      if (database) url.pathname = `/${database}`;
      const client = new pg.Client({ connectionString: url.toString() });
      await client.connect();
      return client;
    };
    const schemas = {
      'user-service': 'users',
      'event-service': 'events',
      'notification-service': 'notifications',
      'audit-service': 'audit',
    };
    for (const [service, schema] of Object.entries(schemas)) {
      const client = await connect(service);
      try {
        // What every service does at start (backend/shared/src/db/migrations/migrate.ts), then a table and an advisory lock.
        await client.query(`create schema if not exists ${schema}`);
        await client.query(`create schema if not exists ${schema}`);
        await client.query(`create table ${schema}.probe (id int primary key)`);
        await client.query('select pg_advisory_lock(1)');
        await expect(client.query('create role intruder')).rejects.toThrow(/permission denied/);
        await expect(client.query('create database intruder')).rejects.toThrow(/permission denied/);
      } finally {
        await client.end();
      }
    }
    // Another service's database is closed to it.
    await expect(connect('event-service', 'users')).rejects.toThrow(/permission denied for database "users"/);
    await expect(connect('user-service', 'audit')).rejects.toThrow(/permission denied for database "audit"/);
  });
});
