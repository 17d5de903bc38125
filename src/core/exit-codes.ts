/**
 * The process exit codes keyward promises (README "Exit codes"). Every command maps its outcome to one of
 * these in one place (`src/cli/main.ts` for thrown errors, {@link OUTCOME_EXIT_CODES} for rotation outcomes), never
 * ad hoc.
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
  /**
   * `keyward scan`: part of the input could not be read (an unreadable git object; warned on stderr and skipped,
   * the rest scanned) and nothing new was found in what could be read. Never "clean": 1 (findings) takes precedence.
   */
  Incomplete: 7,
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

/**
 * What became of one rotation (or a fleet), as a type: decided by the rotation from typed errors and stop reasons,
 * never from message text. The exit code is looked up in {@link OUTCOME_EXIT_CODES}, the one table.
 */
export type Outcome =
  /** Regenerated, stored and verified (or, for a repair, found working). */
  | "rotated"
  /** `--dry-run`: every guard passed; nothing changed. */
  | "dry-run"
  /** A guard refused before anything changed (client not active, secret missing, name not found, ...). */
  | "refused"
  /** Usage or configuration: admin credentials rejected, a permission missing, a guard that needs a different call. */
  | "misconfigured"
  /** Regenerated (or may have been) but not stored: the old secret may be dead. */
  | "not-stored"
  /** Stored, but the value at AWSCURRENT does not (or cannot be shown to) authenticate. */
  | "not-verified"
  /** A concurrent change made success unsafe to report (another client's document, a rotation in progress). */
  | "conflict"
  /** Not started because a signal asked the run to stop. */
  | "interrupted"
  /** Not started because too little of the run's (or the invocation's) time was left for its worst case. */
  | "out-of-time"
  /** Anything else: Genesys or Secrets Manager failed before the point of no return. */
  | "failed";

/** The one table from outcomes to exit codes (README "Exit codes"). */
export const OUTCOME_EXIT_CODES: Readonly<Record<Outcome, ExitCode>> = {
  rotated: ExitCode.Ok,
  "dry-run": ExitCode.Ok,
  refused: ExitCode.Failed,
  misconfigured: ExitCode.Usage,
  "not-stored": ExitCode.NotStored,
  "not-verified": ExitCode.NotVerified,
  conflict: ExitCode.Conflict,
  interrupted: ExitCode.Interrupted,
  "out-of-time": ExitCode.Failed,
  failed: ExitCode.Failed,
};

export function exitCodeOfOutcome(outcome: Outcome): ExitCode {
  return OUTCOME_EXIT_CODES[outcome];
}
