/**
 * The clock a rotation runs on, handed in (tests drive it; production uses the system's). `now` is epoch ms: every
 * deadline and budget of a rotation is measured with it, never with a second clock.
 */
export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
  /** In [0, 1): backoff jitter. */
  random(): number;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, ms))),
  random: () => Math.random(),
};
