import { readFile } from "node:fs/promises";
import { UsageError } from "../core/errors.js";
import { ExitCode } from "../core/exit-codes.js";
import { fingerprintOf as fingerprint, secretPrefix } from "../scan/finding.js";
import { createLogger, logLevelFromEnv } from "../core/log.js";
import { registerClientSecret, registerSecret } from "../core/redact.js";
import { checkCredentials, genesysSettingsFromEnv, type CredentialStatus } from "../genesys/index.js";
import { stateDetector } from "../state/detect.js";
import { extractCandidates, type Candidate, type Detector, type StateFormat } from "../state/extract.js";
import { REPORT_SCHEMAS } from "../contracts/report-schemas.js";
import { defineCommand, formatFlag, parseCommand, renderHelp } from "./command-spec.js";
import { GENESYS_CONNECTION_ENV, LOG_ENV, USAGE_EXIT } from "./env-docs.js";
import type { CliIo } from "./io.js";

/** `keyward audit-state`'s grammar: flags, variables and exit codes (parser and help are generated from it). */
export const spec = defineCommand({
  name: "audit-state",
  summary: "prove that no live Genesys secret sits in a Terraform state, plan or synthesized stack",
  usage: ["audit-state [FILE|-]... [--format text|json] [--[no-]verify]"],
  description:
    "  Reads Terraform state (v4, as `terraform state pull` prints it), `terraform show -json` of a state or a saved plan,\n" +
    "  and cdktf's cdk.tf.json / cdk.tf; finds every Genesys client secret in them and proves each live or dead with a\n" +
    "  token grant (the token is revoked at once). No admin credentials are needed.",
  positionals: { name: "FILE|-", description: "state, plan or stack files (at least one); - reads standard input (once)" },
  flags: {
    format: formatFlag(["json"], `report on stdout: text, or the JSON report (schema ${REPORT_SCHEMAS.auditState})`),
    verify: { type: "boolean", negatable: true, default: true, description: "check each secret found with a token grant; --no-verify lists candidates without contacting Genesys Cloud" },
  },
  env: [...GENESYS_CONNECTION_ENV, ...LOG_ENV],
  exitCodes: [
    { code: 0, meaning: "no Genesys secret in the input, or every one found is dead" },
    { code: 1, meaning: "a live secret is in the input, or one not proven dead (unknown, unpaired, unverified)" },
    { ...USAGE_EXIT, meaning: `${USAGE_EXIT.meaning}; malformed or unreadable input` },
  ],
});

/** How many client ids an unpaired secret is tried against (the oauth clients of the same input). */
const MAX_PAIRING_TRIES = 25;
const VERIFY_CONCURRENCY = 4;
/** Inputs above this size are refused (a state of 10,000 resources is well under it). */
const MAX_INPUT_BYTES = 512 * 1024 * 1024;

export type Verdict = CredentialStatus | "unverified" | "unpaired";

export interface AuditFinding {
  file: string;
  format: StateFormat;
  location: string;
  how: string;
  clientId: string | null;
  fingerprint: string;
  secretPrefix: string;
  verdict: Verdict;
}

/** `keyward audit-state`: proves that no live Genesys secret sits in a state, plan or synthesized stack. */
export async function run(args: string[], io: CliIo, options: { detector?: Detector; readStdin?: () => Promise<string> } = {}): Promise<number> {
  const parsed = parseCommand(spec, args);
  if (parsed.help) {
    io.stdout(renderHelp(spec));
    return ExitCode.Ok;
  }
  const { values, positionals } = parsed;
  if (positionals.length === 0) throw new UsageError("audit-state: name at least one file, or - for standard input", { hint: "e.g. `terraform state pull | keyward audit-state -`" });
  if (positionals.filter((p) => p === "-").length > 1) throw new UsageError("audit-state: standard input (-) can be named once");
  const level = logLevelFromEnv(io.env);
  const verify = values.verify;
  // The Genesys endpoints come from the same variables as everywhere; no admin credentials are needed.
  const settings = verify ? genesysSettingsFromEnv({ ...io.env, GENESYSCLOUD_OAUTHCLIENT_ID: undefined, GENESYSCLOUD_OAUTHCLIENT_SECRET: undefined }) : undefined;
  if (verify && !settings!.region && !settings!.gateway) {
    throw new UsageError("audit-state: GENESYSCLOUD_REGION is not set, so the secrets found cannot be checked", { hint: "set GENESYSCLOUD_REGION to the org's region (or pass --no-verify to list candidates without contacting Genesys Cloud)" });
  }
  const logger = createLogger({ ...(level ? { level } : {}), write: (line) => io.stderr(line + "\n") });
  const detect = options.detector ?? stateDetector;

  const inputs: Array<{ file: string; format: StateFormat; candidates: Candidate[]; resources: number }> = [];
  for (const file of positionals) {
    const text = file === "-" ? await (options.readStdin ?? readStdin)() : await readInput(file);
    const name = file === "-" ? "standard input" : file;
    inputs.push({ file: name, ...extractCandidates(text, name, detect) });
  }
  for (const input of inputs) for (const c of input.candidates) registerSecret(c.secret);

  // Every distinct (secret, client) pair is checked once, a few at a time.
  const allClientIds = [...new Set(inputs.flatMap((i) => i.candidates.flatMap((c) => c.clientIds)))];
  const cache = new Map<string, Promise<CredentialStatus>>();
  const limit = createLimiter(VERIFY_CONCURRENCY);
  const check = (clientId: string, secret: string) => {
    const key = `${clientId}\u0000${secret}`;
    let p = cache.get(key);
    if (!p) {
      registerClientSecret(clientId, secret);
      p = limit(() => checkCredentials(clientId, secret, settings!.endpoints, { logger }));
      cache.set(key, p);
    }
    return p;
  };
  const findings: AuditFinding[] = [];
  await Promise.all(
    inputs.flatMap((input) =>
      input.candidates.map(async (c) => {
        const { clientId, verdict } = verify ? await verdictFor(c, allClientIds, check) : { clientId: c.clientIds[0] ?? null, verdict: "unverified" as const };
        findings.push({ file: input.file, format: input.format, location: c.location, how: c.how, clientId, fingerprint: fingerprint(c.secret), secretPrefix: secretPrefix(c.secret), verdict });
      }),
    ),
  );
  findings.sort((a, b) => a.file.localeCompare(b.file) || a.location.localeCompare(b.location));
  const risky = findings.filter((f) => f.verdict !== "dead");
  const exitCode = risky.length > 0 ? ExitCode.Failed : ExitCode.Ok;
  if (values.format === "json") {
    io.stdout(JSON.stringify({ schema: REPORT_SCHEMAS.auditState, exitCode, verified: verify, inputs: inputs.map((i) => ({ file: i.file, format: i.format, resources: i.resources, candidates: i.candidates.length })), findings }, null, 2) + "\n");
  } else {
    io.stdout(formatAudit(inputs, findings, verify) + "\n");
  }
  return exitCode;
}

async function verdictFor(c: Candidate, allClientIds: string[], check: (id: string, secret: string) => Promise<CredentialStatus>): Promise<{ clientId: string | null; verdict: Verdict }> {
  const ids = c.clientIds.length > 0 ? c.clientIds : allClientIds.slice(0, MAX_PAIRING_TRIES);
  if (ids.length === 0) return { clientId: null, verdict: "unpaired" };
  let unknown: string | undefined;
  for (const id of ids) {
    const status = await check(id, c.secret);
    if (status === "live") return { clientId: id, verdict: "live" };
    if (status === "unknown") unknown ??= id;
  }
  // Dead only when Genesys Cloud said so for every id tried; a secret that paired with nothing stays suspect.
  if (unknown) return { clientId: unknown, verdict: "unknown" };
  return { clientId: ids[0] ?? null, verdict: "dead" };
}

export function formatAudit(inputs: Array<{ file: string; format: StateFormat; resources: number }>, findings: AuditFinding[], verified: boolean): string {
  const lines = inputs.map((i) => `read ${i.file} (${i.format}, ${i.resources} resources)`);
  if (findings.length === 0) {
    lines.push("no Genesys client secret found: the input holds nothing usable");
    return lines.join("\n");
  }
  for (const f of findings) {
    lines.push(`${f.verdict.toUpperCase().padEnd(10)} ${f.file}: ${f.location} [${f.how}] client ${f.clientId ?? "?"} secret ${f.secretPrefix} fingerprint ${f.fingerprint}`);
  }
  const live = findings.filter((f) => f.verdict === "live").length;
  const dead = findings.filter((f) => f.verdict === "dead").length;
  const other = findings.length - live - dead;
  lines.push(
    !verified
      ? `${findings.length} candidate secret(s), not verified (--no-verify): treat them as live until checked`
      : live > 0
        ? `${live} LIVE secret(s) in the input: rotate those clients now (\`keyward rotate --client-id …\`) and keep exposure off`
        : other > 0
          ? `${other} secret(s) could not be proven dead (token endpoint unavailable, or no client id to pair with); ${dead} dead`
          : `${dead} secret(s) found, every one dead: the input holds nothing usable`,
  );
  return lines.join("\n");
}

/** At most `n` tasks at once (the verification grants of one run). */
function createLimiter(n: number): <T>(task: () => Promise<T>) => Promise<T> {
  let active = 0;
  const waiting: Array<() => void> = [];
  return async (task) => {
    if (active >= n) await new Promise<void>((resolve) => waiting.push(resolve));
    active++;
    try {
      return await task();
    } finally {
      active--;
      waiting.shift()?.();
    }
  };
}

async function readInput(file: string): Promise<string> {
  try {
    const buffer = await readFile(file);
    if (buffer.length > MAX_INPUT_BYTES) throw new UsageError(`audit-state: ${file} is larger than ${MAX_INPUT_BYTES / 1024 / 1024} MiB`);
    return buffer.toString("utf8");
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw new UsageError(`audit-state: cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`, { hint: "check the path (use - to read standard input)", cause: err });
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of process.stdin) {
    size += (chunk as Buffer).length;
    if (size > MAX_INPUT_BYTES) throw new UsageError(`audit-state: standard input is larger than ${MAX_INPUT_BYTES / 1024 / 1024} MiB`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}
