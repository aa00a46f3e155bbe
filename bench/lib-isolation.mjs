// Per-run isolation on the local servers for benchmarks: a PostgreSQL database and a RabbitMQ
// vhost of the run's own, each removed by the returned cleanup.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Creates database `<prefix>_<runId>`; returns its name, URL and a cleanup that drops it. */
export async function isolatedDatabase(prefix, runId) {
  const pg = (await import('pg')).default;
  const adminUrl = process.env.BENCH_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const dbName = `${prefix}_${runId}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${dbName}"`);
  await admin.end();
  const dbUrl = new URL(adminUrl);
  dbUrl.pathname = `/${dbName}`;
  return {
    name: dbName,
    url: dbUrl.toString(),
    async cleanup() {
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
      await c.end();
    },
  };
}

/**
 * A RabbitMQ vhost `<prefix>-<runId>`, so a run's messages never reach durable queues that other
 * services declared on "/". Returns the AMQP URL (or undefined when rabbitmqctl is unusable) and
 * a cleanup; `notes` receives one line saying what was used.
 */
export async function isolatedVhost(prefix, runId, notes) {
  if (process.env.BENCH_AMQP_URL) {
    notes.push(`AMQP: ${process.env.BENCH_AMQP_URL} (BENCH_AMQP_URL, not isolated by the bench)`);
    return { url: process.env.BENCH_AMQP_URL, cleanup: async () => {} };
  }
  const vhost = `${prefix}-${runId}`;
  try {
    await run('rabbitmqctl', ['-q', 'add_vhost', vhost]);
    await run('rabbitmqctl', ['-q', 'set_permissions', '-p', vhost, 'guest', '.*', '.*', '.*']);
    notes.push(`AMQP: vhost ${vhost} (created and deleted by the bench)`);
    return {
      url: `amqp://guest:guest@127.0.0.1:5672/${encodeURIComponent(vhost)}`,
      cleanup: () => run('rabbitmqctl', ['-q', 'delete_vhost', vhost]).then(() => undefined),
    };
  } catch (err) {
    notes.push(`AMQP: NOT used (rabbitmqctl failed: ${String(err.message).split('\n')[0]}); messages stay in-process`);
    return { url: undefined, cleanup: async () => {} };
  }
}
