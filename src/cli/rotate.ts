import { KeywardError, UsageError } from "../core/errors.js";
import { escapeCommandValue } from "../core/github-actions.js";
import { ADMIN_SECRET_ARN_ENV } from "../contracts/env-names.js";
import { ExitCode } from "../core/exit-codes.js";
import { secondsFromEnv } from "../core/env-seconds.js";
import { createLogger, logLevelFromEnv } from "../core/log.js";
import { createGenesysClient, DEFAULT_TIMEOUT_MS, HTTP_TIMEOUT_ENV } from "../genesys/index.js";
import { createGithubOutput, type GithubOutput } from "../rotation/github-output.js";
import { loadManifest, refuseControlCharacters } from "../rotation/manifest.js";
import { rotateFleet, summarize } from "../rotation/fleet.js";
import { formatFailureDetails, formatResultLine, formatTable, progressBar, toJsonReport } from "../rotation/report.js";
import { DEFAULT_ROTATION_POLICY, rotateClient, worstCaseCriticalMs, type RotationResult, type RotationTarget } from "../rotation/rotate-client.js";
import { rotationDeps } from "../rotation/wire.js";
import { CRITICAL_BUDGET_ENV, minimumCriticalBudgetMs } from "../rotation/policy.js";
import { rotationWorstCases } from "../rotation/critical-section.js";
import { checkAwsEndpoints, createSecretStore, parseStoredCredentials, resolveAdminSettings } from "../secrets/index.js";
import { REPORT_SCHEMAS } from "../contracts/report-schemas.js";
import { concurrencyFlag, defineCommand, formatFlag, parseCommand, renderHelp } from "./command-spec.js";
import { AWS_ENV, GENESYS_ADMIN_ENV, HTTP_ENV, LOG_ENV, USAGE_EXIT } from "./env-docs.js";
import type { CliIo } from "./io.js";
import { guardSignals } from "./signals.js";
import { isGenesysId } from "../contracts/genesys-id.js";

/** The run's overall deadline (README "Configuration"): no regenerate starts once too little of it is left. */
export const DEADLINE_ENV = "KEYWARD_DEADLINE_SECONDS";
const DEFAULT_DEADLINE_SECONDS = 3600;

/** `keyward rotate`'s grammar: flags, variables and exit codes (parser and help are generated from it). */
export const spec = defineCommand({
  name: "rotate",
  summary: "regenerate OAuth client secrets straight into Secrets Manager and verify them",
  usage: [
    "rotate --client-id <uuid> [--standby-client-id <uuid>] --secret-id <name|arn> [--create-secret] [--dry-run] [--format text|json] [--github-output <name>] [--take-over] [--rotate-self]",
    "rotate --client-name <exact name> --secret-id <name|arn> [...]",
    "rotate --manifest <file.json|file.yaml> [--concurrency N] [--create-secret] [--dry-run] [--format text|json] [--take-over] [--rotate-self]   (entries: {clientId | clientName, standbyClientId?, secretId})",
  ],
  flags: {
    "client-id": {
      type: "string",
      value: "<uuid>",
      description: "the OAuth client to rotate, by id",
      emptyHint: "pass the client's UUID; when it comes from a variable (\"$GENESYSCLOUD_OAUTHCLIENT_ID\"), check that the variable is set (source the sandbox's env file first)",
    },
    "client-name": { type: "string", value: "<exact name>", description: "the OAuth client to rotate, by its exact, unambiguous name" },
    "standby-client-id": {
      type: "string",
      value: "<uuid>",
      description: "alternating rotation: the pair's second client; the one not at AWSCURRENT is regenerated and made current",
    },
    "secret-id": { type: "string", value: "<name|arn>", description: "the Secrets Manager secret that receives the credential document" },
    manifest: { type: "string", value: "<file.json|file.yaml>", description: "rotate a fleet: a list of {clientId | clientName, secretId}" },
    concurrency: concurrencyFlag({ max: 64, default: 4, description: "clients rotated at once with --manifest (one admin token, one rate budget)" }),
    "create-secret": { type: "boolean", description: "create the secret by name when it does not exist (last, after every other guard)" },
    "dry-run": { type: "boolean", description: "run the guards and print the plan; change nothing" },
    format: formatFlag(["json"], `report on stdout: text, or the JSON report (schema ${REPORT_SCHEMAS.rotate})`),
    "github-output": { type: "string", value: "<name>", description: "GitHub Actions: mask the new secret and write it to $GITHUB_OUTPUT as <name>" },
    "take-over": { type: "boolean", description: "move the client out of the secret that holds it now, or into a secret that names another client" },
    "rotate-self": { type: "boolean", description: "allow rotating the admin client keyward acts as (its current secret stops working)" },
  },
  env: [
    {
      name: ADMIN_SECRET_ARN_ENV,
      description:
        "the admin client's credential document in Secrets Manager, read at run time (wins over GENESYSCLOUD_OAUTHCLIENT_*; --rotate-self writes the new secret back there)",
    },
    ...GENESYS_ADMIN_ENV,
    ...AWS_ENV,
    ...HTTP_ENV,
    { name: DEADLINE_ENV, description: "the run's overall deadline in seconds (10-86400, default 3600)" },
    {
      name: CRITICAL_BUDGET_ENV,
      description: "longest time from a regenerate to its new value at AWSCURRENT, in seconds (default 120, or the worst case of the timeouts if larger)",
    },
    {
      name: "GITHUB_ACTIONS, GITHUB_OUTPUT",
      description: "the Actions runner and its output file (--github-output); on a runner every printed value is escaped for workflow commands",
    },
    ...LOG_ENV,
  ],
  exitCodes: [
    { code: 0, meaning: "every client rotated and verified (or the dry run passed every guard)" },
    { code: 1, meaning: "a client failed; the message says why and what fixes it" },
    { ...USAGE_EXIT, meaning: `${USAGE_EXIT.meaning}; rejected admin credentials, missing permission` },
    { code: 3, meaning: "a secret was regenerated but not stored: the old one is invalid; re-run to fix" },
    { code: 4, meaning: "stored, but not shown to work at AWSCURRENT (not authenticated, or left at AWSPENDING)" },
    { code: 5, meaning: "conflict: another rotation holds the secret's lock, or another client's document appeared" },
    { code: 6, meaning: "interrupted after finishing every rotation in flight; clients not started are skipped" },
    { code: "129, 130, 143", meaning: "stopped by SIGHUP, SIGINT or SIGTERM before any change" },
  ],
});

/**
 * `keyward rotate`: regenerates OAuth client secrets straight into Secrets Manager and verifies them.
 * Admin credentials come from the provider's env vars; AWS from the SDK's default chain.
 */
export async function run(args: string[], io: CliIo): Promise<number> {
  // On a runner, every value keyward prints that a user or the platform supplied is escaped for workflow commands,
  // errors included: a line break in a name never starts a `::command::` line.
  const onRunner = io.env.GITHUB_ACTIONS === "true";
  try {
    return await rotate(args, io, onRunner);
  } catch (err) {
    if (onRunner && err instanceof KeywardError) throw escapedError(err);
    throw err;
  }
}

async function rotate(args: string[], io: CliIo, onRunner: boolean): Promise<number> {
  const parsed = parseCommand(spec, args);
  if (parsed.help) {
    io.stdout(renderHelp(spec));
    return ExitCode.Ok;
  }
  const { values, given } = parsed;
  const json = values.format === "json";
  for (const flag of ["client-id", "client-name", "standby-client-id", "secret-id", "manifest", "github-output"] as const) {
    if (values[flag] !== undefined) refuseControlCharacters(`rotate: --${flag}`, values[flag]!);
  }
  const modes = [values["client-id"], values["client-name"], values.manifest].filter((v) => v !== undefined).length;
  if (modes !== 1) throw new UsageError("rotate: give exactly one of --client-id, --client-name or --manifest", { hint: "run `keyward help rotate`" });
  if (values.manifest !== undefined) {
    if (values["secret-id"] !== undefined) throw new UsageError("rotate: --secret-id goes in the manifest entries, not beside --manifest");
    if (values["standby-client-id"] !== undefined) throw new UsageError("rotate: --standby-client-id goes in the manifest entries (standbyClientId), not beside --manifest");
    if (values["github-output"] !== undefined) throw new UsageError("rotate: --github-output rotates a single client; it cannot be combined with --manifest");
  } else {
    if (!values["secret-id"]) throw new UsageError("rotate: --secret-id <name|arn> is required", { hint: "run `keyward help rotate`" });
    if (given.has("concurrency")) throw new UsageError("rotate: --concurrency applies to --manifest only");
    if (values["client-id"] !== undefined && !isGenesysId(values["client-id"])) throw new UsageError(`rotate: --client-id "${values["client-id"]}" is not a UUID`);
    if (values["standby-client-id"] !== undefined && !isGenesysId(values["standby-client-id"]))
      throw new UsageError(`rotate: --standby-client-id "${values["standby-client-id"]}" is not a UUID`);
  }
  const concurrency = values.concurrency;

  // Configuration is checked in full before any secret exists.
  if (values["github-output"] !== undefined && json) {
    throw new UsageError("rotate: --github-output cannot be combined with --json (--format json)", {
      hint: "the ::add-mask:: commands go to stdout, where the runner must read them; drop --format json (the step's output carries the secret, the log carries the summary)",
    });
  }
  const github: GithubOutput | undefined =
    values["github-output"] === undefined
      ? undefined
      : createGithubOutput(values["github-output"], io.env, io.maskCommand, io.stdoutToRunner?.() ?? { ok: false, why: "this process cannot tell where its stdout goes" });
  const level = logLevelFromEnv(io.env);
  const timeoutMs = secondsFromEnv(io.env, HTTP_TIMEOUT_ENV, DEFAULT_TIMEOUT_MS / 1000, 1, 600) * 1000;
  const deadlineSeconds = secondsFromEnv(io.env, DEADLINE_ENV, DEFAULT_DEADLINE_SECONDS, 10, 86_400);
  const deadline = Date.now() + deadlineSeconds * 1000;
  checkAwsEndpoints(io.env);
  const targets: RotationTarget[] = values.manifest
    ? await loadManifest(values.manifest)
    : [
        {
          ...(values["client-id"] ? { clientId: values["client-id"] } : { clientName: values["client-name"]! }),
          ...(values["standby-client-id"] ? { standbyClientId: values["standby-client-id"] } : {}),
          secretId: values["secret-id"]!,
        },
      ];

  const logger = createLogger({ ...(level ? { level } : {}), write: (line) => io.stderr(line + "\n") });
  const store = createSecretStore({ logger, requestTimeoutMs: timeoutMs });
  // The admin client: from KEYWARD_ADMIN_SECRET_ARN when set (read now), else the provider's variables. Missing or
  // rejected admin credentials are a usage error (exit 2) naming the variables.
  const admin = await resolveAdminSettings(io.env, { store, warn: (line) => io.stderr(`keyward: ${line}\n`) });
  const genesys = createGenesysClient(admin.settings, { logger, timeoutMs, deadline });
  const deps = rotationDeps(genesys, store, logger, { requestTimeoutMs: timeoutMs });
  const minimumBudgetMs = minimumCriticalBudgetMs(rotationWorstCases(deps));
  const budgetSeconds = secondsFromEnv(io.env, CRITICAL_BUDGET_ENV, Math.ceil(Math.max(DEFAULT_ROTATION_POLICY.criticalBudgetMs, minimumBudgetMs) / 1000), 1, 86_400);
  if (budgetSeconds * 1000 < minimumBudgetMs) {
    throw new UsageError(
      `${CRITICAL_BUDGET_ENV}=${budgetSeconds} is below ${Math.ceil(minimumBudgetMs / 1000)} s, the worst case of one regenerate, store, check and promote with these timeouts`,
      {
        hint: `raise ${CRITICAL_BUDGET_ENV} to at least ${Math.ceil(minimumBudgetMs / 1000)}, or lower ${HTTP_TIMEOUT_ENV}`,
      },
    );
  }
  const policy = { ...DEFAULT_ROTATION_POLICY, criticalBudgetMs: budgetSeconds * 1000 };
  const critical = worstCaseCriticalMs(policy);
  const guard = io.exit
    ? guardSignals({ write: io.stderr, exit: io.exit, budgetMs: critical, latestStart: () => deadline - critical, detail: `${DEADLINE_ENV}=${deadlineSeconds}` })
    : undefined;
  const stopPauseNotes = genesys.gate.onPause((untilMs, reason) => {
    const seconds = Math.max(1, Math.ceil((untilMs - Date.now()) / 1000));
    io.stderr(`${io.stderrIsTty ? "\r\x1b[K" : ""}rate limited by Genesys Cloud (${reason === "429" ? "429 Too Many Requests" : reason}): every worker waits ${seconds} s\n`);
  });
  const rotateOptions = {
    createSecret: values["create-secret"] ?? false,
    dryRun: values["dry-run"] ?? false,
    takeOver: values["take-over"] ?? false,
    rotateSelf: values["rotate-self"] ?? false,
    policy,
    ...(admin.source.kind === "secret" ? { adminSecretArn: admin.source.arn } : {}),
    ...(guard ? { gate: guard.state } : {}),
    ...(github ? { onNewSecret: (clientId: string, secret: string) => github.mask(clientId, secret) } : {}),
  };
  const shown = (r: RotationResult) => (onRunner ? escapeResult(r) : r);

  try {
    if (!values.manifest) {
      const result = await rotateClient(targets[0]!, deps, rotateOptions);
      if (github && result.status === "rotated" && result.secretArn) {
        // Hand over exactly what is at AWSCURRENT: masked (each value once), then output.
        const stored = parseStoredCredentials((await store.getValue(result.secretArn)).value);
        if (stored) {
          github.mask(stored.clientId, stored.clientSecret);
          github.write(stored.clientSecret);
        }
      }
      const report = summarize([result], result.timings.totalMs);
      // One client: its own exit code (a usage problem of that one entry is exit 2).
      const exitCode = interruptedCode(result.exitCode, guard?.state.signal);
      if (json) io.stdout(toJsonReport({ ...report, exitCode }) + "\n");
      else if (result.status === "failed" || result.status === "skipped") io.stderr(formatResultLine(shown(result), admin.source) + "\n");
      else io.stdout(formatResultLine(shown(result), admin.source) + "\n");
      return exitCode;
    }

    // Fleet: one admin token for every worker; bad admin credentials stop the run before any client.
    await deps.genesys.adminToken();
    let failed = 0;
    const report = await rotateFleet(targets, deps, {
      ...rotateOptions,
      concurrency,
      onResult: (result, done, total) => {
        if (result.status === "failed") failed++;
        if (io.stderrIsTty) io.stderr(progressBar(done, total, failed) + (done === total ? "\n" : ""));
        else io.stderr(formatResultLine(shown(result), admin.source) + "\n");
      },
    });
    const exitCode = interruptedCode(report.exitCode, guard?.state.signal);
    if (json) io.stdout(toJsonReport({ ...report, exitCode }) + "\n");
    else {
      io.stdout(formatTable(report.results.map(shown)) + "\n");
      // The progress bar showed counts only: the failures' messages and fixes come after the table.
      if (io.stderrIsTty && report.failed + report.skipped > 0) io.stderr(formatFailureDetails(report.results.map(shown), admin.source) + "\n");
    }
    return exitCode;
  } finally {
    stopPauseNotes();
    guard?.dispose();
  }
}

/** Every string of a result that a user or the platform supplied, escaped for workflow commands. */
function escapeResult(r: RotationResult): RotationResult {
  const e = escapeCommandValue;
  return {
    ...r,
    clientId: e(r.clientId),
    ...(r.clientName !== undefined ? { clientName: e(r.clientName) } : {}),
    secretId: e(r.secretId),
    ...(r.secretArn !== undefined ? { secretArn: e(r.secretArn) } : {}),
    ...(r.message !== undefined ? { message: e(r.message) } : {}),
    ...(r.hint !== undefined ? { hint: e(r.hint) } : {}),
    ...(r.tookOverFrom ? { tookOverFrom: r.tookOverFrom.map(e) } : {}),
    ...(r.plan ? { plan: { ...r.plan, steps: r.plan.steps.map(e) } } : {}),
  };
}

/** The same error with its message and fix escaped for workflow commands. */
function escapedError(err: KeywardError): KeywardError {
  return new KeywardError(escapeCommandValue(err.message), {
    reason: err.reason,
    exitCode: err.exitCode,
    retryable: err.retryable,
    ...(err.hint ? { hint: escapeCommandValue(err.hint) } : {}),
    cause: err,
  });
}

/** After a stop request, a run whose rotations in flight all finished says so with exit 6 (failures keep their code). */
function interruptedCode(code: number, signal: string | undefined): number {
  return signal !== undefined && code === ExitCode.Ok ? ExitCode.Interrupted : code;
}
