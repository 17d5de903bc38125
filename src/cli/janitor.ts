import { parseArgs } from "node:util";
import { UsageError } from "../core/errors.js";
import { ExitCode } from "../core/exit-codes.js";
import { isLoopbackHost } from "../core/net.js";
import { createLogger, logLevelFromEnv } from "../core/log.js";
import { createJanitorRuntime, InProcessQueue, loadJanitorConfig, processWorkItem, startJanitorServer } from "../janitor/index.js";
import type { CliIo } from "./io.js";

const HELP = "usage: keyward janitor serve [--port N] [--host 127.0.0.1]\n  POST /api/github/webhooks, GET /healthz; configuration from the environment (README \"The janitor\")\n";

/**
 * `keyward janitor serve`: validates the whole configuration first (exit 2 listing every problem), then serves
 * deliveries on loopback with the in-process queue until SIGINT/SIGTERM, finishing queued work before exiting.
 */
export async function run(args: string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === "--help" || sub === "-h" || sub === "help") {
    io.stdout(HELP);
    return ExitCode.Ok;
  }
  if (sub !== "serve") throw new UsageError(`janitor: unknown subcommand "${sub ?? ""}"`, { hint: HELP.trim() });
  let values;
  try {
    ({ values } = parseArgs({ args: rest, options: { port: { type: "string" }, host: { type: "string" }, help: { type: "boolean", short: "h" } }, strict: true, allowPositionals: false }));
  } catch (err) {
    throw new UsageError(`janitor serve: ${(err as Error).message}`, { hint: HELP.trim() });
  }
  if (values.help) {
    io.stdout(HELP);
    return ExitCode.Ok;
  }
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`janitor serve: --port must be an integer between 0 and 65535, got "${values.port}"`);
  const host = values.host ?? "127.0.0.1";

  const config = loadJanitorConfig(io.env);
  const logger = createLogger({ level: logLevelFromEnv(io.env) ?? "info", write: (line) => io.stderr(line + "\n") });
  const runtime = await createJanitorRuntime(config, { logger, auditWrite: (line) => io.stdout(line + "\n") });
  const queue = new InProcessQueue({ process: (item) => processWorkItem(item, runtime.processorDeps), logger });
  const server = await startJanitorServer({ webhookSecrets: runtime.webhookSecrets, enqueue: queue.enqueue, logger }, { port, host }).catch((err: NodeJS.ErrnoException) => {
    throw new UsageError(`janitor serve: cannot listen on ${host}:${port}: ${err.code ?? err.message}`, { cause: err });
  });
  if (!isLoopbackHost(host)) logger.warn("listening beyond loopback: put TLS in front (keyward_finding deliveries carry the candidate pair)", { host });
  io.stderr(JSON.stringify({ msg: "janitor listening", url: server.url, webhook: `${server.url}/api/github/webhooks`, dryRun: config.policy.dryRun }) + "\n");

  await new Promise<void>((resolve) => {
    // A closed terminal (SIGHUP) stops it like Ctrl-C: stop accepting, finish the queued work, exit 0.
    for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.once(signal, resolve);
  });
  await server.close();
  await queue.idle();
  return ExitCode.Ok;
}
