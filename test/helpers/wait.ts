/**
 * Waits until `condition` holds, polling every `everyMs` (real time), and fails naming `what` after `timeoutMs`.
 * For synchronising with another process or server on a condition it exposes, never on elapsed time: the timeout
 * is only a bound for a broken run, sized for a loaded machine.
 */
export async function waitUntil(condition: () => boolean | Promise<boolean>, what: string, options: { timeoutMs?: number; everyMs?: number } = {}): Promise<void> {
  const timeoutMs = options.timeoutMs ?? 60_000;
  const started = Date.now();
  while (!(await condition())) {
    if (Date.now() - started > timeoutMs) throw new Error(`waited ${timeoutMs} ms for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, options.everyMs ?? 10));
  }
}
