import { KeywardError } from "../core/errors.js";
import { exitCodeOfOutcome, type Outcome } from "../core/exit-codes.js";
import { SecretsError } from "../secrets/errors.js";

/**
 * Exit 3: Genesys Cloud issued a new secret (the old one is already dead) but no copy reached Secrets Manager.
 * The new secret is deliberately written nowhere else; re-running the rotation regenerates and stores again.
 */
export class NotStoredError extends KeywardError {
  readonly outcome = "not-stored" as const;

  constructor(
    readonly clientId: string,
    readonly secretId: string,
    cause: unknown,
    what: "regenerated" | "may-have-regenerated" = "regenerated",
  ) {
    super(
      what === "regenerated"
        ? `client ${clientId}: a new secret was generated but could not be stored in ${secretId}; the previous secret is already invalid`
        : `client ${clientId}: the regenerate request failed after it may have reached Genesys Cloud; the previous secret may already be invalid and nothing was stored in ${secretId}`,
      {
        reason: "not-stored",
        exitCode: exitCodeOfOutcome("not-stored"),
        retryable: true,
        hint:
          what === "regenerated"
            ? `re-run \`keyward rotate --client-id ${clientId} --secret-id ${secretId}\` once Secrets Manager accepts writes again (${storeProblem(cause)}): it regenerates the secret and stores it (the unstored one is discarded)${configFix(cause)}`
            : `re-run \`keyward rotate --client-id ${clientId} --secret-id ${secretId}\` once Genesys Cloud answers again (${genesysProblem(cause)}): it regenerates the secret and stores it`,
        cause,
      },
    );
  }
}

/**
 * Exit 4: the new secret was stored (at AWSPENDING), but it is not shown to work at AWSCURRENT:
 * - `dead`: the token endpoint refuses it (something outside keyward regenerated the client meanwhile);
 * - `unknown`: the token endpoint could not say (in single-client rotation the value is made current anyway: the old
 *   secret is dead either way; in alternating rotation AWSCURRENT keeps the previous, working value);
 * - `not-promoted`: AWSCURRENT could not be moved to it in time; it waits at AWSPENDING for a re-run (or a repair)
 *   to promote it.
 */
export class NotVerifiedError extends KeywardError {
  readonly outcome = "not-verified" as const;

  constructor(
    readonly clientId: string,
    readonly secretArn: string,
    why: "dead" | "unknown" | "not-promoted",
    cause?: unknown,
    promoted = false,
  ) {
    const detail = cause instanceof KeywardError ? `${cause.reason}: ${cause.message}` : "token endpoint unavailable or rate-limited";
    const rerun = `re-run \`keyward rotate --client-id ${clientId} --secret-id ${secretArn}\``;
    super(
      why === "dead"
        ? `client ${clientId}: the new secret stored in ${secretArn} is rejected by the token endpoint (was the client regenerated outside keyward meanwhile?)`
        : why === "not-promoted"
          ? `client ${clientId}: the new secret is stored at AWSPENDING of ${secretArn} but AWSCURRENT could not be moved to it${cause instanceof KeywardError ? ` (${detail})` : " in time"}`
          : promoted
            ? `client ${clientId}: the new secret was stored and made current in ${secretArn}, but could not confirm that it authenticates (${detail})`
            : `client ${clientId}: the new secret was stored at AWSPENDING of ${secretArn} but could not be confirmed (${detail}); AWSCURRENT keeps the previous value`,
      {
        reason: why === "dead" ? "verification-failed" : why === "not-promoted" ? "not-promoted" : "verification-inconclusive",
        exitCode: exitCodeOfOutcome("not-verified"),
        retryable: why !== "dead",
        hint:
          why === "dead"
            ? `make sure nothing else regenerates this client while keyward rotates it, then ${rerun}`
            : why === "not-promoted"
              ? `${rerun}: it makes the stored secret current if it still works, and rotates again otherwise`
              : cause instanceof KeywardError && cause.hint
                ? `${cause.hint}; then ${rerun}`
                : `${rerun} when the Genesys Cloud token endpoint answers again`,
        cause,
      },
    );
  }
}

/**
 * A guard stopped the rotation before anything changed: `refused` (exit 1) when the state of the world is the
 * problem, `misconfigured` (exit 2) when the call itself must change.
 */
export class PreflightError extends KeywardError {
  constructor(
    message: string,
    reason: string,
    hint: string,
    readonly outcome: "refused" | "misconfigured" = "refused",
    cause?: unknown,
  ) {
    super(message, { reason, hint, exitCode: exitCodeOfOutcome(outcome), cause });
  }
}

/**
 * Exit 5: something else changed this client or its secret while this run rotated it, so success cannot be
 * reported: another client's credentials appeared at AWSCURRENT, or another rotation invalidated this run's secret.
 */
export class ConflictError extends KeywardError {
  readonly outcome = "conflict" as const;

  constructor(message: string, reason: string, hint: string, cause?: unknown) {
    super(message, { reason, hint, exitCode: exitCodeOfOutcome("conflict"), cause });
  }
}

/**
 * The outcome of a rotation that ended with `err`, decided by the error's type: rotation's own errors carry theirs;
 * any other error that asks for a different call (exit 2: admin credentials, permissions, AWS configuration) is
 * `misconfigured`; the rest `failed`.
 */
export function outcomeOfError(err: unknown): Outcome {
  if (err instanceof NotStoredError || err instanceof NotVerifiedError || err instanceof ConflictError || err instanceof PreflightError) return err.outcome;
  if (err instanceof KeywardError && err.exitCode === exitCodeOfOutcome("misconfigured")) return "misconfigured";
  return "failed";
}

/** What stopped the store, in a few words, for the fix line (never a value). */
function storeProblem(cause: unknown): string {
  if (cause instanceof KeywardError) {
    // Each Secrets Manager failure class words its own problem and fix (src/secrets/errors.ts).
    if (cause instanceof SecretsError) return cause.problem;
    if (cause.reason === "interrupted") return "the run was aborted by a second signal";
    return cause.reason;
  }
  return "unknown failure";
}

/** A store failure that waiting will not cure (credentials, permissions, KMS) adds its own fix: "; first, …". */
function configFix(cause: unknown): string {
  return cause instanceof SecretsError && !cause.retryable && cause.hint ? `; first: ${cause.hint}` : "";
}

function genesysProblem(cause: unknown): string {
  if (cause instanceof KeywardError) {
    if (cause.reason === "timeout") return "the regenerate request timed out; KEYWARD_HTTP_TIMEOUT_SECONDS sets how long keyward waits";
    if (cause.reason === "server-error") return "it answered with a server error";
    return `the regenerate request failed: ${cause.reason}`;
  }
  return "the regenerate request failed";
}
