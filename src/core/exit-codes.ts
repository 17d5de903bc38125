/**
 * The process exit codes keyward promises (README "Exit codes"). Every command maps its outcome to one of
 * these in one place (`src/cli/main.ts`), never ad hoc.
 */
export const ExitCode = {
  /** Everything asked for was done and verified. */
  Ok: 0,
  /** The run finished but at least one client failed (or the single client failed) for a reason below 2–4. */
  Failed: 1,
  /** Usage or configuration problem: bad flags, missing or wrong admin credentials, missing permission. */
  Usage: 2,
  /** A secret was regenerated in Genesys Cloud but could not be stored: the old secret is already invalid. */
  NotStored: 3,
  /** The new secret was stored but the value at AWSCURRENT did not authenticate. */
  NotVerified: 4,
  /**
   * A concurrent change made the result unsafe to report as success: another client's credentials appeared in the
   * secret, or another rotation of the same client invalidated the secret this run stored.
   */
  Conflict: 5,
  /**
   * A signal (SIGINT, SIGTERM, SIGHUP) stopped the run after it finished every rotation in flight (stored and
   * verified); clients not yet started were skipped, and the report lists them.
   */
  Interrupted: 6,
  /** Standard codes of a run stopped by a signal before anything changed (128 + the signal number). */
  SigHup: 129,
  SigInt: 130,
  SigTerm: 143,
} as const;

/** 128 + the signal's number, as shells report a process a signal ended. */
export function signalExitCode(signal: "SIGHUP" | "SIGINT" | "SIGTERM"): ExitCode {
  return signal === "SIGHUP" ? ExitCode.SigHup : signal === "SIGINT" ? ExitCode.SigInt : ExitCode.SigTerm;
}
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];
