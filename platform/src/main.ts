import { once } from 'node:events';
import { closeServer, createLogger, handleShutdown, main } from '@secureevent/shared';
import { loadPlatformConfig } from './config.js';
import { startPlatform } from './platform.js';

main(async () => {
  const config = loadPlatformConfig();
  const logger = createLogger('platform', { level: config.LOG_LEVEL });
  const started = Date.now();
  const platform = await startPlatform(config, logger);
  const port = config.PORT ?? 8080;
  const server = platform.app.listen(port, config.HOST);
  const upgrades = platform.attach(server);
  await once(server, 'listening');
  logger.info({ mode: platform.mode, port, startupMs: Date.now() - started }, `SecureEvent is running on http://localhost:${port}`);
  handleShutdown({
    logger,
    steps: [
      // WebSocket connections are the server's own: close them while it drains, or close() waits for them.
      { name: 'http', run: () => Promise.all([closeServer(server), upgrades.closeAll()]).then(() => undefined) },
      { name: 'platform', run: () => platform.stop() },
    ],
  });
});
