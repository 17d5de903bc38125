import { KeywardError, UsageError } from "../core/errors.js";
import { ExitCode } from "../core/exit-codes.js";

/** Every configuration problem at once (exit 2). */
export class JanitorConfigError extends UsageError {
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super(`janitor configuration has ${problems.length} problem${problems.length === 1 ? "" : "s"}:\n${problems.map((p) => `  - ${p}`).join("\n")}`, {
      reason: "janitor-config",
      hint: 'see the README section "The janitor" for every variable and the policy file format',
    });
    this.problems = problems;
  }
}

/** A delivery the receiver refuses; `status` is the HTTP answer. Messages are fixed text, never built from input. */
export class DeliveryRejected extends KeywardError {
  readonly status: number;
  constructor(status: number, reason: string) {
    super(`delivery rejected: ${reason}`, { reason, exitCode: ExitCode.Failed });
    this.status = status;
  }
}

/** The work could not be queued (the queue is down): 503, GitHub marks the delivery failed and it can be redelivered. */
export class EnqueueFailed extends KeywardError {
  constructor(cause: unknown) {
    super("could not queue the delivery", { reason: "enqueue-failed", retryable: true, cause });
  }
}
