#!/usr/bin/env node
// Renders the distributed-mode gateway config (platform/nginx/nginx.conf.template) for the gateway
// container image (platform/gateway/Dockerfile), so the container and `npm run start:distributed`
// route, log and secure requests from one file.
//
// The template's upstreams point at 127.0.0.1:<port>; in a container they are the services' DNS
// names (the Kubernetes Services, or compose service names). Every placeholder gets a container
// path; the upstream lines are rewritten and the script fails if one is not found exactly once,
// so a change to the template cannot silently leave an upstream on loopback.
//
//   node platform/gateway/render-nginx-conf.mjs <out-dir> [--set NAME=value]... [--upstream-host HOST]
//
// Writes <out-dir>/nginx.conf and copies the template's *.conf includes next to it.
// --set overrides a placeholder (tests point the paths at a scratch directory); --upstream-host
// replaces every service host name (tests use 127.0.0.1, because `nginx -t` resolves upstreams).

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const NGINX_SRC = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'nginx');

/** Placeholder values inside the gateway image. */
const containerValues = {
  RUNTIME_DIR: '/tmp/nginx',
  SPA_DIR: '/usr/share/secureevent/web',
  DOCS_DIR: '/usr/share/secureevent/docs-ui',
  SWAGGER_UI_DIR: '/usr/share/secureevent/swagger-ui',
  MIME_TYPES: '/etc/nginx/mime.types',
  USER_DIRECTIVE: '# the image runs nginx as an unprivileged user: no user directive.',
  GATEWAY_HOST: '0.0.0.0',
  GATEWAY_PORT: '8080',
  AUTH_RATE: '10r/s',
  AUTH_BURST: '20',
};

/** The template's port placeholder → the service's DNS name and port in a cluster. */
const upstreams = {
  USER_PORT: { host: 'user-service', port: 3001 },
  EVENT_PORT: { host: 'event-service', port: 3002 },
  NOTIFICATION_PORT: { host: 'notification-service', port: 3003 },
  AUDIT_PORT: { host: 'audit-service', port: 3004 },
};

function fail(message) {
  process.stderr.write(`render-nginx-conf: ${message}\n`);
  process.exit(1);
}

const args = process.argv.slice(2);
const outDir = args.shift();
if (!outDir || outDir.startsWith('--')) fail('usage: render-nginx-conf.mjs <out-dir> [--set NAME=value]... [--upstream-host HOST]');
const values = { ...containerValues };
let upstreamHost;
while (args.length > 0) {
  const flag = args.shift();
  const value = args.shift();
  if (value === undefined) fail(`${flag} needs a value`);
  if (flag === '--set') {
    const eq = value.indexOf('=');
    if (eq < 1) fail(`--set ${value}: expected NAME=value`);
    values[value.slice(0, eq)] = value.slice(eq + 1);
  } else if (flag === '--upstream-host') {
    upstreamHost = value;
  } else {
    fail(`unknown option ${flag}`);
  }
}

let conf = fs.readFileSync(path.join(NGINX_SRC, 'nginx.conf.template'), 'utf8');
for (const [placeholder, { host, port }] of Object.entries(upstreams)) {
  const line = `server 127.0.0.1:\${${placeholder}}`;
  const count = conf.split(line).length - 1;
  if (count !== 1) fail(`expected "${line}" exactly once in platform/nginx/nginx.conf.template, found it ${count} times`);
  conf = conf.replace(line, `server ${upstreamHost ?? host}:${port}`);
}
conf = conf.replace(/\$\{([A-Z][A-Z0-9_]*)\}/g, (_m, name) => {
  if (!(name in values)) fail(`platform/nginx/nginx.conf.template uses a placeholder this script does not know: \${${name}}`);
  const value = values[name];
  if (/["\n]/.test(value)) fail(`${name} contains a quote or newline`);
  return value;
});

fs.mkdirSync(outDir, { recursive: true });
fs.writeFileSync(path.join(outDir, 'nginx.conf'), conf);
for (const f of fs.readdirSync(NGINX_SRC)) {
  if (f.endsWith('.conf')) fs.copyFileSync(path.join(NGINX_SRC, f), path.join(outDir, f));
}
