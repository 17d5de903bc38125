import { accessSync, constants, statSync } from "node:fs";
import { dirname } from "node:path";
import { UsageError } from "../core/errors.js";
import { escapeCommandValue } from "../core/github-actions.js";
import { appendActionsFile } from "../contracts/github-output.js";

/**
 * GitHub Actions hand-off for a rotated secret (README "GitHub Actions"):
 *  1. `::add-mask::` for the secret and for base64(clientId:secret) — printed the moment the secret exists,
 *     before any other code can print or derive anything from it;
 *  2. the secret appended to `$GITHUB_OUTPUT` under `<name>` in heredoc form with a random delimiter.
 * Only valid inside Actions (`GITHUB_OUTPUT` set); checked before anything is rotated.
 */
export interface GithubOutput {
  mask(clientId: string, secret: string): void;
  write(secret: string): void;
}

const NAME = /^[A-Za-z_][A-Za-z0-9_-]*$/;

export function createGithubOutput(name: string, env: NodeJS.ProcessEnv, writeStdout: (text: string) => void): GithubOutput {
  const file = env.GITHUB_OUTPUT;
  if (!file) throw new UsageError("--github-output works only inside GitHub Actions (GITHUB_OUTPUT is not set)", { hint: "drop --github-output outside Actions; the secret is then never output anywhere" });
  if (!NAME.test(name)) throw new UsageError(`--github-output name "${name}" must be a valid output name (letters, digits, _ and -)`);
  // Checked before anything is regenerated: a secret that cannot be handed over is one more copy to lose.
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
    throw new UsageError(`GITHUB_OUTPUT (${file}) is not writable: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, {
      hint: "run inside a GitHub Actions step (the runner creates GITHUB_OUTPUT), or drop --github-output",
      cause: err,
    });
  }
  // A value is masked once: the rotation masks the new secret the moment it exists, and the hand-off masks what is at
  // AWSCURRENT (usually the same value) before writing it; the runner needs each value only once.
  const masked = new Set<string>();
  return {
    mask(clientId, secret) {
      // Commands are whole lines on stdout; %, CR and LF are escaped as the runner expects.
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
