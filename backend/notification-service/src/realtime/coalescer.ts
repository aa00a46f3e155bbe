/**
 * Per-key throttle for availability pushes: the first value of a quiet key goes out at once
 * (leading edge), later ones within `intervalMs` collapse into one trailing push of the newest,
 * so a key emits at most once per interval and a burst always ends on its latest value.
 * Values older than the last one seen (`isNewer` false: messages overtaking each other across
 * consumers) are dropped, so counts never step backwards.
 */
export function createCoalescer<T>(options: {
  intervalMs: number;
  isNewer(candidate: T, current: T): boolean;
  emit(key: string, value: T): void;
}) {
  interface KeyState {
    latest: T;
    pending: boolean;
    timer: NodeJS.Timeout;
  }
  const keys = new Map<string, KeyState>();

  const tick = (key: string) => {
    const state = keys.get(key);
    if (!state) return;
    if (!state.pending) {
      keys.delete(key);
      return;
    }
    state.pending = false;
    state.timer = arm(key);
    options.emit(key, state.latest);
  };
  const arm = (key: string) => {
    const timer = setTimeout(() => tick(key), options.intervalMs);
    timer.unref();
    return timer;
  };

  return {
    push(key: string, value: T): void {
      const state = keys.get(key);
      if (!state) {
        keys.set(key, { latest: value, pending: false, timer: arm(key) });
        options.emit(key, value);
        return;
      }
      if (!options.isNewer(value, state.latest)) return;
      state.latest = value;
      state.pending = true;
    },
    /** Drops pending pushes (shutdown). */
    clear(): void {
      for (const s of keys.values()) clearTimeout(s.timer);
      keys.clear();
    },
  };
}
