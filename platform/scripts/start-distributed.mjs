#!/usr/bin/env node
// `npm run start:distributed`: SecureEvent's distributed run mode (DESIGN.md §2) on one machine.
//
// Runs the four services as separate Node processes (`node backend/<name>/dist/main.js`) over
// PostgreSQL, RabbitMQ and Redis, waits until each answers /readyz, then runs nginx in the
// foreground as the gateway (platform/nginx/nginx.conf.template, rendered into
// data/distributed/nginx-<GATEWAY_PORT>/). SIGINT (Ctrl-C), SIGTERM or SIGHUP stops nginx, then
// every service (each shuts down gracefully within 10 s), and exits 0. If any process dies on its
// own, or a service is not ready in time, everything is stopped and the launcher exits 1 naming
// it. See platform/scripts/distributed.md.
//
// Plain Node ESM with no dependencies and no build step. Environment (all optional):
//   DATABASE_URL  AMQP_URL  REDIS_URL     default to the loopback servers (printed at start)
//   GATEWAY_PORT (8080)  GATEWAY_HOST (127.0.0.1)
//   USER_SERVICE_PORT (3001)  EVENT_SERVICE_PORT (3002)
//   NOTIFICATION_SERVICE_PORT (3003)  AUDIT_SERVICE_PORT (3004)
//   GATEWAY_AUTH_RATE (10r/s)  GATEWAY_AUTH_BURST (20)   rate limit on /api/auth
//   STARTUP_TIMEOUT_SECONDS (60)   how long each service may take to become ready
//   DATA_DIR (./data)   runtime files go to $DATA_DIR/distributed/
//   NGINX (path of the nginx binary; default /usr/sbin/nginx, then PATH)
// Everything else in the environment (LOG_LEVEL, ADMIN_EMAIL, ADMIN_PASSWORD, JWT_*, SMTP_URL,
// AI_*, OIDC_*, PUBLIC_URL, ...) is passed on to the services unchanged.

import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const rel = (p) => path.relative(process.cwd(), p) || '.';

// ------------------------------------------------------------------------------------ output

const say = (msg) => process.stdout.write(`[start-distributed] ${msg}\n`);
const warn = (msg) => process.stderr.write(`[start-distributed] warning: ${msg}\n`);
class LaunchError extends Error {}
/** Stops before anything was started: one clear message, exit 1. */
function abort(msg) {
  process.stderr.write(`[start-distributed] error: ${msg}\n`);
  process.exit(1);
}

// ------------------------------------------------------------------------------------ config

const env = process.env;

function port(name, fallback) {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 65535) abort(`${name}=${raw} is not a port number (1-65535).`);
  return n;
}

const DEFAULT_URLS = {
  DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/test',
  AMQP_URL: 'amqp://guest:guest@127.0.0.1:5672',
  REDIS_URL: 'redis://127.0.0.1:6379',
};

const gatewayHost = env.GATEWAY_HOST || '127.0.0.1';
const gatewayPort = port('GATEWAY_PORT', 8080);
const authRate = env.GATEWAY_AUTH_RATE || '10r/s';
const authBurst = env.GATEWAY_AUTH_BURST || '20';
if (!/^\d+r\/[sm]$/.test(authRate)) abort(`GATEWAY_AUTH_RATE=${authRate} must look like 10r/s or 600r/m.`);
if (!/^\d+$/.test(authBurst)) abort(`GATEWAY_AUTH_BURST=${authBurst} must be a whole number.`);
const startupTimeoutMs = (Number(env.STARTUP_TIMEOUT_SECONDS) > 0 ? Number(env.STARTUP_TIMEOUT_SECONDS) : 60) * 1000;

const SERVICES = [
  { name: 'user-service', portVar: 'USER_SERVICE_PORT', port: port('USER_SERVICE_PORT', 3001), placeholder: 'USER_PORT' },
  { name: 'event-service', portVar: 'EVENT_SERVICE_PORT', port: port('EVENT_SERVICE_PORT', 3002), placeholder: 'EVENT_PORT' },
  {
    name: 'notification-service',
    portVar: 'NOTIFICATION_SERVICE_PORT',
    port: port('NOTIFICATION_SERVICE_PORT', 3003),
    placeholder: 'NOTIFICATION_PORT',
  },
  { name: 'audit-service', portVar: 'AUDIT_SERVICE_PORT', port: port('AUDIT_SERVICE_PORT', 3004), placeholder: 'AUDIT_PORT' },
];
const userService = SERVICES[0];
const portPlaceholders = Object.fromEntries(SERVICES.map((s) => [s.placeholder, String(s.port)]));

{
  const seen = new Map([[gatewayPort, 'GATEWAY_PORT']]);
  for (const s of SERVICES) {
    if (seen.has(s.port)) abort(`${s.portVar} and ${seen.get(s.port)} are both ${s.port}; every process needs its own port.`);
    seen.set(s.port, s.portVar);
  }
}

/** A URL with its password replaced, for printing. */
function redact(url) {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(not a valid URL)';
  }
}

const urls = {};
for (const [name, fallback] of Object.entries(DEFAULT_URLS)) {
  if (env[name]) {
    urls[name] = env[name];
    say(`${name}=${redact(env[name])}`);
  } else {
    urls[name] = fallback;
    say(`${name}=${redact(fallback)} (default; set ${name} to use another server)`);
  }
}

// ------------------------------------------------------------------------------------ pre-flight

const SPA_DIR = path.join(ROOT, 'frontend', 'angular-app', 'dist', 'angular-app', 'browser');
const DOCS_DIR = path.join(ROOT, 'platform', 'docs-ui');
const NGINX_SRC = path.join(ROOT, 'platform', 'nginx');
const RUNTIME = path.join(path.resolve(ROOT, env.DATA_DIR || 'data'), 'distributed');
// Per gateway port, so a second instance on other ports (e.g. for tests) does not clash.
const NGINX_RUNTIME = path.join(RUNTIME, `nginx-${gatewayPort}`);

for (const s of SERVICES) s.main = path.join(ROOT, 'backend', s.name, 'dist', 'main.js');
const missingBuilds = SERVICES.filter((s) => !fs.existsSync(s.main)).map((s) => rel(s.main));
if (missingBuilds.length > 0) {
  abort(`the backend is not built (missing ${missingBuilds.join(', ')}). Run \`npm run build\` at the repository root first.`);
}
if (!fs.existsSync(path.join(SPA_DIR, 'index.html'))) {
  abort(`the web app is not built (missing ${rel(path.join(SPA_DIR, 'index.html'))}). Run \`npm run build\` at the repository root first.`);
}
if (!fs.existsSync(path.join(DOCS_DIR, 'index.html'))) {
  warn(`${rel(DOCS_DIR)}/index.html is missing: /api/docs will answer 404.`);
}

function findSwaggerUi() {
  for (const from of [path.join(ROOT, 'platform', 'package.json'), path.join(ROOT, 'package.json')]) {
    try {
      return path.dirname(createRequire(from).resolve('swagger-ui-dist/package.json'));
    } catch {
      /* try the next */
    }
  }
  return undefined;
}
const swaggerUiDir = findSwaggerUi();
if (!swaggerUiDir) warn('swagger-ui-dist is not installed (run `npm install`): /api/docs will not load.');

function findNginx() {
  const candidates = env.NGINX
    ? [env.NGINX]
    : [
        '/usr/sbin/nginx',
        ...(env.PATH ?? '')
          .split(path.delimiter)
          .filter(Boolean)
          .map((d) => path.join(d, 'nginx')),
      ];
  for (const c of candidates) {
    try {
      fs.accessSync(c, fs.constants.X_OK);
      if (fs.statSync(c).isFile()) return c;
    } catch {
      /* next */
    }
  }
  return undefined;
}
const nginx = findNginx();
if (!nginx) {
  abort(
    env.NGINX
      ? `NGINX=${env.NGINX} is not an executable file.`
      : 'nginx is not installed (looked in /usr/sbin and PATH). Install it with `sudo apt-get install -y nginx` (Debian/Ubuntu), or set NGINX=/path/to/nginx.',
  );
}

/** Debian's mime.types sits next to nginx's compiled-in conf path. */
function findMimeTypes() {
  const v = spawnSync(nginx, ['-V'], { encoding: 'utf8' });
  const confPath = /--conf-path=(\S+)/.exec(`${v.stdout}${v.stderr}`)?.[1];
  const candidates = [
    confPath && path.join(path.dirname(confPath), 'mime.types'),
    '/etc/nginx/mime.types',
    '/usr/local/etc/nginx/mime.types',
    '/usr/local/nginx/conf/mime.types',
  ];
  return candidates.find((c) => c && fs.existsSync(c));
}
const mimeTypes = findMimeTypes();
if (!mimeTypes) abort(`cannot find nginx's mime.types (looked next to ${nginx}'s conf path and in /etc/nginx).`);

/** nginx drops worker privileges when its master runs as root. */
function userDirective() {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return '# not root: the workers run as the current user.';
  const groups = fs.existsSync('/etc/group') ? fs.readFileSync('/etc/group', 'utf8') : '';
  const group = /^nogroup:/m.test(groups) ? 'nogroup' : 'nobody';
  // The workers must be able to read the static files.
  for (const dir of [SPA_DIR, DOCS_DIR, swaggerUiDir].filter(Boolean)) {
    let d = dir;
    while (d !== path.dirname(d)) {
      try {
        if ((fs.statSync(d).mode & 0o005) !== 0o005) {
          warn(`${d} is not world-readable; nginx workers run as "nobody" and will answer 403 for files below it.`);
          break;
        }
      } catch {
        break;
      }
      d = path.dirname(d);
    }
  }
  return `user nobody ${group};`;
}

function checkPortFree(host, p) {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once('error', () => resolve(false));
    srv.listen({ host, port: p, exclusive: true }, () => srv.close(() => resolve(true)));
  });
}

function checkReachable(label, url, defaultPort) {
  let u;
  try {
    u = new URL(url);
  } catch {
    return Promise.reject(new LaunchError(`${label} is not a valid URL.`));
  }
  if (!u.hostname) return Promise.resolve(); // e.g. a Unix socket given as a query parameter
  const host = u.hostname.replace(/^\[|\]$/g, '');
  const p = Number(u.port) || defaultPort;
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port: p });
    const done = (err) => {
      socket.destroy();
      if (err) reject(new LaunchError(`${label} server at ${host}:${p} is not reachable (${err.code ?? err.message}). Is it running?`));
      else resolve();
    };
    socket.setTimeout(3000, () => done(new Error('timed out')));
    socket.once('connect', () => done());
    socket.once('error', done);
  });
}

// ------------------------------------------------------------------------------------ render

function render() {
  const values = {
    RUNTIME_DIR: NGINX_RUNTIME,
    SPA_DIR,
    DOCS_DIR,
    SWAGGER_UI_DIR: swaggerUiDir ?? path.join(ROOT, 'node_modules', 'swagger-ui-dist'),
    MIME_TYPES: mimeTypes,
    USER_DIRECTIVE: userDirective(),
    GATEWAY_HOST: gatewayHost.includes(':') ? `[${gatewayHost}]` : gatewayHost,
    GATEWAY_PORT: String(gatewayPort),
    AUTH_RATE: authRate,
    AUTH_BURST: authBurst,
    ...portPlaceholders,
  };
  for (const [k, v] of Object.entries(values)) {
    if (/["\n]/.test(v)) abort(`${k} (${v}) contains a quote or newline, which cannot go into the nginx config.`);
  }
  fs.mkdirSync(path.join(NGINX_RUNTIME, 'temp'), { recursive: true });
  fs.mkdirSync(path.join(NGINX_RUNTIME, 'logs'), { recursive: true });
  const template = fs.readFileSync(path.join(NGINX_SRC, 'nginx.conf.template'), 'utf8');
  const conf = template.replace(/\$\{([A-Z][A-Z0-9_]*)\}/g, (_m, name) => {
    if (!(name in values)) abort(`platform/nginx/nginx.conf.template uses an unknown placeholder \${${name}}.`);
    return values[name];
  });
  const confFile = path.join(NGINX_RUNTIME, 'nginx.conf');
  fs.writeFileSync(confFile, conf);
  for (const f of fs.readdirSync(NGINX_SRC)) {
    if (f.endsWith('.conf')) fs.copyFileSync(path.join(NGINX_SRC, f), path.join(NGINX_RUNTIME, f));
  }
  return confFile;
}

/**
 * nginx writes its JSON access log to /dev/stdout, i.e. it open()s /proc/self/fd/1. That fails
 * (ENXIO) when fd 1 is a socket, which is what Node gives a child for a 'pipe' and what the
 * launcher itself may have (started by another Node program, a test runner, ...). So nginx's
 * stdout is a FIFO in the runtime dir, and the launcher copies it, line by line, to its own stdout.
 * Returns the FIFO's write end, to become nginx's fd 1.
 */
function accessLogPipe() {
  const fifo = path.join(NGINX_RUNTIME, 'stdout.fifo');
  fs.rmSync(fifo, { force: true });
  const made = spawnSync('mkfifo', ['-m', '600', fifo], { encoding: 'utf8' });
  if (made.status !== 0) throw new LaunchError(`cannot create ${rel(fifo)}: ${(made.stderr || made.error?.message || '').trim()}`);
  // Opening the read end non-blocking first lets the (blocking) write end open at once.
  const readFd = fs.openSync(fifo, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  const writeFd = fs.openSync(fifo, fs.constants.O_WRONLY);
  const reader = new net.Socket({ fd: readFd, readable: true, writable: false });
  let partial = '';
  reader.setEncoding('utf8');
  reader.on('data', (chunk) => {
    const lines = (partial + chunk).split('\n');
    partial = lines.pop();
    for (const line of lines) process.stdout.write(`${line}\n`);
  });
  reader.on('error', (err) => warn(`lost the gateway's access log: ${err.message}`));
  reader.unref();
  return writeFd;
}

// ------------------------------------------------------------------------------------ processes

/** Every child process, in start order: the services, then nginx. */
const children = [];
let stopping = false;

function describeExit(code, signal) {
  return signal ? `was killed by ${signal}` : `exited with code ${code}`;
}

/**
 * Starts a child in the launcher's own process group, so whatever signals the whole group (a
 * terminal's Ctrl-C, a test runner killing the group) reaches every process and none is left
 * behind. stdout is shared (JSON log lines, already labelled by service); stderr is forwarded
 * with a [name] prefix and its tail kept for error messages.
 */
function startChild(name, command, args, childEnv, stdout = 'inherit') {
  const proc = spawn(command, args, { cwd: ROOT, env: childEnv, stdio: ['ignore', stdout, 'pipe'] });
  const child = { name, proc, tail: [], exited: false, code: null, signal: null };
  child.done = new Promise((resolve) => {
    let partial = '';
    proc.stderr.setEncoding('utf8');
    proc.stderr.on('data', (chunk) => {
      const lines = (partial + chunk).split('\n');
      partial = lines.pop();
      for (const line of lines) {
        process.stderr.write(`[${name}] ${line}\n`);
        child.tail.push(line);
        if (child.tail.length > 10) child.tail.shift();
      }
    });
    proc.on('error', (err) => {
      child.tail.push(err.message);
      if (!child.exited) {
        child.exited = true;
        child.code = 1;
        resolve();
        onUnexpectedExit(child);
      }
    });
    proc.on('close', (code, signal) => {
      if (partial) {
        process.stderr.write(`[${name}] ${partial}\n`);
        child.tail.push(partial);
      }
      if (child.exited) return;
      child.exited = true;
      child.code = code;
      child.signal = signal;
      resolve();
      onUnexpectedExit(child);
    });
  });
  children.push(child);
  return child;
}

function onUnexpectedExit(child) {
  // A Ctrl-C reaches the children and the launcher at the same moment; give the launcher's own
  // signal handler a moment to run before calling an exit unexpected.
  setTimeout(() => {
    if (stopping) return;
    const last = child.tail.filter((l) => l.trim()).at(-1);
    void stopAll(1, `${child.name} ${describeExit(child.code, child.signal)}${last ? `: ${last}` : ''}`);
  }, 300);
}

function signalChild(child, signal) {
  if (child.exited) return;
  try {
    process.kill(child.proc.pid, signal);
  } catch {
    /* already gone */
  }
}

/** Sends `signal`, waits up to `graceMs`, then SIGKILL. Resolves true when it stopped in time. */
async function stopChild(child, signal, graceMs) {
  if (child.exited) return true;
  signalChild(child, signal);
  let timer;
  const inTime = await Promise.race([child.done.then(() => true), new Promise((r) => (timer = setTimeout(() => r(false), graceMs)))]);
  clearTimeout(timer);
  if (!inTime) {
    warn(`${child.name} did not stop within ${graceMs / 1000} s; killing it.`);
    signalChild(child, 'SIGKILL');
    await child.done;
  }
  return inTime;
}

/**
 * Stops nginx (graceful: finishes in-flight requests), then SIGTERMs every service and waits
 * for them (they shut down within 10 s), then exits with `code`.
 */
async function stopAll(code, reason) {
  if (stopping) return;
  stopping = true;
  if (reason) process.stderr.write(`[start-distributed] ${code === 0 ? '' : 'error: '}${reason}\n`);
  if (children.some((c) => !c.exited)) say('stopping: gateway first, then the services…');
  let clean = true;
  const gateway = children.find((c) => c.name === 'nginx');
  if (gateway) clean = (await stopChild(gateway, 'SIGQUIT', 10_000)) && clean;
  const results = await Promise.all(
    children
      .filter((c) => c !== gateway)
      .map(async (c) => {
        const wasRunning = !c.exited;
        const inTime = await stopChild(c, 'SIGTERM', 15_000);
        const ok = inTime && (!wasRunning || (c.code === 0 && !c.signal) || ['SIGTERM', 'SIGINT'].includes(c.signal));
        if (wasRunning && !ok) warn(`${c.name} ${describeExit(c.code, c.signal)} while shutting down.`);
        return ok;
      }),
  );
  clean = results.every(Boolean) && clean;
  if (code === 0 && !clean) code = 1;
  say(code === 0 ? 'all processes stopped.' : `stopped (exit code ${code}).`);
  process.exit(code);
}

// A second Ctrl-C skips the graceful part.
let signals = 0;
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(sig, () => {
    signals += 1;
    if (signals === 1) {
      void stopAll(0, `${sig} received.`);
    } else {
      warn('second signal: killing every process now.');
      for (const c of children) signalChild(c, 'SIGKILL');
      process.exit(130);
    }
  });
}
// `npm run` starts the launcher through `sh -c`; signalling npm alone (not its process group)
// kills npm and that shell but not the launcher. Treat losing the parent npm started us under
// like a SIGTERM rather than run on as an orphan.
if (env.npm_lifecycle_event) {
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent && !stopping) void stopAll(0, 'the parent process (npm) went away.');
  }, 1000).unref();
}
// Never leave orphans behind, whatever way the launcher ends.
process.on('exit', () => {
  for (const c of children) signalChild(c, 'SIGKILL');
});
process.on('uncaughtException', (err) => {
  process.stderr.write(`[start-distributed] internal error: ${err.stack ?? err}\n`);
  if (!stopping) void stopAll(1);
  else process.exit(1);
});

// ------------------------------------------------------------------------------------ readiness

function httpGet(url, timeoutMs) {
  return new Promise((resolve) => {
    const req = http.get(url, { agent: false, timeout: timeoutMs }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c) => {
        if (body.length < 400) body += c;
      });
      res.on('end', () => resolve({ status: res.statusCode, body: body.trim() }));
      res.on('error', (err) => resolve({ status: 0, body: err.message }));
    });
    req.on('timeout', () => req.destroy(new Error('no answer within 2 s')));
    req.on('error', (err) => resolve({ status: 0, body: err.code ?? err.message }));
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Polls `url` until it answers 200; throws a LaunchError naming `name` on timeout. */
async function waitFor(name, child, url) {
  const deadline = Date.now() + startupTimeoutMs;
  let last = { status: 0, body: 'not tried' };
  while (Date.now() < deadline) {
    if (child.exited || stopping) return false;
    last = await httpGet(url, 2000);
    if (last.status === 200) return true;
    await sleep(250);
  }
  const seen = last.status === 0 ? last.body : `${last.status} ${last.body}`;
  throw new LaunchError(`${name} did not become ready within ${startupTimeoutMs / 1000} s (last answer from ${url}: ${seen}).`);
}

// ------------------------------------------------------------------------------------ main

async function launch() {
  await Promise.all([
    checkReachable('DATABASE_URL: the PostgreSQL', urls.DATABASE_URL, 5432),
    checkReachable('AMQP_URL: the RabbitMQ', urls.AMQP_URL, urls.AMQP_URL.startsWith('amqps:') ? 5671 : 5672),
    checkReachable('REDIS_URL: the Redis', urls.REDIS_URL, 6379),
  ]);
  const busy = [];
  for (const [label, host, p] of [
    ['the gateway (GATEWAY_PORT)', gatewayHost, gatewayPort],
    ...SERVICES.map((s) => [`${s.name} (${s.portVar})`, '127.0.0.1', s.port]),
  ]) {
    if (!(await checkPortFree(host, p))) busy.push(`${host}:${p} for ${label}`);
  }
  if (busy.length > 0) {
    throw new LaunchError(
      `port already in use: ${busy.join(', ')}. Is SecureEvent already running? Stop it, or choose other ports with the variables named.`,
    );
  }

  const confFile = render();
  const nginxStdout = accessLogPipe();
  const nginxArgs = ['-p', `${NGINX_RUNTIME}/`, '-c', confFile, '-e', 'stderr'];
  const test = spawnSync(nginx, [...nginxArgs, '-t', '-q'], { encoding: 'utf8', stdio: ['ignore', nginxStdout, 'pipe'] });
  if (test.status !== 0) {
    throw new LaunchError(`nginx rejects the rendered config ${rel(confFile)}:\n${`${test.stderr}${test.stdout}`.trim()}`);
  }

  const jwksUrl = `http://127.0.0.1:${userService.port}/api/auth/.well-known/jwks.json`;
  for (const s of SERVICES) {
    const dataDir = path.join(RUNTIME, s.name);
    fs.mkdirSync(dataDir, { recursive: true });
    const childEnv = {
      ...env,
      PORT: String(s.port),
      HOST: '127.0.0.1',
      DATABASE_URL: urls.DATABASE_URL,
      AMQP_URL: urls.AMQP_URL,
      REDIS_URL: urls.REDIS_URL,
      DATA_DIR: dataDir,
      // Distributed mode never falls back to the embedded adapters.
      SECUREEVENT_REQUIRE_EXTERNAL: '1',
      // Verify tokens against the user-service directly, not through the gateway.
      JWKS_URL: env.JWKS_URL || jwksUrl,
      // nginx on loopback is the one proxy whose X-Forwarded-For the services may believe.
      TRUST_PROXY: env.TRUST_PROXY || 'loopback',
      PUBLIC_URL: env.PUBLIC_URL || `http://localhost:${gatewayPort}`,
      // The user-service asks the others for their part of a personal-data export directly (ADR 0029).
      EVENT_SERVICE_URL: env.EVENT_SERVICE_URL || `http://127.0.0.1:${SERVICES[1].port}`,
      NOTIFICATION_SERVICE_URL: env.NOTIFICATION_SERVICE_URL || `http://127.0.0.1:${SERVICES[2].port}`,
      AUDIT_SERVICE_URL: env.AUDIT_SERVICE_URL || `http://127.0.0.1:${SERVICES[3].port}`,
      // The admin health panel: the audit-service asks each service's own /readyz on these ports.
      ...(s.name === 'audit-service'
        ? { PLATFORM_HEALTH_URLS: env.PLATFORM_HEALTH_URLS || SERVICES.map((x) => `${x.name}=http://127.0.0.1:${x.port}`).join(',') }
        : {}),
    };
    s.child = startChild(s.name, process.execPath, [s.main], childEnv);
    say(`started ${s.name} (pid ${s.child.proc.pid}) on 127.0.0.1:${s.port}`);
  }

  await Promise.all(
    SERVICES.map(async (s) => {
      if (await waitFor(s.name, s.child, `http://127.0.0.1:${s.port}/readyz`)) say(`${s.name} is ready`);
    }),
  );
  if (stopping) return;

  const gateway = startChild('nginx', nginx, nginxArgs, env, nginxStdout);
  const gatewayUrl = `http://${gatewayHost.includes(':') ? `[${gatewayHost}]` : gatewayHost}:${gatewayPort}`;
  if (!(await waitFor('nginx', gateway, `${gatewayUrl}/healthz`))) return;

  const shown = gatewayHost === '127.0.0.1' || gatewayHost === '0.0.0.0' ? 'localhost' : gatewayHost;
  say(`gateway: nginx (pid ${gateway.proc.pid}), config ${rel(confFile)}`);
  process.stdout.write(`\nSecureEvent (distributed) on http://${shown}:${gatewayPort}\n`);
  process.stdout.write(`API reference on http://${shown}:${gatewayPort}/api/docs/ — press Ctrl-C to stop.\n\n`);
}

launch().catch((err) => {
  if (err instanceof LaunchError) void stopAll(1, err.message);
  else {
    process.stderr.write(`[start-distributed] internal error: ${err?.stack ?? err}\n`);
    void stopAll(1);
  }
});
