import { scrub } from "../core/redact.js";
import { stdoutReachesActionsRunner, type RunnerStdout } from "../rotation/github-output.js";

/** Where a command writes. Every line passes the secret scrubber on its way out. */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  /**
   * Unscrubbed stdout, for exactly one purpose: GitHub Actions `::add-mask::` commands, which must carry the
   * value they mask. Nothing else may use it.
   */
  maskCommand(text: string): void;
  env: NodeJS.ProcessEnv;
  /** stderr is a terminal (progress bar instead of lines). */
  stderrIsTty: boolean;
  /**
   * Where stdout goes, for GitHub Actions mask commands: proven to be the runner's own stream, or why not
   * (src/rotation/github-output.ts). Absent: nothing can be proven.
   */
  stdoutToRunner?: () => RunnerStdout;
  /**
   * Ends the process at once with a code. Only a real process has it; with it, commands defer SIGINT/SIGTERM/SIGHUP
   * around their critical sections (src/cli/signals.ts).
   */
  exit?: (code: number) => never;
}

export function processIo(): CliIo {
  return {
    stdout: (text) => void process.stdout.write(scrub(text)),
    stderr: (text) => void process.stderr.write(scrub(text)),
    maskCommand: (text) => void process.stdout.write(text),
    env: process.env,
    stderrIsTty: Boolean(process.stderr.isTTY),
    stdoutToRunner: () => stdoutReachesActionsRunner(1),
    // On Linux, writes to files, pipes and terminals are synchronous: nothing written before is lost.
    exit: (code) => process.exit(code),
  };
}
