/**
 * A manual clock: `sleep(ms)` resolves only when `advance` moves time past its deadline, so tests decide exactly
 * when waiting callers wake up. `sleeps` records every requested duration.
 */
export interface FakeClock {
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  advance(ms: number): Promise<void>;
  sleeps: number[];
  pending(): number;
}

export function createFakeClock(start = 1_700_000_000_000): FakeClock {
  let current = start;
  const sleeps: number[] = [];
  let waiters: Array<{ at: number; resolve: () => void }> = [];
  return {
    now: () => current,
    sleep(ms: number) {
      sleeps.push(ms);
      return new Promise<void>((resolve) => waiters.push({ at: current + ms, resolve }));
    },
    async advance(ms: number) {
      current += ms;
      const due = waiters.filter((w) => w.at <= current);
      waiters = waiters.filter((w) => w.at > current);
      for (const w of due) w.resolve();
      // Let the woken callers run until they block again.
      for (let i = 0; i < 20; i++) await Promise.resolve();
    },
    sleeps,
    pending: () => waiters.length,
  };
}

/** A sleep that returns at once and records the requested delays: no test waits on real backoff. */
export function instantSleep(): { sleep: (ms: number) => Promise<void>; delays: number[] } {
  const delays: number[] = [];
  return { sleep: async (ms: number) => void delays.push(ms), delays };
}

/** Lets pending promise callbacks run. */
export async function flush(times = 20): Promise<void> {
  for (let i = 0; i < times; i++) await Promise.resolve();
}

/**
 * Virtual time for code that sleeps: `sleep(ms)` returns at once but moves `now` forward by `ms`, so a rate gate
 * and a transport sharing it see time pass exactly as requested. `delays` records every sleep.
 */
export function virtualTime(start = 1_700_000_000_000): { now: () => number; sleep: (ms: number) => Promise<void>; delays: number[] } {
  let current = start;
  const delays: number[] = [];
  return {
    now: () => current,
    sleep: async (ms: number) => {
      delays.push(ms);
      current += ms;
    },
    delays,
  };
}

/** Polls (real time) until `condition` holds; for waiting on real sockets. */
export async function waitFor(condition: () => boolean, timeoutMs = 30_000): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error("waitFor: condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
