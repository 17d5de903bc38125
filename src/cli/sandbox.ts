import { readFile, stat } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { parseArgs } from "node:util";
import { UsageError } from "../core/errors.js";
import { ExitCode } from "../core/exit-codes.js";
import { envFileOwner, processExists, removeOwnEnvFile, SANDBOX_PID_ENV, startSandbox, writeEnvFile } from "../sandbox/sandbox.js";
import type { CliIo } from "./io.js";

export const DEFAULT_ENV_FILE = ".keyward-sandbox.env";
const USAGE = "usage: keyward sandbox [--port N] [--env-out PATH] [--force]";

/** The signals that stop the sandbox; each one cleans up the same way (env file deleted, exit 0). */
export const STOP_SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;

/**
 * `keyward sandbox [--port N] [--env-out PATH] [--force]`: starts both emulators on loopback, seeds an org,
 * writes the env file (0600, atomically: once it exists it is complete and the sandbox answers), prints one JSON
 * line (URLs and ids, no secrets) and runs until SIGINT/SIGTERM/SIGHUP (exit 0, env file deleted).
 *
 * `--env-out` is the spelling that works through `npx` on Node 20 (npx's own `node` parses `--env-file` anywhere
 * on its command line and exits 9); `--env-file` stays as an alias for `./bin/keyward.js` and `node -- bin/...`.
 * An existing env file is refused unless `--force` (it would be overwritten, then deleted on exit) — except the file
 * of a sandbox that is proven gone (its KEYWARD_SANDBOX_PID names no process: it was killed with SIGKILL and could
 * not delete it), which is replaced with a note on stderr. A path whose directory is missing is refused before
 * anything listens. Both refusals exit 2. On exit the file is deleted only while it is still this sandbox's.
 */
export async function run(args: string[], io: CliIo): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        port: { type: "string" },
        "env-out": { type: "string" },
        "env-file": { type: "string" },
        force: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    throw new UsageError(`sandbox: ${(err as Error).message}`, { hint: USAGE });
  }
  if (values.help) {
    io.stdout(
      `${USAGE}\n  Genesys Cloud emulator on N, Secrets Manager on N+1, control API on N+2 (default: free ports)\n` +
        `  --env-out PATH  env file to write (default ${DEFAULT_ENV_FILE}; alias --env-file, which npx on Node 20 cannot pass)\n` +
        "  --force         overwrite an existing env file\n",
    );
    return ExitCode.Ok;
  }
  if (values["env-out"] !== undefined && values["env-file"] !== undefined && values["env-out"] !== values["env-file"]) {
    throw new UsageError("sandbox: --env-out and --env-file are the same option; give one", { hint: USAGE });
  }
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!/^\d+$/.test(values.port ?? "0") || !Number.isInteger(port) || port < 0 || port > 65533) {
    throw new UsageError(`sandbox: --port must be an integer between 0 and 65533, got "${values.port}"`);
  }
  const force = values.force === true;
  const { path: envFile, stalePid } = await checkEnvFilePath(values["env-out"] ?? values["env-file"] ?? DEFAULT_ENV_FILE, force);
  if (stalePid !== undefined) io.stderr(`keyward sandbox: replacing ${envFile}: the sandbox that wrote it (pid ${stalePid}) is gone\n`);

  const sandbox = await startSandbox({ port }).catch((err: NodeJS.ErrnoException) => {
    throw new UsageError(`sandbox: cannot listen on 127.0.0.1 port ${port}..${port + 2}: ${err.code ?? err.message}`, { hint: "pick another --port, or omit it to use free ports", cause: err });
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
    io.stdout(JSON.stringify({ ...sandbox.summary, envFile, pid: process.pid }) + "\n");
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
  if (path === "") throw new UsageError("sandbox: --env-out needs a path", { hint: USAGE });
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
