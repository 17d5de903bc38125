import { readFile, stat } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { UsageError } from "../core/errors.js";
import { ExitCode } from "../core/exit-codes.js";
import { envFileOwner, processExists, removeOwnEnvFile, SANDBOX_PID_ENV, startSandbox, writeEnvFile } from "../sandbox/sandbox.js";
import { REPORT_SCHEMAS } from "../contracts/report-schemas.js";
import { defineCommand, parseCommand, renderHelp } from "./command-spec.js";
import { USAGE_EXIT } from "./env-docs.js";
import type { CliIo } from "./io.js";

export const DEFAULT_ENV_FILE = ".keyward-sandbox.env";

/** `keyward sandbox`'s grammar (parser and help are generated from it). */
export const spec = defineCommand({
  name: "sandbox",
  summary: "run the Genesys Cloud and Secrets Manager emulators on loopback, with a seeded org",
  usage: ["sandbox [--port N] [--env-out PATH] [--force]"],
  description:
    "  Genesys Cloud emulator on N, Secrets Manager on N+1, control API on N+2. Writes the env file once every server\n" +
    "  answers, prints one JSON line (schema keyward.sandbox/v1: URLs and ids, no secrets) and runs until SIGINT, SIGTERM\n" +
    "  or SIGHUP, then deletes the env file.",
  flags: {
    port: { type: "integer", value: "N", min: 0, max: 65533, default: 0, defaultText: "free ports", description: "first of the three loopback ports" },
    "env-out": {
      type: "string",
      value: "PATH",
      defaultText: DEFAULT_ENV_FILE,
      insteadOf: ["env-file"],
      description: "env file to write (mode 0600; deleted when the sandbox stops)",
    },
    force: { type: "boolean", description: "overwrite an existing env file" },
  },
  env: [],
  exitCodes: [
    { code: 0, meaning: "stopped by SIGINT, SIGTERM or SIGHUP" },
    {
      ...USAGE_EXIT,
      meaning: `${USAGE_EXIT.meaning}; a taken port, an existing env file (without --force; a gone sandbox's file is replaced), a running sandbox's env file, a missing directory`,
    },
  ],
});

/** The signals that stop the sandbox; each one cleans up the same way (env file deleted, exit 0). */
export const STOP_SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;

/**
 * `keyward sandbox [--port N] [--env-out PATH] [--force]`: starts both emulators on loopback, seeds an org,
 * writes the env file (0600, atomically: once it exists it is complete and the sandbox answers), prints one JSON
 * line (URLs and ids, no secrets) and runs until SIGINT/SIGTERM/SIGHUP (exit 0, env file deleted).
 *
 * The flag is `--env-out`: no keyward flag is spelled `--env-file`, which Node 20 (and npx's own `node`) reads anywhere
 * on its command line.
 * An existing env file is refused unless `--force` (it would be overwritten, then deleted on exit) — except the file
 * of a sandbox that is proven gone (its KEYWARD_SANDBOX_PID names no process: it was killed with SIGKILL and could
 * not delete it), which is replaced with a note on stderr. A path whose directory is missing is refused before
 * anything listens. Both refusals exit 2. On exit the file is deleted only while it is still this sandbox's.
 */
export async function run(args: string[], io: CliIo): Promise<number> {
  const parsed = parseCommand(spec, args);
  if (parsed.help) {
    io.stdout(renderHelp(spec));
    return ExitCode.Ok;
  }
  const { values } = parsed;
  const port = values.port;
  const force = values.force === true;
  const { path: envFile, stalePid } = await checkEnvFilePath(values["env-out"] ?? DEFAULT_ENV_FILE, force);
  if (stalePid !== undefined) io.stderr(`keyward sandbox: replacing ${envFile}: the sandbox that wrote it (pid ${stalePid}) is gone\n`);

  const sandbox = await startSandbox({ port }).catch((err: NodeJS.ErrnoException) => {
    throw new UsageError(`sandbox: cannot listen on 127.0.0.1 port ${port}..${port + 2}: ${err.code ?? err.message}`, {
      hint: "pick another --port, or omit it to use free ports",
      cause: err,
    });
  });
  // Listen before writing: whoever waits for the file may use it the moment it appears.
  let stopped: (signal: string) => void = () => {};
  const stop = new Promise<string>((resolve) => (stopped = resolve));
  const handlers = STOP_SIGNALS.map((signal) => [signal, () => stopped(signal)] as const);
  for (const [signal, handler] of handlers) process.once(signal, handler);
  try {
    try {
      // KEYWARD_SANDBOX_PID: through npx the sandbox is a grandchild, and npm exec does not pass SIGTERM/SIGHUP
      // on, so scripts stop the sandbox itself with `kill "$KEYWARD_SANDBOX_PID"`.
      await writeEnvFile(envFile, { ...sandbox.env, [SANDBOX_PID_ENV]: String(process.pid) }, { overwrite: force, replaceStale: true });
    } catch (err) {
      throw new UsageError(`sandbox: cannot write the env file ${envFile}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, {
        hint: (err as NodeJS.ErrnoException).code === "EEXIST" ? "remove it, pick another --env-out, or pass --force" : "pick a writable --env-out path",
        cause: err,
      });
    }
    io.stdout(JSON.stringify({ schema: REPORT_SCHEMAS.sandbox, ...sandbox.summary, envFile, pid: process.pid }) + "\n");
    await stop;
    // The file's credentials die with the sandbox.
    await removeOwnEnvFile(envFile);
  } finally {
    for (const [signal, handler] of handlers) process.removeListener(signal, handler);
    await sandbox.close();
  }
  return ExitCode.Ok;
}

/** Resolves the env-file path and refuses one that exists (unless forced, or a gone sandbox's) or whose directory does not. */
async function checkEnvFilePath(path: string, force: boolean): Promise<{ path: string; stalePid?: number }> {
  const target = resolve(path);
  const dir = await stat(dirname(target)).catch(() => undefined);
  if (!dir?.isDirectory()) {
    throw new UsageError(`sandbox: the env file's directory ${dirname(target)} does not exist`, { hint: "create it first, or pick another --env-out" });
  }
  const existing = await stat(target).catch(() => undefined);
  if (existing?.isDirectory()) throw new UsageError(`sandbox: ${target} is a directory`, { hint: "give --env-out a file path" });
  if (!existing || force) return { path: target };
  const owner = envFileOwner(await readFile(target, "utf8").catch(() => ""), processExists);
  if (owner.kind === "dead-sandbox") return { path: target, stalePid: owner.pid };
  if (owner.kind === "live-sandbox") {
    throw new UsageError(`sandbox: the env file ${target} belongs to a sandbox that is still running (pid ${owner.pid})`, {
      hint: `use that sandbox, stop it (kill ${owner.pid}), or pick another --env-out`,
    });
  }
  throw new UsageError(`sandbox: the env file ${target} already exists (keyward would overwrite it, then delete it on exit)`, {
    hint: "remove it, pick another --env-out, or pass --force",
  });
}
