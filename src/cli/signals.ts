import { ExitCode, signalExitCode } from "../core/exit-codes.js";
import { scrub } from "../core/redact.js";
import { InterruptState } from "../rotation/interrupt.js";

const SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;
type StopSignal = (typeof SIGNALS)[number];

export interface SignalGuard {
  state: InterruptState;
  /** Removes the handlers (the run is over). */
  dispose(): void;
}

/**
 * Defers SIGINT / SIGTERM / SIGHUP around the critical sections of a rotation run (README "Interruptions"):
 * - no rotation between regenerate and verified store → exit at once with 128 + n (nothing was changed halfway);
 * - otherwise: say so, start no new regenerate, let the rotations in flight finish storing and verifying (bounded
 *   by `budgetMs`), and the run then ends with exit 6 (or the failure code of what did not finish);
 * - a second signal, or the budget running out: print, for each rotation in flight, that its new secret was
 *   regenerated but is not stored and how to recover, and exit 3.
 */
export function guardSignals(options: {
  write: (text: string) => void;
  exit: (code: number) => never;
  budgetMs: number;
  latestStart?: () => number;
  detail?: string;
}): SignalGuard {
  const state = new InterruptState({ ...(options.latestStart ? { latestStart: options.latestStart } : {}), ...(options.detail ? { detail: options.detail } : {}) });
  let timer: NodeJS.Timeout | undefined;
  const abort = (why: string) => {
    const lines = state.inFlight.map(
      (f) =>
        `keyward: client ${f.clientId}: a new secret was regenerated but is not stored in ${f.secretId}; the previous secret may already be invalid\n` +
        `  fix: re-run \`keyward rotate --client-id ${f.clientId} --secret-id ${f.secretId}\`: it regenerates the secret and stores it`,
    );
    options.write(scrub(`keyward: ${why}: aborting with ${state.inFlight.length} rotation(s) in flight (exit 3)\n${lines.join("\n")}\n`));
    options.exit(ExitCode.NotStored);
  };
  const onSignal = (signal: StopSignal) => {
    if (state.signal !== undefined) {
      if (state.inFlight.length === 0) return options.exit(signalExitCode(state.signal));
      return abort(`second signal (${signal})`);
    }
    if (state.request(signal) === "exit-now") {
      options.write(`keyward: ${signal}: stopped before any rotation was in flight; nothing was changed halfway (exit ${signalExitCode(signal)})\n`);
      return options.exit(signalExitCode(signal));
    }
    options.write(
      `keyward: ${signal}: finishing ${state.inFlight.length} rotation(s) in flight (store + verify, at most ${Math.ceil(options.budgetMs / 1000)} s); no new client is started. Send the signal again to abort (exit 3).\n`,
    );
    timer = setTimeout(() => abort(`rotations in flight did not finish within ${Math.ceil(options.budgetMs / 1000)} s`), options.budgetMs);
    timer.unref();
    void state.idle().then(() => clearTimeout(timer));
  };
  for (const signal of SIGNALS) process.on(signal, onSignal);
  return {
    state,
    dispose() {
      if (timer) clearTimeout(timer);
      for (const signal of SIGNALS) process.off(signal, onSignal);
    },
  };
}
