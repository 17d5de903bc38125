import { fstatSync } from "node:fs";
import { scrub } from "../core/redact.js";

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
  /** stdout is a regular file (redirected): GitHub Actions mask commands would land in the file, not reach the runner. */
  stdoutIsFile?: boolean;
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
    stdoutIsFile: isRegularFile(1),
    // On Linux, writes to files, pipes and terminals are synchronous: nothing written before is lost.
    exit: (code) => process.exit(code),
  };
}

function isRegularFile(fd: number): boolean {
  try {
    return fstatSync(fd).isFile();
  } catch {
    return false;
  }
}
