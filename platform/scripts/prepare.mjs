// Runs after `npm install` at the root: installs the Angular app (its own npm project) and builds everything.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const run = (cmd, args) => {
  const r = spawnSync(cmd, args, { stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
};
if (process.env.SECUREEVENT_SKIP_PREPARE === '1') process.exit(0);
if (existsSync('frontend/angular-app/package.json')) {
  run('npm', ['install', '--prefix', 'frontend/angular-app', '--no-audit', '--no-fund']);
}
run('npm', ['run', 'build']);
