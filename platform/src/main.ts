import { once } from 'node:events';
import { closeServer, createLogger, guardAgainstConnectionErrors, handleShutdown, main } from '@secureevent/shared';
import { loadPlatformConfig } from './config.js';
import { startPlatform } from './platform.js';

main(async () => {
  const config = loadPlatformConfig();
  const logger = createLogger('platform', { level: config.LOG_LEVEL });
  guardAgainstConnectionErrors(logger);
  const started = Date.now();
  const platform = await startPlatform(config, logger);
  const port = config.PORT ?? 8080;
  const server = platform.app.listen(port, config.HOST);
  const upgrades = platform.attach(server);
  await once(server, 'listening');
  // Metrics are for Prometheus, not the public: a port of their own, on loopback by default. A
  // port already taken (a second instance on the machine) costs the metrics, not the platform.
  const metricsServer = platform.metricsApp.listen(config.METRICS_PORT, config.METRICS_HOST);
  metricsServer.on('error', (err) => logger.error({ err: String(err) }, 'metrics port unavailable; /metrics is not served'));
  metricsServer.on('listening', () => logger.info({ address: metricsServer.address() }, 'metrics listening'));
  logger.info({ mode: platform.mode, port, startupMs: Date.now() - started }, `SecureEvent is running on http://localhost:${port}`);
  handleShutdown({
    logger,
    steps: [
      // WebSocket connections are the server's own: close them while it drains, or close() waits for them.
      { name: 'http', run: () => Promise.all([closeServer(server), upgrades.closeAll()]).then(() => undefined) },
      { name: 'metrics', run: () => (metricsServer.listening ? closeServer(metricsServer) : Promise.resolve()) },
      { name: 'platform', run: () => platform.stop() },
    ],
  });
});
