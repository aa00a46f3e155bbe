import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const shared = fileURLToPath(new URL('..', import.meta.url));

/** Runs `body` in a fresh Node process with the guard installed (the built kit, as services run it). */
function withGuard(body: string) {
  const script = `
    import { EventEmitter } from 'node:events';
    import { createLogger, guardAgainstConnectionErrors } from '@secureevent/shared';
    guardAgainstConnectionErrors(createLogger('guard-test', { level: 'warn' }));
    ${body}
    setTimeout(() => { console.log('still running'); process.exit(0); }, 300);
  `;
  return spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: shared, encoding: 'utf8', timeout: 20_000 });
}

describe('process guard', () => {
  it('when a client emits a connection error nobody listens for, then the process logs it and keeps running', () => {
    const r = withGuard(`setTimeout(() => new EventEmitter().emit('error', new Error('Connection terminated unexpectedly')), 10);
      setTimeout(() => void Promise.reject(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' })), 20);`);
    expect(r.stdout).toContain('still running');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('uncaught connection error; continuing');
    expect(r.stdout).toContain('unhandled connection error (rejection); continuing');
  });

  it('when an error is a bug rather than a lost connection, then the process still ends non-zero', () => {
    const r = withGuard(`setTimeout(() => { throw new TypeError('undefined is not a function'); }, 10);`);
    expect(r.stdout).not.toContain('still running');
    expect(r.status).toBe(1);
  });
});
