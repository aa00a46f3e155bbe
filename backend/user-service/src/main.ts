import { main, runStandalone } from '@secureevent/shared';
import { keyStoreFrom, loadUserServiceConfig, userServiceOptionsFrom } from './config.js';
import { userService } from './service.js';

main(async () => {
  const config = loadUserServiceConfig();
  const keys = await keyStoreFrom(config);
  await runStandalone({
    definition: userService(userServiceOptionsFrom(config, keys)),
    config,
    defaultPort: 3001,
    keys: keys.verificationKeys,
  });
});
