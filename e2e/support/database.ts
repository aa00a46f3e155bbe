import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';

/**
 * Every E2E run gets its own PostgreSQL database, so that what earlier runs left behind (events,
 * users, registrations) can never decide what this run sees. The database is created once, in the
 * Playwright main process (workers inherit E2E_DATABASE_URL), and dropped by the global teardown;
 * databases of runs that died without a teardown are dropped after a day.
 */
const PREFIX = 'secureevent_e2e_';
const STALE_AFTER_MS = 86_400_000;

const pgPath = createRequire(import.meta.url).resolve('pg');

/** Runs `script` (which gets `pg`, `admin` = a connected client and `arg`) in a child Node process, synchronously. */
function runWithPg(baseUrl: string, script: string, arg: string): void {
  const program = `
    const pg = require(${JSON.stringify(pgPath)});
    const admin = new pg.Client({ connectionString: process.env.E2E_ADMIN_URL });
    const arg = process.env.E2E_ARG;
    (async () => { await admin.connect(); try { ${script} } finally { await admin.end(); } })()
      .catch((error) => { console.error(error.message); process.exit(1); });`;
  const result = spawnSync(process.execPath, ['-e', program], {
    env: { ...process.env, E2E_ADMIN_URL: baseUrl, E2E_ARG: arg },
    encoding: 'utf8',
    timeout: 30_000,
  });
  if (result.status !== 0) throw new Error(`E2E database setup failed: ${result.stderr || result.error?.message}`);
}

export function createFreshDatabase(baseUrl: string): string {
  const name = `${PREFIX}${Date.now()}_${process.pid}`;
  runWithPg(
    baseUrl,
    `const stale = await admin.query("select datname from pg_database where datname like '${PREFIX}%'");
     for (const { datname } of stale.rows) {
       const born = Number(datname.slice(${PREFIX.length}).split('_')[0]);
       if (Date.now() - born > ${STALE_AFTER_MS}) await admin.query('drop database if exists "' + datname + '" with (force)');
     }
     await admin.query('create database "' + arg + '"');`,
    name,
  );
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

export function dropDatabase(databaseUrl: string): void {
  const url = new URL(databaseUrl);
  const name = url.pathname.slice(1);
  if (!name.startsWith(PREFIX)) return;
  url.pathname = '/postgres';
  runWithPg(url.toString(), `await admin.query('drop database if exists "' + arg + '" with (force)');`, name);
}
