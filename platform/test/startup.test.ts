import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const entries = ['backend/user-service', 'backend/event-service', 'backend/notification-service', 'backend/audit-service', 'platform'];

function start(entry: string, env: Record<string, string>) {
  // Only the variable under test: nothing from the developer's environment leaks in.
  return spawnSync(process.execPath, [`${entry}/dist/main.js`], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', ...env },
    encoding: 'utf8',
    timeout: 20_000,
  });
}

/** Runs the built entry points (`npm install` builds them), as an operator would. */
describe('start-up with bad configuration', () => {
  it.each(entries)('when %s gets a malformed DATABASE_URL, then it exits 1 with one line naming the variable', (entry) => {
    const r = start(entry, { DATABASE_URL: 'mysql://db.internal/app' });
    expect(r.status).toBe(1);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^Invalid configuration: DATABASE_URL: /);
  });

  it.each(entries)('when %s gets a port that is not a number, then it exits 1 with one line naming PORT', (entry) => {
    const r = start(entry, { PORT: 'eighty' });
    expect(r.status).toBe(1);
    expect(r.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^Invalid configuration: PORT: /)]);
  });
});
