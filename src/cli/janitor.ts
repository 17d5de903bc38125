import { parseArgs } from "node:util";
import { UsageError } from "../core/errors.js";
import { ExitCode } from "../core/exit-codes.js";
import { isLoopbackHost } from "../core/net.js";
import { createLogger, logLevelFromEnv } from "../core/log.js";
import { createJanitorRuntime, InProcessQueue, loadJanitorConfig, processWorkItem, startJanitorServer, sweepManagedSecrets } from "../janitor/index.js";
import type { CliIo } from "./io.js";

const HELP =
  "usage: keyward janitor serve [--port N] [--host 127.0.0.1]\n" +
  "       keyward janitor sweep\n" +
  "  serve: POST /api/github/webhooks, GET /healthz; configuration from the environment (README \"The janitor\")\n" +
  "  sweep: checks every managed secret's AWSCURRENT and rotates again the ones that do not authenticate (exit 1 when one could not be repaired)\n";

/**
 * `keyward janitor serve`: validates the whole configuration first (exit 2 listing every problem), then serves
 * deliveries on loopback with the in-process queue until SIGINT/SIGTERM/SIGHUP; then it stops accepting, runs every
 * waiting retry as its last try and finishes all work before exiting. Further signals while it drains are logged
 * and ignored: a second SIGTERM does not cut a containment between its regenerate and its store.
 * `keyward janitor sweep`: one sweep of the managed secrets (a cron's job), then exit.
 */
export async function run(args: string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === "--help" || sub === "-h" || sub === "help") {
    io.stdout(HELP);
    return ExitCode.Ok;
  }
  if (sub !== "serve" && sub !== "sweep") throw new UsageError(`janitor: unknown subcommand "${sub ?? ""}"`, { hint: HELP.trim() });
  let values;
  try {
    ({ values } = parseArgs({ args: rest, options: { port: { type: "string" }, host: { type: "string" }, help: { type: "boolean", short: "h" } }, strict: true, allowPositionals: false }));
  } catch (err) {
    throw new UsageError(`janitor ${sub}: ${(err as Error).message}`, { hint: HELP.trim() });
  }
  if (values.help) {
    io.stdout(HELP);
    return ExitCode.Ok;
  }
  const logger = createLogger({ level: logLevelFromEnv(io.env) ?? "info", write: (line) => io.stderr(line + "\n") });
  const config = loadJanitorConfig(io.env, { warn: (line) => logger.warn(line) });
  if (sub === "sweep") {
    if (values.port !== undefined || values.host !== undefined) throw new UsageError("janitor sweep: takes no --port or --host", { hint: HELP.trim() });
    const runtime = await createJanitorRuntime(config, { logger, auditWrite: (line) => io.stdout(line + "\n"), keepTokenWarm: false });
    try {
      const report = await sweepManagedSecrets(runtime.processorDeps);
      io.stdout(JSON.stringify({ sweep: report }) + "\n");
      return report.failed.length ? ExitCode.Failed : ExitCode.Ok;
    } finally {
      runtime.close();
    }
  }

  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`janitor serve: --port must be an integer between 0 and 65535, got "${values.port}"`);
  const host = values.host ?? "127.0.0.1";

  const runtime = await createJanitorRuntime(config, { logger, auditWrite: (line) => io.stdout(line + "\n") });
  const queue = new InProcessQueue({ process: (item, o) => processWorkItem(item, runtime.processorDeps, o), logger, concurrency: config.concurrency, maxAttempts: config.maxAttempts });
  const server = await startJanitorServer({ webhookSecrets: runtime.webhookSecrets, enqueue: queue.enqueue, logger, secretTypes: config.secretTypes }, { port, host }).catch((err: NodeJS.ErrnoException) => {
    throw new UsageError(`janitor serve: cannot listen on ${host}:${port}: ${err.code ?? err.message}`, { cause: err });
  });
  if (!isLoopbackHost(host)) logger.warn("listening beyond loopback: put TLS in front (keyward_finding deliveries carry the candidate pair)", { host });
  io.stderr(JSON.stringify({ msg: "janitor listening", url: server.url, webhook: `${server.url}/api/github/webhooks`, dryRun: config.policy.dryRun }) + "\n");

  const signals = ["SIGINT", "SIGTERM", "SIGHUP"] as const;
  let stopping = false;
  await new Promise<void>((resolve) => {
    const onSignal = (signal: NodeJS.Signals) => {
      // Handlers stay installed while draining: a repeated signal must not kill a containment half way.
      if (stopping) return logger.warn("already stopping: finishing the work in hand", { signal });
      stopping = true;
      logger.info("stopping: no new deliveries, finishing the work in hand", { signal, pending: queue.pending });
      resolve();
    };
    for (const signal of signals) process.on(signal, onSignal);
  });
  await server.close();
  await queue.drain();
  runtime.close();
  logger.info("stopped");
  return ExitCode.Ok;
}
