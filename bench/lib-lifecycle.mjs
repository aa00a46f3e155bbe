// How every benchmark stops: cleanups run once, last registered first, on the normal end, on
// Ctrl-C/SIGTERM (exit 130) and at a hard time limit (exit 2), so a run never leaves its database,
// vhost, Redis keys or child processes behind and never runs forever.

/**
 * Returns `cleanups` (push an async function per thing to undo) and `cleanup()` (runs them once;
 * later calls share the same run). Arms the hard limit and the signal handlers.
 */
export function runLifecycle({ hardLimitMs, log }) {
  const cleanups = [];
  let cleaning;
  const cleanup = () =>
    (cleaning ??= (async () => {
      for (const c of cleanups.reverse()) {
        try {
          await c();
        } catch (err) {
          log(`cleanup: ${err.message}`);
        }
      }
    })());
  setTimeout(() => {
    log(`hard time limit (${hardLimitMs / 1000} s) reached: stopping`);
    void cleanup().finally(() => process.exit(2));
  }, hardLimitMs).unref();
  for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => void cleanup().finally(() => process.exit(130)));
  return { cleanups, cleanup };
}
