/**
 * The request scheduler handed to `@octokit/plugin-throttling` in place of its process-wide Bottleneck groups, so
 * each client's pacing is its own and configurable: at most `maxConcurrent` requests in flight, and at least
 * `spacingMs` between the starts of two requests (GitHub's guidance: writes one at a time, a second apart;
 * requests that notify people three seconds apart). Retries (`priority: 0`) go to the front of the queue.
 */
export interface ScheduleOptions {
  priority?: number;
  weight?: number;
  expiration?: number;
}

export interface RequestLimiter {
  key(id: string): { schedule<A extends unknown[], R>(options: ScheduleOptions, fn: (...args: A) => Promise<R>, ...args: A): Promise<R> };
}

export function requestLimiter(maxConcurrent: number, spacingMs: number): RequestLimiter {
  const queue: Array<{ front: boolean; start: () => void }> = [];
  let running = 0;
  let lastStart = -Infinity;
  let timer: NodeJS.Timeout | undefined;
  const pump = () => {
    while (queue.length && running < maxConcurrent) {
      const wait = lastStart + spacingMs - performance.now();
      if (wait > 0) {
        if (!timer)
          timer = setTimeout(() => {
            timer = undefined;
            pump();
          }, wait);
        return;
      }
      lastStart = performance.now();
      running++;
      queue.shift()!.start();
    }
  };
  const scheduler = {
    schedule<A extends unknown[], R>(options: ScheduleOptions, fn: (...args: A) => Promise<R>, ...args: A): Promise<R> {
      return new Promise<R>((resolve, reject) => {
        const job = {
          front: options.priority === 0,
          start: () => {
            fn(...args)
              .then(resolve, reject)
              .finally(() => {
                running--;
                pump();
              });
          },
        };
        if (job.front) queue.splice(queue.findIndex((j) => !j.front) === -1 ? queue.length : queue.findIndex((j) => !j.front), 0, job);
        else queue.push(job);
        pump();
      });
    },
  };
  return { key: () => scheduler };
}
