#!/usr/bin/env node
// Lighthouse scores and bundle sizes of the web app, served by the embedded gateway exactly as in
// production (`node platform/dist/main.js`: strict CSP, hashed assets, index.html fallback).
//
//   npm install --prefix bench/lighthouse --no-audit --no-fund   # once: Lighthouse itself
//   node bench/lighthouse/run.mjs [--pages /events,/sign-in] [--runs 3] [--out bench/results/x.md]
//
// It starts the platform on a free port with a throw-away data directory, seeds a few published
// events (so the list has cards to render), runs Lighthouse in Debian's Chromium (CHROME_PATH,
// default /usr/bin/chromium; never a downloaded browser) with the default mobile profile and
// simulated throttling, and prints a markdown report: the four category scores per page (median of
// --runs), the key metrics, and the initial and lazy JavaScript sizes read from the build output
// (raw bytes, and gzip level 9 as the transfer estimate). It never builds: run
// `npm run build` at the repository root first.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';

const REPO = path.resolve(import.meta.dirname, '../..');
const BROWSER_DIR = path.join(REPO, 'frontend/angular-app/dist/angular-app/browser');
const { values: args } = parseArgs({
  options: {
    pages: { type: 'string', default: '/events,/sign-in' },
    runs: { type: 'string', default: '3' },
    out: { type: 'string' },
    presets: { type: 'string', default: 'mobile,desktop' },
  },
});
const pages = args.pages
  .split(',')
  .map((p) => p.trim())
  .filter(Boolean);
const runs = Math.max(1, Number(args.runs));
const presets = args.presets.split(',').map((p) => p.trim());
for (const preset of presets)
  if (!['mobile', 'desktop'].includes(preset)) throw new Error(`--presets: mobile and/or desktop, not ${preset}`);
const chromePath = process.env.CHROME_PATH ?? process.env.CHROME_BIN ?? '/usr/bin/chromium';
const log = (line) => process.stderr.write(`[lighthouse] ${line}\n`);

for (const required of [path.join(REPO, 'platform/dist/main.js'), path.join(BROWSER_DIR, 'index.html')]) {
  if (!existsSync(required)) throw new Error(`${path.relative(REPO, required)} is missing: run \`npm run build\` first`);
}
const lighthouse = await import('lighthouse').catch(() => {
  throw new Error('Lighthouse is not installed: npm install --prefix bench/lighthouse --no-audit --no-fund');
});
const chromeLauncher = await import('chrome-launcher');
const desktopConfig = (await import('lighthouse/core/config/desktop-config.js')).default;

// ---- bundle sizes from the build output ----------------------------------------------------
function bundleSizes() {
  const html = readFileSync(path.join(BROWSER_DIR, 'index.html'), 'utf8');
  const initialNames = new Set(
    [...html.matchAll(/<(?:script[^>]*\ssrc|link[^>]*rel="modulepreload"[^>]*\shref)="([^"]+\.js)"/g)].map((m) => m[1]),
  );
  const size = (name) => {
    const bytes = readFileSync(path.join(BROWSER_DIR, name));
    return { name, raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
  };
  const js = readdirSync(BROWSER_DIR).filter((f) => f.endsWith('.js'));
  const initial = js.filter((f) => initialNames.has(f)).map(size);
  const lazy = js
    .filter((f) => !initialNames.has(f))
    .map(size)
    .sort((a, b) => b.raw - a.raw);
  const css = readdirSync(BROWSER_DIR)
    .filter((f) => f.endsWith('.css'))
    .map(size);
  const sum = (list, key) => list.reduce((total, f) => total + f[key], 0);
  return { initial, lazy, css, initialRaw: sum(initial, 'raw'), initialGzip: sum(initial, 'gzip'), lazyRaw: sum(lazy, 'raw') };
}

// ---- the platform ---------------------------------------------------------------------------
async function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

const admin = { email: 'bench-admin@secureevent.test', password: 'bench admin password' };
const port = await freePort();
const base = `http://127.0.0.1:${port}`;
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'secureevent-lighthouse-'));
const env = {
  ...process.env,
  PORT: String(port),
  GATEWAY_PORT: String(port),
  DATA_DIR: dataDir,
  ADMIN_EMAIL: admin.email,
  ADMIN_PASSWORD: admin.password,
  LOG_LEVEL: 'warn',
};
delete env.DATABASE_URL;
delete env.AMQP_URL;
delete env.REDIS_URL;
const platform = spawn(process.execPath, ['platform/dist/main.js'], { cwd: REPO, env, stdio: ['ignore', 'ignore', 'inherit'] });
let chrome;
const cleanup = async () => {
  await chrome?.kill();
  if (platform.exitCode === null) {
    platform.kill('SIGTERM');
    await new Promise((resolve) => platform.once('exit', resolve));
  }
  rmSync(dataDir, { recursive: true, force: true });
};
const watchdog = setTimeout(() => {
  log('gave up after 10 minutes');
  void cleanup().finally(() => process.exit(2));
}, 600_000);

try {
  for (let i = 0; ; i += 1) {
    const ok = await fetch(`${base}/healthz`)
      .then((r) => r.ok)
      .catch(() => false);
    if (ok) break;
    if (i > 240 || platform.exitCode !== null) throw new Error('the platform did not start');
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  log(`platform up on ${base}`);

  const login = await fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ...admin, tokenDelivery: 'body' }),
  }).then((r) => r.json());
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${login.accessToken}` };
  for (let i = 1; i <= 6; i += 1) {
    const start = new Date(Date.now() + i * 86_400_000);
    const event = await fetch(`${base}/api/events`, {
      method: 'POST',
      headers,
      body: JSON.stringify({
        title: `Benchmark event ${i}`,
        description: 'A published event so the list has cards to render.',
        startsAt: start.toISOString(),
        endsAt: new Date(start.getTime() + 7_200_000).toISOString(),
        timeZone: i % 2 ? 'Europe/Berlin' : 'America/New_York',
        venue: i % 3 ? `Room ${i}` : null,
        onlineUrl: i % 3 ? null : 'https://meet.example/bench',
        capacity: 50,
        tags: ['bench', i % 2 ? 'security' : 'community'],
      }),
    }).then((r) => r.json());
    await fetch(`${base}/api/events/${event.id}/publish`, { method: 'POST', headers });
  }

  chrome = await chromeLauncher.launch({
    chromePath,
    chromeFlags: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
  });
  const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  const results = [];
  for (const preset of presets)
    for (const page of pages) {
      const samples = [];
      for (let run = 0; run < runs; run += 1) {
        const { lhr } = await lighthouse.default(
          `${base}${page}`,
          {
            port: chrome.port,
            output: 'json',
            logLevel: 'error',
            onlyCategories: ['performance', 'accessibility', 'best-practices', 'seo'],
          },
          preset === 'desktop' ? desktopConfig : undefined,
        );
        const failed = Object.values(lhr.audits)
          .filter((a) => a.score !== null && a.score < 1 && a.scoreDisplayMode === 'binary')
          .map((a) => a.id);
        samples.push({
          performance: lhr.categories.performance.score * 100,
          accessibility: lhr.categories.accessibility.score * 100,
          bestPractices: lhr.categories['best-practices'].score * 100,
          seo: lhr.categories.seo.score * 100,
          fcp: lhr.audits['first-contentful-paint'].numericValue,
          lcp: lhr.audits['largest-contentful-paint'].numericValue,
          tbt: lhr.audits['total-blocking-time'].numericValue,
          cls: lhr.audits['cumulative-layout-shift'].numericValue,
          failed,
        });
        log(`${preset} ${page} run ${run + 1}: ${JSON.stringify(samples.at(-1))}`);
      }
      const pick = (key) => median(samples.map((s) => s[key]));
      results.push({
        preset,
        page,
        performance: pick('performance'),
        accessibility: pick('accessibility'),
        bestPractices: pick('bestPractices'),
        seo: pick('seo'),
        fcp: pick('fcp'),
        lcp: pick('lcp'),
        tbt: pick('tbt'),
        cls: pick('cls'),
        failed: [...new Set(samples.flatMap((s) => s.failed))],
      });
    }

  const sizes = bundleSizes();
  const kB = (bytes) => `${(bytes / 1000).toFixed(1)} kB`;
  const lines = [
    `# Lighthouse and bundle sizes — ${new Date().toISOString().slice(0, 10)}`,
    '',
    `\`node bench/lighthouse/run.mjs --runs ${runs}\`: Lighthouse (simulated throttling) in ${chromePath}, against the production build served by the embedded gateway (${base}); median of ${runs} runs per page. Node ${process.version}, ${os.cpus().length} vCPUs, git ${gitHead()}.`,
    '',
    "Mobile is Lighthouse's default (Moto G Power, 4× CPU slowdown, slow 4G: 150 ms RTT, 1.6 Mbit/s); desktop is its `desktop` preset (no CPU slowdown, 40 ms RTT, 10 Mbit/s).",
    '',
    '| profile | page | performance | accessibility | best practices | SEO | FCP | LCP | TBT | CLS |',
    '| ------- | ---- | ----------: | ------------: | -------------: | --: | --: | --: | --: | --: |',
    ...results.map(
      (r) =>
        `| ${r.preset} | ${r.page} | ${r.performance} | ${r.accessibility} | ${r.bestPractices} | ${r.seo} | ${Math.round(r.fcp)} ms | ${Math.round(r.lcp)} ms | ${Math.round(r.tbt)} ms | ${r.cls.toFixed(3)} |`,
    ),
    '',
    ...results.filter((r) => r.failed.length > 0).map((r) => `Failed audits on ${r.page} (${r.preset}): ${r.failed.join(', ')}`),
    '',
    `**Initial JavaScript:** ${kB(sizes.initialRaw)} raw, ${kB(sizes.initialGzip)} gzip (budget: 350 kB raw) in ${sizes.initial.length} files. **Lazy chunks:** ${sizes.lazy.length} files, ${kB(sizes.lazyRaw)} raw in total. **CSS:** ${sizes.css.map((f) => `${kB(f.raw)} raw / ${kB(f.gzip)} gzip`).join(', ')}.`,
    '',
    '| initial file | raw | gzip |',
    '| ------------ | --: | ---: |',
    ...sizes.initial.map((f) => `| ${f.name} | ${kB(f.raw)} | ${kB(f.gzip)} |`),
    '',
    '| largest lazy chunks | raw | gzip |',
    '| ------------------- | --: | ---: |',
    ...sizes.lazy.slice(0, 12).map((f) => `| ${f.name} | ${kB(f.raw)} | ${kB(f.gzip)} |`),
    '',
  ];
  const report = lines.join('\n');
  process.stdout.write(`${report}\n`);
  if (args.out) writeFileSync(path.resolve(args.out), report);
} finally {
  clearTimeout(watchdog);
  await cleanup();
}

function gitHead() {
  try {
    const head = readFileSync(path.join(REPO, '.git/HEAD'), 'utf8').trim();
    const ref = head.startsWith('ref: ') ? readFileSync(path.join(REPO, '.git', head.slice(5)), 'utf8').trim() : head;
    return ref.slice(0, 7);
  } catch {
    return 'unknown';
  }
}
