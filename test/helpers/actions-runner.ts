import { spawn } from "node:child_process";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { KEYWARD_BIN } from "./keyward-cli.js";

export interface StepRun {
  code: number | null;
  /** What reached the runner on the step's stdout. */
  stdout: string;
  stderr: string;
}

/**
 * Runs `argv` (a step's shell) as the GitHub Actions runner starts a step: from a process named `Runner.Worker`, with
 * stdout a pipe the runner process itself reads (a FIFO here, so the runner's end has a path), stderr collected.
 * keyward's `--github-output` accepts exactly this stdout (src/rotation/github-output.ts); a step that pipes or
 * redirects keyward's stdout elsewhere (`| tee`, `> /dev/null`) decides for itself what reaches the runner.
 */
export async function runUnderActionsRunner(argv: string[], options: { cwd?: string; env: Record<string, string | undefined>; timeoutMs?: number }): Promise<StepRun> {
  const dir = await mkdtemp(join(tmpdir(), "keyward-runner-"));
  const runner = `
    const { spawn, execFileSync } = await import("node:child_process");
    const fs = await import("node:fs");
    process.title = "Runner.Worker";
    const fifo = process.env.__RUNNER_DIR + "/step-stdout";
    execFileSync("mkfifo", [fifo]);
    const reading = fs.promises.open(fifo, "r");
    const writeFd = fs.openSync(fifo, "w");
    const readHandle = await reading;
    const [command, ...args] = JSON.parse(process.env.__STEP_ARGV);
    const step = spawn(command, args, { env: JSON.parse(process.env.__STEP_ENV), stdio: ["ignore", writeFd, "pipe"], cwd: process.env.__STEP_CWD });
    fs.closeSync(writeFd);
    let stdout = "";
    let stderr = "";
    step.stderr.on("data", (d) => (stderr += d));
    const drained = (async () => { for await (const chunk of readHandle.createReadStream()) stdout += chunk; })();
    const code = await new Promise((resolve) => step.on("exit", (c) => resolve(c)));
    await drained;
    process.stdout.write(JSON.stringify({ code, stdout, stderr }));
  `;
  const stepEnv = Object.fromEntries(Object.entries(options.env).filter(([, v]) => v !== undefined));
  const child = spawn(process.execPath, ["--input-type=module", "-e", runner], {
    env: { PATH: process.env.PATH, __RUNNER_DIR: dir, __STEP_ARGV: JSON.stringify(argv), __STEP_ENV: JSON.stringify(stepEnv), __STEP_CWD: options.cwd ?? dir },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  child.stdout!.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (err += d.toString()));
  const killer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 60_000);
  await new Promise<void>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", () => resolve());
  });
  clearTimeout(killer);
  if (!out) throw new Error(`the fake runner failed: ${err}`);
  return JSON.parse(out) as StepRun;
}

/** Runs `script` as a `run:` step (`bash -e`) under the runner; `$KEYWARD` runs the built keyward. */
export function runActionsStep(script: string, env: Record<string, string | undefined>, options: { timeoutMs?: number } = {}): Promise<StepRun> {
  const stepEnv = { PATH: process.env.PATH, HOME: process.env.HOME, GITHUB_ACTIONS: "true", KEYWARD: `${process.execPath} -- ${KEYWARD_BIN}`, ...env };
  return runUnderActionsRunner(["bash", "-e", "-c", script], { env: stepEnv, ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}) });
}
