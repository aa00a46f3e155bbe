// The dev environment's credentials, generated in the cluster and never committed (ADR 0025).
// Run once by the Job dev-secrets (secrets-job.yaml) with Node 20 and nothing but its built-ins:
//   1. the Secret dev-data-stores: a password per service for PostgreSQL, RabbitMQ and Redis, the
//      PostgreSQL superuser's, RabbitMQ's definitions (a user per service) and Redis' ACL file
//      (a user per service, the default user off). The data stores read it at their first start.
//   2. the four <service>-secrets (docs/deployment.md lists their keys), with URLs built from (1)
//      and fresh keys: JWT_PRIVATE_KEY, MFA_ENCRYPTION_KEY, TICKET_SECRET, AUDIT_SIGNING_KEY,
//      ADMIN_EMAIL/ADMIN_PASSWORD.
// Idempotent: an existing Secret is kept as it is (409 on create), and the service Secrets are
// built from the existing dev-data-stores, so a second run changes nothing. To regenerate, delete
// the Secrets (and the data stores' volumes) and the Job, then apply again.
// Talks to the API server as the pod's ServiceAccount (Role dev-secrets: get and create Secrets).
// KUBE_API_URL, KUBE_TOKEN_FILE, KUBE_CA_FILE and KUBE_NAMESPACE override the in-cluster defaults.
import { createHash, generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import { readFileSync, realpathSync } from 'node:fs';
import { request } from 'node:https';
import { fileURLToPath } from 'node:url';

const SA = '/var/run/secrets/kubernetes.io/serviceaccount';
const env = process.env;

/** Each service: its PostgreSQL database (owned by its role), its role and user names, its extra keys. */
export const SERVICES = {
  'user-service': { database: 'users', user: 'user_service' },
  'event-service': { database: 'events', user: 'event_service' },
  'notification-service': { database: 'notifications', user: 'notification_service' },
  'audit-service': { database: 'audit', user: 'audit_service' },
};
export const DATA_STORES_SECRET = 'dev-data-stores';
const HOSTS = { postgres: 'postgres:5432', rabbitmq: 'rabbitmq:5672', redis: 'redis:6379' };

/** A random password that needs no escaping in a URL (base64url, 192 bits). */
const password = () => randomBytes(24).toString('base64url');
/** The environment variable name of a service's password for one store: USER_SERVICE_POSTGRES_PASSWORD. */
export const passwordKey = (service, store) => `${service.replace('-', '_').toUpperCase()}_${store.toUpperCase()}_PASSWORD`;

/** An Ed25519 key set as the services read it: a JSON array of private JWKs with a kid, newest first. */
function ed25519KeySet() {
  const { privateKey } = generateKeyPairSync('ed25519');
  return JSON.stringify([{ ...privateKey.export({ format: 'jwk' }), kid: randomUUID(), alg: 'EdDSA', use: 'sig' }]);
}

/** RabbitMQ's stored password format (rabbit_password_hashing_sha256): base64(salt ‖ SHA-256(salt ‖ password)). */
function rabbitPasswordHash(plain) {
  const salt = randomBytes(4);
  return Buffer.concat([
    salt,
    createHash('sha256')
      .update(Buffer.concat([salt, Buffer.from(plain, 'utf8')]))
      .digest(),
  ]).toString('base64');
}

/** The data stores' Secret: every password, and the RabbitMQ definitions and Redis ACL made from them. */
export function dataStoreCredentials() {
  const data = { POSTGRES_PASSWORD: password() };
  for (const service of Object.keys(SERVICES)) for (const store of Object.keys(HOSTS)) data[passwordKey(service, store)] = password();
  const users = Object.entries(SERVICES);
  data['rabbitmq-definitions.json'] = JSON.stringify(
    {
      users: users.map(([service, s]) => ({
        name: s.user,
        password_hash: rabbitPasswordHash(data[passwordKey(service, 'rabbitmq')]),
        hashing_algorithm: 'rabbit_password_hashing_sha256',
        tags: [],
      })),
      vhosts: [{ name: '/' }],
      permissions: users.map(([, s]) => ({ user: s.user, vhost: '/', configure: '.*', write: '.*', read: '.*' })),
    },
    null,
    2,
  );
  data['redis-users.acl'] = [
    'user default off',
    // Every command but the administrative and the destructive ones, on every key and channel.
    ...users.map(
      ([service, s]) =>
        `user ${s.user} on #${createHash('sha256').update(data[passwordKey(service, 'redis')]).digest('hex')} ~* &* +@all -@admin -flushall -flushdb`,
    ),
    '',
  ].join('\n');
  return data;
}

/** One service's Secret, from the data stores' passwords; fresh keys where the service signs. */
export function serviceSecret(service, stores, adminEmail) {
  const s = SERVICES[service];
  const data = {
    DATABASE_URL: `postgres://${s.user}:${stores[passwordKey(service, 'postgres')]}@${HOSTS.postgres}/${s.database}`,
    AMQP_URL: `amqp://${s.user}:${stores[passwordKey(service, 'rabbitmq')]}@${HOSTS.rabbitmq}`,
    REDIS_URL: `redis://${s.user}:${stores[passwordKey(service, 'redis')]}@${HOSTS.redis}`,
  };
  if (service === 'user-service')
    Object.assign(data, {
      JWT_PRIVATE_KEY: ed25519KeySet(),
      // Seals TOTP secrets; the same in every replica, or a factor set up on one pod fails on another.
      MFA_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      ADMIN_EMAIL: adminEmail,
      ADMIN_PASSWORD: password(),
    });
  if (service === 'event-service') data.TICKET_SECRET = randomBytes(48).toString('base64url');
  if (service === 'audit-service') data.AUDIT_SIGNING_KEY = ed25519KeySet();
  return data;
}

function kubernetes() {
  const base = env.KUBE_API_URL ?? `https://${env.KUBERNETES_SERVICE_HOST}:${env.KUBERNETES_SERVICE_PORT ?? '443'}`;
  const token = readFileSync(env.KUBE_TOKEN_FILE ?? `${SA}/token`, 'utf8').trim();
  const ca = readFileSync(env.KUBE_CA_FILE ?? `${SA}/ca.crt`);
  const namespace = env.KUBE_NAMESPACE ?? readFileSync(`${SA}/namespace`, 'utf8').trim();
  const call = (method, path, body) =>
    new Promise((resolve, reject) => {
      const req = request(
        new URL(path, base),
        { method, ca, headers: { authorization: `Bearer ${token}`, accept: 'application/json', 'content-type': 'application/json' } },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk) => (text += chunk));
          res.on('end', () => resolve({ status: res.statusCode, body: text ? JSON.parse(text) : undefined }));
        },
      );
      req.setTimeout(10_000, () => req.destroy(new Error(`${method} ${path}: no answer within 10 s`)));
      req.on('error', reject);
      req.end(body === undefined ? undefined : JSON.stringify(body));
    });
  const secrets = `/api/v1/namespaces/${encodeURIComponent(namespace)}/secrets`;
  return {
    namespace,
    /** The Secret's data (decoded), or undefined when there is none. */
    async get(name) {
      const r = await call('GET', `${secrets}/${encodeURIComponent(name)}`);
      if (r.status === 404) return undefined;
      if (r.status !== 200) throw new Error(`GET Secret ${name}: HTTP ${r.status} ${r.body?.message ?? ''}`);
      return Object.fromEntries(Object.entries(r.body.data ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]));
    },
    /** Creates the Secret; false when one of that name exists already (it is kept). */
    async create(name, stringData) {
      const labels = { 'app.kubernetes.io/part-of': 'secureevent', 'app.kubernetes.io/managed-by': 'dev-secrets' };
      const r = await call('POST', secrets, { apiVersion: 'v1', kind: 'Secret', metadata: { name, labels }, type: 'Opaque', stringData });
      if (r.status === 201) return true;
      if (r.status === 409) return false;
      throw new Error(`POST Secret ${name}: HTTP ${r.status} ${r.body?.message ?? ''}`);
    },
  };
}

/** Makes whatever is missing; returns what it did per Secret ("created" or "kept"). Never prints a value. */
export async function main() {
  const api = kubernetes();
  const adminEmail = env.ADMIN_EMAIL ?? 'admin@example.com';
  const done = {};
  let stores = await api.get(DATA_STORES_SECRET);
  if (stores) done[DATA_STORES_SECRET] = 'kept';
  else {
    const fresh = dataStoreCredentials();
    // Another run may have won the race: then its passwords are the ones the stores use.
    done[DATA_STORES_SECRET] = (await api.create(DATA_STORES_SECRET, fresh)) ? 'created' : 'kept';
    stores = done[DATA_STORES_SECRET] === 'created' ? fresh : await api.get(DATA_STORES_SECRET);
  }
  for (const service of Object.keys(SERVICES)) {
    const name = `${service}-secrets`;
    done[name] = (await api.create(name, serviceSecret(service, stores, adminEmail))) ? 'created' : 'kept';
  }
  for (const [name, what] of Object.entries(done)) console.log(`Secret ${api.namespace}/${name}: ${what}`);
  return done;
}

// Run as a script (from a ConfigMap volume, whose files are symlinks), not when imported by a test.
if (process.argv[1] && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((err) => {
    console.error(`dev-secrets: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
}
