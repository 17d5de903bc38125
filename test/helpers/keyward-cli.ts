import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

export const KEYWARD_BIN = fileURLToPath(new URL("../../bin/keyward.js", import.meta.url));

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the built `keyward` executable (npm test builds dist/ first) in a child process with exactly the
 * given environment on top of PATH/HOME, capturing everything it prints.
 */
export async function runKeyward(args: string[], env: Record<string, string | undefined>, options: { timeoutMs?: number; cwd?: string } = {}): Promise<CliRun> {
  const { code, stdout, stderr } = await startKeyward(args, env, options).done;
  return { code, stdout, stderr };
}

/** Every secret in `secrets` that appears in any of `outputs` (and in its HTTP Basic form). Expect `[]`. */
export function leakedSecrets(outputs: string[], secrets: Iterable<string>): string[] {
  const haystack = outputs.join("\n");
  const leaks: string[] = [];
  for (const secret of secrets) {
    if (!secret) continue;
    if (haystack.includes(secret)) leaks.push(`${secret.slice(0, 4)}… (raw)`);
  }
  return leaks;
}

export interface RunningKeyward {
  child: import("node:child_process").ChildProcess;
  /** Everything printed so far. */
  output(): { stdout: string; stderr: string };
  /** Resolves once stderr matches (rejects if the process ends first). */
  waitForStderr(pattern: RegExp, timeoutMs?: number): Promise<void>;
  done: Promise<CliRun & { signal: NodeJS.Signals | null }>;
}

/** Starts the built `keyward` and hands back the live process, for tests that signal or kill it mid-run. */
export function startKeyward(args: string[], env: Record<string, string | undefined>, options: { cwd?: string; timeoutMs?: number } = {}): RunningKeyward {
  const child = spawn(process.execPath, ["--", KEYWARD_BIN, ...args], {
    cwd: options.cwd ?? process.cwd(),
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  const listeners = new Set<() => void>();
  child.stdout!.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on("data", (d: Buffer) => {
    stderr += d.toString();
    for (const l of listeners) l();
  });
  // A bound for a hung run, below jest's per-test default (jest.config.js) so the test fails with the output.
  const killer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 90_000);
  const done = new Promise<CliRun & { signal: NodeJS.Signals | null }>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code, signal) => {
      clearTimeout(killer);
      for (const l of listeners) l();
      resolve({ code, signal, stdout, stderr });
    });
  });
  let ended = false;
  void done.then(() => (ended = true));
  return {
    child,
    output: () => ({ stdout, stderr }),
    done,
    waitForStderr: (pattern, timeoutMs = 60_000) =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => finish(new Error(`stderr never matched ${pattern}: ${stderr.slice(-2000)}`)), timeoutMs);
        const check = () => {
          if (pattern.test(stderr)) finish();
          else if (ended || child.exitCode !== null) finish(new Error(`process ended before stderr matched ${pattern}: ${stderr.slice(-2000)}`));
        };
        const finish = (err?: Error) => {
          clearTimeout(timer);
          listeners.delete(check);
          if (err) reject(err);
          else resolve();
        };
        listeners.add(check);
        check();
      }),
  };
}
