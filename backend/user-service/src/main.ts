import path from 'node:path';
import { main, runStandalone } from '@secureevent/shared';
import { loadUserServiceConfig, oidcOptionsFrom } from './config.js';
import { loadKeyStore } from './keys/key-store.js';
import { userService } from './service.js';

main(async () => {
  const config = loadUserServiceConfig();
  const keys = await loadKeyStore({ privateKeys: config.JWT_PRIVATE_KEY, file: path.join(config.DATA_DIR, 'jwt-signing-keys.json') });
  await runStandalone({
    definition: userService({
      keys,
      issuer: config.JWT_ISSUER,
      audience: config.JWT_AUDIENCE,
      admin: { email: config.ADMIN_EMAIL, password: config.ADMIN_PASSWORD },
      registrationsPerHour: config.SIGNUPS_PER_IP_PER_HOUR,
      oidc: oidcOptionsFrom(config),
    }),
    config,
    defaultPort: 3001,
    keys: keys.verificationKeys,
  });
});
