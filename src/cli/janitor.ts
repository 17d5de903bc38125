import { UsageError } from "../core/errors.js";
import { ExitCode } from "../core/exit-codes.js";
import { isLoopbackHost } from "../core/net.js";
import { createLogger, logLevelFromEnv } from "../core/log.js";
import { ADMIN_SECRET_ARN_ENV, WEBHOOK_SECRET_ARN_ENV, WEBHOOK_SECRET_ENV } from "../contracts/env-names.js";
import { createJanitorRuntime, InProcessQueue, loadJanitorConfig, processWorkItem, startJanitorServer, sweepManagedSecrets } from "../janitor/index.js";
import { defineCommand, parseCommand, renderHelp } from "./command-spec.js";
import { AWS_ENV, GENESYS_ADMIN_ENV, LOG_ENV, USAGE_EXIT } from "./env-docs.js";
import type { CliIo } from "./io.js";

/** `keyward janitor`'s grammar (parser and help are generated from it). */
export const spec = defineCommand({
  name: "janitor",
  summary: "serve the leak janitor's webhook on this machine (the Lambdas run the same code)",
  usage: ["janitor serve [--port N] [--host 127.0.0.1]", "janitor sweep"],
  description:
    "  serve: POST /api/github/webhooks (secret_scanning_alert and keyward_finding deliveries), GET /healthz. The whole\n" +
    "  configuration is checked first (exit 2 listing every problem); SIGINT, SIGTERM or SIGHUP stop accepting, run\n" +
    "  every waiting retry as its last try, finish the work in hand and exit 0 (a repeated signal does not cut it\n" +
    "  short). Audit events go to stdout as JSON lines (schema keyward.janitor.audit/v2).\n" +
    "  sweep: tries every managed secret's AWSCURRENT and rotates again the ones that do not authenticate (an\n" +
    "  interrupted containment), telling the fallback channel; prints a JSON report.",
  positionals: { name: "serve|sweep", description: "the subcommand", min: 1, max: 1 },
  flags: {
    port: { type: "integer", value: "N", min: 0, max: 65535, default: 0, defaultText: "a free port", description: "port to listen on" },
    host: { type: "string", value: "HOST", defaultText: "127.0.0.1", description: "address to listen on (beyond loopback, put TLS in front)" },
  },
  env: [
    { name: `${WEBHOOK_SECRET_ENV}, ${WEBHOOK_SECRET_ENV}_PREVIOUS`, description: "the GitHub webhook secret (16+ characters), and the one before a rotation" },
    { name: WEBHOOK_SECRET_ARN_ENV, description: "instead: a Secrets Manager secret holding them" },
    { name: "GITHUB_TOKEN | GITHUB_TOKEN_ARN, GITHUB_API_URL", description: "GitHub: secret scanning alerts read/write, contents read" },
    { name: "SLACK_BOT_TOKEN | SLACK_BOT_TOKEN_ARN, SLACK_API_URL", description: "Slack (optional): DMs to committers, human alerts" },
    { name: "KEYWARD_SLACK_FALLBACK_CHANNEL", description: "where human alerts and undeliverable DMs go (required with Slack)" },
    { name: "KEYWARD_SLACK_DM_DOMAINS", description: "email domains a DM may go to (confirmed Slack email = commit author); else the fallback channel" },
    { name: "KEYWARD_GITHUB_SECRET_TYPES", description: "the alert secret_type values acted on (default: keyward's patterns); others are ignored" },
    { name: "KEYWARD_MANAGED_SECRET_PREFIX", description: "managed secrets: named under it (default keyward/) and tagged keyward:client-id" },
    {
      name: "KEYWARD_JANITOR_MAX_ATTEMPTS, KEYWARD_JANITOR_DELIVERY_BUDGET_SECONDS, KEYWARD_JANITOR_CONCURRENCY",
      description: "tries per delivery (5), seconds per try (300), deliveries at once (4)",
    },
    { name: "KEYWARD_GITHUB_MAX_RESPONSE_BYTES", description: "largest GitHub answer read (16 MiB)" },
    { name: "KEYWARD_SPLUNK_HEC_URL, _TOKEN; KEYWARD_DATADOG_API_KEY, _URL", description: "optional SIEM sinks" },
    ...GENESYS_ADMIN_ENV.map((e) => (e.name.startsWith("GENESYSCLOUD_OAUTHCLIENT") ? { ...e, description: "the janitor's own Genesys client" } : e)),
    { name: ADMIN_SECRET_ARN_ENV, description: "instead: the janitor's credential document in Secrets Manager (KEYWARD_JANITOR_CREDENTIALS_ARN is the deprecated name)" },
    { name: "KEYWARD_POLICY_FILE", description: 'the policy file (README "Policy file")' },
    { name: "KEYWARD_ORGS_FILE", description: 'more orgs to verify a leak in, besides the janitor\'s own (README "Several orgs")' },
    { name: "KEYWARD_FINGERPRINT_KEY", description: "key of the audit event's kwf1_ fingerprint (the same value as scan and audit-state)" },
    ...AWS_ENV,
    ...LOG_ENV,
  ],
  exitCodes: [
    { code: 0, meaning: "serve: stopped by SIGINT, SIGTERM or SIGHUP after finishing the queued work; sweep: every managed secret works" },
    { code: 1, meaning: "sweep: a managed secret does not authenticate and could not be repaired" },
    { ...USAGE_EXIT, meaning: `${USAGE_EXIT.meaning}; every configuration problem is listed; the port is taken` },
  ],
});

/**
 * `keyward janitor serve`: validates the whole configuration first (exit 2 listing every problem), then serves
 * deliveries on loopback with the in-process queue until SIGINT/SIGTERM/SIGHUP; then it stops accepting, runs every
 * waiting retry as its last try and finishes all work before exiting. Further signals while it drains are logged
 * and ignored: a second SIGTERM does not cut a containment between its regenerate and its store.
 * `keyward janitor sweep`: one sweep of the managed secrets (a cron's job), then exit.
 */
export async function run(args: string[], io: CliIo): Promise<number> {
  const parsed = parseCommand(spec, args);
  if (parsed.help) {
    io.stdout(renderHelp(spec));
    return ExitCode.Ok;
  }
  const { values, positionals } = parsed;
  const sub = positionals[0];
  if (sub !== "serve" && sub !== "sweep")
    throw new UsageError(`janitor: unknown subcommand "${sub}"`, { hint: "the subcommands are `keyward janitor serve` and `keyward janitor sweep`" });
  const logger = createLogger({ level: logLevelFromEnv(io.env) ?? "info", write: (line) => io.stderr(line + "\n") });
  const config = loadJanitorConfig(io.env, { warn: (line) => logger.warn(line) });
  if (sub === "sweep") {
    const runtime = await createJanitorRuntime(config, { logger, auditWrite: (line) => io.stdout(line + "\n"), keepTokenWarm: false });
    try {
      const report = await sweepManagedSecrets(runtime.processorDeps);
      io.stdout(JSON.stringify({ sweep: report }) + "\n");
      return report.failed.length ? ExitCode.Failed : ExitCode.Ok;
    } finally {
      runtime.close();
    }
  }
  const port = values.port;
  const host = values.host ?? "127.0.0.1";

  const runtime = await createJanitorRuntime(config, { logger, auditWrite: (line) => io.stdout(line + "\n") });
  const queue = new InProcessQueue({
    process: (item, o) => processWorkItem(item, runtime.processorDeps, o),
    logger,
    concurrency: config.concurrency,
    maxAttempts: config.maxAttempts,
  });
  const server = await startJanitorServer({ webhookSecrets: runtime.webhookSecrets, enqueue: queue.enqueue, logger, secretTypes: config.secretTypes }, { port, host }).catch(
    (err: NodeJS.ErrnoException) => {
      throw new UsageError(`janitor serve: cannot listen on ${host}:${port}: ${err.code ?? err.message}`, { cause: err });
    },
  );
  if (!isLoopbackHost(host)) logger.warn("listening beyond loopback: put TLS in front (keyward_finding deliveries carry the candidate pair)", { host });
  io.stderr(JSON.stringify({ msg: "janitor listening", url: server.url, webhook: `${server.url}/api/github/webhooks`, dryRun: config.policy.dryRun }) + "\n");

  let stopping = false;
  await new Promise<void>((resolve) => {
    // A closed terminal (SIGHUP) stops it like Ctrl-C. The handlers stay installed while draining: a repeated signal
    // must not kill a containment half way (between its regenerate and its store).
    const onSignal = (signal: NodeJS.Signals) => {
      if (stopping) return logger.warn("already stopping: finishing the work in hand", { signal });
      stopping = true;
      logger.info("stopping: no new deliveries, finishing the work in hand", { signal, pending: queue.pending });
      resolve();
    };
    for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.on(signal, onSignal);
  });
  await server.close();
  await queue.drain();
  runtime.close();
  logger.info("stopped");
  return ExitCode.Ok;
}
