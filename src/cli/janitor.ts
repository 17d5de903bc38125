import { UsageError } from "../core/errors.js";
import { ExitCode } from "../core/exit-codes.js";
import { isLoopbackHost } from "../core/net.js";
import { createLogger, logLevelFromEnv } from "../core/log.js";
import { ADMIN_SECRET_ARN_ENV, WEBHOOK_SECRET_ARN_ENV, WEBHOOK_SECRET_ENV } from "../contracts/env-names.js";
import { createJanitorRuntime, InProcessQueue, loadJanitorConfig, processWorkItem, startJanitorServer } from "../janitor/index.js";
import { defineCommand, parseCommand, renderHelp } from "./command-spec.js";
import { AWS_ENV, GENESYS_ADMIN_ENV, LOG_ENV, USAGE_EXIT } from "./env-docs.js";
import type { CliIo } from "./io.js";

/** `keyward janitor`'s grammar (parser and help are generated from it). */
export const spec = defineCommand({
  name: "janitor",
  summary: "serve the leak janitor's webhook on this machine (the Lambdas run the same code)",
  usage: ["janitor serve [--port N] [--host 127.0.0.1]"],
  description:
    "  POST /api/github/webhooks (secret_scanning_alert and keyward_finding deliveries), GET /healthz. The whole\n" +
    "  configuration is checked first (exit 2 listing every problem); SIGINT, SIGTERM or SIGHUP stop accepting, finish\n" +
    "  the queued work and exit 0. Audit events go to stdout as JSON lines (schema keyward.janitor.audit/v2).",
  positionals: { name: "serve", description: "the subcommand", min: 1, max: 1 },
  flags: {
    port: { type: "integer", value: "N", min: 0, max: 65535, default: 0, defaultText: "a free port", description: "port to listen on" },
    host: { type: "string", value: "HOST", defaultText: "127.0.0.1", description: "address to listen on (beyond loopback, put TLS in front)" },
  },
  env: [
    { name: `${WEBHOOK_SECRET_ENV}, ${WEBHOOK_SECRET_ENV}_PREVIOUS`, description: "the GitHub webhook secret (16+ characters), and the one before a rotation" },
    { name: WEBHOOK_SECRET_ARN_ENV, description: "instead: a Secrets Manager secret holding them" },
    { name: "GITHUB_TOKEN | GITHUB_TOKEN_ARN, GITHUB_API_URL", description: "GitHub: secret scanning alerts read/write, contents read" },
    { name: "SLACK_BOT_TOKEN | SLACK_BOT_TOKEN_ARN, SLACK_API_URL", description: "Slack (optional): DMs to committers" },
    { name: "KEYWARD_SLACK_FALLBACK_CHANNEL", description: "where human alerts and undeliverable DMs go" },
    { name: "KEYWARD_SPLUNK_HEC_URL, _TOKEN; KEYWARD_DATADOG_API_KEY, _URL", description: "optional SIEM sinks" },
    ...GENESYS_ADMIN_ENV.map((e) => (e.name.startsWith("GENESYSCLOUD_OAUTHCLIENT") ? { ...e, description: "the janitor's own Genesys client" } : e)),
    { name: ADMIN_SECRET_ARN_ENV, description: "instead: the janitor's credential document in Secrets Manager (KEYWARD_JANITOR_CREDENTIALS_ARN is the deprecated name)" },
    { name: "KEYWARD_POLICY_FILE", description: "the policy file (README \"Policy file\")" },
    { name: "KEYWARD_ORGS_FILE", description: "more orgs to verify a leak in, besides the janitor's own (README \"Several orgs\")" },
    { name: "KEYWARD_FINGERPRINT_KEY", description: "key of the audit event's kwf1_ fingerprint (the same value as scan and audit-state)" },
    ...AWS_ENV,
    ...LOG_ENV,
  ],
  exitCodes: [
    { code: 0, meaning: "stopped by SIGINT, SIGTERM or SIGHUP after finishing the queued work" },
    { ...USAGE_EXIT, meaning: `${USAGE_EXIT.meaning}; every configuration problem is listed; the port is taken` },
  ],
});

/**
 * `keyward janitor serve`: validates the whole configuration first (exit 2 listing every problem), then serves
 * deliveries on loopback with the in-process queue until SIGINT/SIGTERM, finishing queued work before exiting.
 */
export async function run(args: string[], io: CliIo): Promise<number> {
  const parsed = parseCommand(spec, args);
  if (parsed.help) {
    io.stdout(renderHelp(spec));
    return ExitCode.Ok;
  }
  const { values, positionals } = parsed;
  if (positionals[0] !== "serve") throw new UsageError(`janitor: unknown subcommand "${positionals[0]}"`, { hint: "the subcommand is `keyward janitor serve`" });
  const port = values.port;
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
