import { ExitCode } from "../core/exit-codes.js";
import { secondsFromEnv } from "../core/env-seconds.js";
import { createLogger, logLevelFromEnv } from "../core/log.js";
import { MANAGED_SECRET_PREFIX_ENV, managedSecretPrefix } from "../contracts/managed-secrets.js";
import { REPORT_SCHEMAS } from "../contracts/report-schemas.js";
import type { StoredCredentials } from "../contracts/credential-document.js";
import { checkCredentials, createGenesysClient, DEFAULT_TIMEOUT_MS, GenesysApiError, HTTP_TIMEOUT_ENV, resolveEndpoints, type GenesysSettings } from "../genesys/index.js";
import { formatStatus, statusReport, takeInventory, type InventoryDeps } from "../inventory/index.js";
import { checkAwsEndpoints, createSecretStore, resolveAdminSettings } from "../secrets/index.js";
import { ADMIN_SECRET_ARN_ENV } from "../contracts/env-names.js";
import { concurrencyFlag, defineCommand, formatFlag, parseCommand, renderHelp } from "./command-spec.js";
import { AWS_ENV, GENESYS_ADMIN_ENV, HTTP_ENV, LOG_ENV, USAGE_EXIT } from "./env-docs.js";
import type { CliIo } from "./io.js";

/** `keyward status`'s grammar (parser and help are generated from it). */
export const spec = defineCommand({
  name: "status",
  summary: "inventory of the managed secrets: client, last rotation, age, and whether each stored secret works",
  usage: ["status [--max-age DAYS] [--verify] [--format text|json] [--concurrency N]"],
  description:
    "  Lists every managed secret (a name under KEYWARD_MANAGED_SECRET_PREFIX with the keyward:client-id tag): its client\n" +
    "  (name and state, with admin credentials), its last rotation (the creation date of the version at AWSCURRENT) and\n" +
    "  age. --verify reads each credential document and tries it with a token grant (the token is revoked at once).\n" +
    "  Without --verify no secret value is read.",
  flags: {
    "max-age": { type: "integer", value: "DAYS", min: 0, max: 36_500, description: "a secret last rotated more than DAYS days ago (or never) is stale: exit 1" },
    verify: {
      type: "boolean",
      negatable: true,
      default: false,
      description: "read each document and prove it authenticates; one that does not (or cannot be shown to) fails the run",
    },
    format: formatFlag(["json"], `report on stdout: text, or the JSON report (schema ${REPORT_SCHEMAS.status})`),
    concurrency: concurrencyFlag({ max: 16, default: 4, description: "secrets inspected at once" }),
  },
  env: [
    { name: MANAGED_SECRET_PREFIX_ENV, description: "the managed secrets' name prefix (the stacks' secretNamePrefix; default keyward/)" },
    { name: ADMIN_SECRET_ARN_ENV, description: "the admin client's credential document in Secrets Manager, read at run time (wins over GENESYSCLOUD_OAUTHCLIENT_*)" },
    ...GENESYS_ADMIN_ENV.map((e) =>
      e.name.startsWith("GENESYSCLOUD_OAUTHCLIENT_ID") ? { ...e, description: `${e.description}; optional here: client names and states are looked up with it` } : e,
    ),
    ...AWS_ENV,
    ...HTTP_ENV,
    ...LOG_ENV,
  ],
  exitCodes: [
    { code: 0, meaning: "every managed secret is fine: not broken, not older than --max-age, and (with --verify) proven to authenticate" },
    { code: 1, meaning: "a secret is stale, broken (dead, empty, not keyward's document, client gone or not active) or could not be proven to work" },
    { ...USAGE_EXIT, meaning: `${USAGE_EXIT.meaning}; rejected admin credentials` },
  ],
});

/**
 * `keyward status`: the inventory an auditor asks for first ("which clients were not rotated in 90 days, and does each
 * stored secret still work?"), and a scheduled CI check (`--max-age 90 --verify`).
 *
 * Admin credentials come from KEYWARD_ADMIN_SECRET_ARN (read at run time by the shared resolver,
 * src/secrets/admin-credentials.ts) or GENESYSCLOUD_OAUTHCLIENT_ID/_SECRET (optional: without them client names and
 * states are not looked up).
 */
export async function run(args: string[], io: CliIo): Promise<number> {
  const parsed = parseCommand(spec, args);
  if (parsed.help) {
    io.stdout(renderHelp(spec));
    return ExitCode.Ok;
  }
  const { values } = parsed;
  const level = logLevelFromEnv(io.env);
  const timeoutMs = secondsFromEnv(io.env, HTTP_TIMEOUT_ENV, DEFAULT_TIMEOUT_MS / 1000, 1, 600) * 1000;
  checkAwsEndpoints(io.env);
  const prefix = managedSecretPrefix(io.env);
  const logger = createLogger({ ...(level ? { level } : {}), write: (line) => io.stderr(line + "\n") });
  const store = createSecretStore({ logger, requestTimeoutMs: timeoutMs });
  const { settings } = await resolveAdminSettings(io.env, { store, warn: (line) => io.stderr(`keyward: ${line}\n`) });

  let clients: InventoryDeps["clients"];
  if (settings.credentials) {
    const genesys = createGenesysClient(settings, { logger, timeoutMs });
    clients = {
      list: () => genesys.oauthClients.list(),
      get: async (id) => {
        try {
          return await genesys.oauthClients.get(id);
        } catch (err) {
          if (err instanceof GenesysApiError && err.status === 404) return undefined;
          throw err;
        }
      },
    };
  } else {
    io.stderr("keyward status: no admin credentials (GENESYSCLOUD_OAUTHCLIENT_ID/_SECRET): client names and states are not looked up\n");
  }

  const nowMs = Date.now();
  const entries = await takeInventory(
    {
      store,
      ...(clients ? { clients } : {}),
      check: (doc) => checkCredentials(doc.clientId, doc.clientSecret, endpointsFor(doc, settings), { logger, timeoutMs }),
      now: () => nowMs,
      logger,
    },
    { prefix, verify: values.verify, ...(values["max-age"] !== undefined ? { maxAgeDays: values["max-age"] } : {}), concurrency: values.concurrency },
  );
  const report = statusReport(entries, {
    nowMs,
    prefix,
    ...(values["max-age"] !== undefined ? { maxAgeDays: values["max-age"] } : {}),
    verified: values.verify,
    clientsChecked: clients !== undefined,
  });
  io.stdout((values.format === "json" ? JSON.stringify(report, null, 2) : formatStatus(report)) + "\n");
  return report.exitCode;
}

/**
 * Where a document is tried: the org this run is configured for (GENESYSCLOUD_REGION or a gateway), else the region
 * the document records. The document's own gateway is not followed: a value in a secret never picks where a secret
 * is sent.
 */
function endpointsFor(doc: StoredCredentials, settings: GenesysSettings): { loginBaseUrl: string; apiBaseUrl: string } {
  if (settings.region || settings.gateway) return settings.endpoints;
  return resolveEndpoints({ region: doc.region });
}
