/**
 * At most `n` tasks at once: the rest wait their turn, in order (a run's verification grants, its inventory reads).
 * A finishing task hands its slot straight to the first waiter, so a caller arriving in between cannot take it and
 * push the count past `n`.
 */
export function createLimiter(n: number): <T>(task: () => Promise<T>) => Promise<T> {
  let active = 0;
  const waiting: Array<() => void> = [];
  return async (task) => {
    // Woken by a finishing task, this one holds the slot it handed over: `active` already counts it.
    if (active >= n) await new Promise<void>((resolve) => waiting.push(resolve));
    else active++;
    try {
      return await task();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else active--;
    }
  };
}
