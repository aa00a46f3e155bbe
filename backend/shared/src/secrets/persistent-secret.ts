import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * A secret from configuration, or else one generated on first start and kept in `file` (mode
 * 0600) so that restarts keep it. Replicas must get it from configuration (a Kubernetes Secret).
 */
export function persistentSecret(options: { value?: string | undefined; file: string }): string {
  if (options.value) return options.value;
  if (existsSync(options.file)) return readFileSync(options.file, 'utf8').trim();
  const secret = randomBytes(32).toString('base64url');
  mkdirSync(path.dirname(options.file), { recursive: true });
  writeFileSync(options.file, secret, { mode: 0o600 });
  chmodSync(options.file, 0o600);
  return secret;
}
