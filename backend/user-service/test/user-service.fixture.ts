import { createTokenVerifier } from '@secureevent/shared';
import { startServiceForTest, type TestEnv } from '@secureevent/shared/testing';
import { loadKeyStore } from '../src/keys/key-store.js';
import { userService, type UserServiceOptions } from '../src/service.js';

export const ISSUER = 'secureevent';
export const AUDIENCE = 'secureevent-api';

/** Boots the user-service over a test env with fresh signing keys; the routes verify its own tokens. */
export async function startUserService(env: TestEnv, options: Partial<UserServiceOptions> = {}) {
  const keys = options.keys ?? (await loadKeyStore({}));
  const verifier = createTokenVerifier({ keys: keys.verificationKeys, issuer: ISSUER, audience: AUDIENCE });
  const started = await startServiceForTest(env, userService({ issuer: ISSUER, audience: AUDIENCE, ...options, keys }), { verifier });
  return { app: started.app, sdb: started.sdb, keys, verifier, stop: () => started.booted.stop() };
}
