import { accessSync, constants, fstatSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname } from "node:path";
import { UsageError } from "../core/errors.js";
import { escapeCommandValue } from "../core/github-actions.js";
import { appendActionsFile } from "../contracts/github-output.js";

/**
 * GitHub Actions hand-off for a rotated secret (README "GitHub outputs: the rule"):
 *  1. `::add-mask::` for the secret and for base64(clientId:secret), once each, printed the moment the secret exists,
 *     before any other code can print or derive anything from it;
 *  2. the secret appended to `$GITHUB_OUTPUT` under `<name>` in heredoc form with a random delimiter.
 *
 * The rule: the raw secret may reach only `$GITHUB_OUTPUT` and the runner. A mask command reaches the runner only on
 * the step's own stdout, so `--github-output` is refused, before anything is rotated, unless that is provably where
 * stdout goes: `GITHUB_ACTIONS=true`, and stdout is a pipe whose other end the `Runner.Worker` process that started
 * the step holds (read from /proc on Linux). `| tee log` (the pipe's reader is tee, the log file would hold the
 * masks, i.e. the secret), `> file`, `> /dev/null` (the masks reach nobody, while the secret still reaches
 * `$GITHUB_OUTPUT`, unmasked for every later step), a terminal, a container job (the runner is outside the
 * container) and runners without /proc (macOS, Windows) all fail that proof.
 */
export interface GithubOutput {
  mask(clientId: string, secret: string): void;
  write(secret: string): void;
}

const NAME = /^[A-Za-z_][A-Za-z0-9_-]*$/;
const RUNNER_PROCESS = "Runner.Worker";

/** Where stdout goes, as far as the rule needs to know. */
export type RunnerStdout = { ok: true } | { ok: false; why: string };

/**
 * Proves that file descriptor `fd` (stdout) is the pipe the Actions runner reads: a FIFO, and an ancestor process
 * named `Runner.Worker` holds the same pipe. Linux only (/proc); anything unreadable proves nothing.
 */
export function stdoutReachesActionsRunner(fd = 1): RunnerStdout {
  let ours: ReturnType<typeof fstatSync>;
  try {
    ours = fstatSync(fd);
  } catch {
    return { ok: false, why: "stdout is closed" };
  }
  if (ours.isFile()) return { ok: false, why: "stdout is redirected to a file, which would hold the mask commands and so the secret" };
  if (ours.isCharacterDevice()) return { ok: false, why: "stdout is a terminal or /dev/null, which the runner never reads" };
  if (!ours.isFIFO()) return { ok: false, why: "stdout is not the pipe the runner reads (a socket or another kind of file)" };
  let pid = process.ppid;
  try {
    for (let depth = 0; depth < 64 && pid > 1; depth++) {
      if (readFileSync(`/proc/${pid}/comm`, "utf8").trim() === RUNNER_PROCESS) {
        const holds = readdirSync(`/proc/${pid}/fd`).some((entry) => {
          try {
            const st = statSync(`/proc/${pid}/fd/${entry}`);
            return st.dev === ours.dev && st.ino === ours.ino;
          } catch {
            return false;
          }
        });
        return holds
          ? { ok: true }
          : { ok: false, why: "stdout is a pipe to another process (`| tee` or similar), not to the runner: whatever reads it would receive the mask commands, and so the secret" };
      }
      pid = Number(/^PPid:\s*(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0);
    }
  } catch {
    return { ok: false, why: "cannot prove that stdout reaches the runner (this platform has no /proc to read it from)" };
  }
  return { ok: false, why: `no ${RUNNER_PROCESS} process started this step (a container job, or not a GitHub Actions runner)` };
}

/**
 * Checks the rule and the output file before anything is regenerated (exit 2 otherwise): a secret that cannot be
 * handed over safely is one more copy to lose.
 */
export function createGithubOutput(name: string, env: NodeJS.ProcessEnv, writeStdout: (text: string) => void, stdout: RunnerStdout): GithubOutput {
  const file = env.GITHUB_OUTPUT;
  const instead = "drop --github-output and read the secret from Secrets Manager in the step that needs it (aws-actions/aws-secretsmanager-get-secrets masks it)";
  if (env.GITHUB_ACTIONS !== "true" || !file) {
    throw new UsageError("--github-output works only inside GitHub Actions (GITHUB_ACTIONS=true and GITHUB_OUTPUT set)", {
      hint: "drop --github-output outside Actions; the secret is then never output anywhere",
    });
  }
  if (!NAME.test(name)) throw new UsageError(`--github-output name "${escapeCommandValue(name)}" must be a valid output name (letters, digits, _ and -)`);
  if (!stdout.ok) {
    throw new UsageError(`rotate: --github-output needs stdout to be the runner's own stream, but ${stdout.why}`, {
      hint: `run keyward rotate as the step's command with stdout untouched (no \`| tee\`, no \`>\` redirection, not in a container job), or ${instead}`,
    });
  }
  try {
    let st: ReturnType<typeof statSync> | undefined;
    try {
      st = statSync(file);
    } catch {
      st = undefined;
    }
    if (st && !st.isFile()) throw new Error("not a regular file");
    accessSync(st ? file : dirname(file), constants.W_OK);
  } catch (err) {
    throw new UsageError(`GITHUB_OUTPUT (${escapeCommandValue(file)}) is not writable: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, {
      hint: "run inside a GitHub Actions step (the runner creates GITHUB_OUTPUT), or drop --github-output",
      cause: err,
    });
  }
  // A value is masked once: the rotation masks the new secret the moment it exists, and the hand-off masks what is at
  // AWSCURRENT (usually the same value) before writing it; the runner needs each value only once.
  const masked = new Set<string>();
  return {
    mask(clientId, secret) {
      // Commands are whole lines on stdout; %, CR and LF are escaped as the runner expects. Each value once.
      for (const value of [secret, Buffer.from(`${clientId}:${secret}`).toString("base64")]) {
        if (masked.has(value)) continue;
        masked.add(value);
        writeStdout(`::add-mask::${escapeCommandValue(value)}\n`);
      }
    },
    write(secret) {
      appendActionsFile(file, name, secret);
    },
  };
}
