import { readFile, stat } from "node:fs/promises";
import { fingerprintKeyFrom, fingerprintOf } from "../contracts/fingerprint.js";
import type { CandidateClientId, CandidateProvenance, VerdictLabel } from "../contracts/verdict.js";
import { UsageError } from "../core/errors.js";
import { ExitCode } from "../core/exit-codes.js";
import { createLogger, logLevelFromEnv } from "../core/log.js";
import { registerSecret } from "../core/redact.js";
import { livenessEngineFromEnv, type LivenessEngine, type LivenessStats, type LivenessVerdict } from "../liveness/index.js";
import { secretsManagerDocuments } from "../liveness/documents.js";
import { shannonEntropy } from "../scan/detect.js";
import { stateDecoder, stateDetector } from "../state/detect.js";
import { extractCandidates, type Decoder, type Detector, type Extracted, type StateFormat } from "../state/extract.js";
import { REPORT_SCHEMAS } from "../contracts/report-schemas.js";
import { defineCommand, formatFlag, parseCommand, renderHelp } from "./command-spec.js";
import { GENESYS_ADMIN_ENV, LIVENESS_ENV, LOG_ENV, USAGE_EXIT } from "./env-docs.js";
import type { CliIo } from "./io.js";

/** `keyward audit-state`'s grammar: flags, variables and exit codes (parser and help are generated from it). */
export const spec = defineCommand({
  name: "audit-state",
  summary: "prove that no live Genesys secret sits in a Terraform state, plan or synthesized stack",
  usage: ["audit-state [FILE|-]... [--format text|json] [--[no-]verify]"],
  description:
    "  Reads Terraform state (v4, as `terraform state pull` prints it), `terraform show -json` of a state or a saved plan,\n" +
    "  and cdktf's cdk.tf.json / cdk.tf; finds every Genesys client secret in them (every place, map keys and decoded\n" +
    "  values included) and proves each live or dead with token grants (each token revoked at once) in the configured\n" +
    '  org(s). Proving a secret dead needs the org\'s credentials (README "What proves a secret dead").',
  positionals: { name: "FILE|-", description: "state, plan or stack files (at least one); - reads standard input (once)" },
  flags: {
    format: formatFlag(["json"], `report on stdout: text, or the JSON report (schema ${REPORT_SCHEMAS.auditState})`),
    verify: {
      type: "boolean",
      negatable: true,
      default: true,
      description: "check each secret found with token grants; --no-verify lists candidates without contacting Genesys Cloud",
    },
  },
  env: [...GENESYS_ADMIN_ENV, ...LIVENESS_ENV, ...LOG_ENV],
  exitCodes: [
    { code: 0, meaning: "no Genesys secret in the input, or every one found is proven dead" },
    { code: 1, meaning: "a live secret is in the input, or one not proven dead (unknown, unpaired, unverified)" },
    { ...USAGE_EXIT, meaning: `${USAGE_EXIT.meaning}; missing, unreadable, malformed or unknown input (checked before any org is contacted)` },
  ],
});

/** Inputs above this size are refused (a state of 10,000 resources is well under it). */
const MAX_INPUT_BYTES = 512 * 1024 * 1024;
/** Ids from the run's other inputs tried per secret (after its own candidates). */
const OTHER_INPUT_CANDIDATES = 25;

export type Verdict = VerdictLabel;

export interface AuditFinding {
  file: string;
  format: StateFormat;
  /** Where it sits, with every secret-shaped key or index redacted. */
  location: string;
  how: string;
  /** The client it is live for, or the client its proof or doubt is about; null when none. */
  clientId: string | null;
  /** The org its verdict was reached in. */
  org: string | null;
  provenance: CandidateProvenance | null;
  fingerprint: string;
  verdict: Verdict;
  /** How `dead` was proven (README "What proves a secret dead"), or why it is `unknown`. */
  proof?: string;
  reason?: string;
  detail?: string;
}

/** `keyward audit-state`: proves that no live Genesys secret sits in a state, plan or synthesized stack. */
export async function run(
  args: string[],
  io: CliIo,
  options: { detector?: Detector; decoder?: Decoder; readStdin?: () => Promise<string>; engine?: LivenessEngine } = {},
): Promise<number> {
  const parsed = parseCommand(spec, args);
  if (parsed.help) {
    io.stdout(renderHelp(spec));
    return ExitCode.Ok;
  }
  const { values, positionals } = parsed;
  if (positionals.length === 0)
    throw new UsageError("audit-state: name at least one file, or - for standard input", { hint: "e.g. `terraform state pull | keyward audit-state -`" });
  if (positionals.filter((p) => p === "-").length > 1) throw new UsageError("audit-state: standard input (-) can be named once");
  const level = logLevelFromEnv(io.env);
  const verify = values.verify;
  const logger = createLogger({ ...(level ? { level } : {}), write: (line) => io.stderr(line + "\n") });
  const detect = options.detector ?? stateDetector;
  const fingerprintKey = fingerprintKeyFrom(io.env);
  registerSecret(io.env.KEYWARD_FINGERPRINT_KEY?.trim());

  // 1. Every input is read and understood first: a bad input is exit 2 before anything asks for an org or credentials.
  const inputs: Array<{ file: string } & Extracted> = [];
  for (const file of positionals) {
    const text = file === "-" ? await (options.readStdin ?? readStdin)() : await readInput(file);
    const name = file === "-" ? "standard input" : file;
    inputs.push({ file: name, ...extractCandidates(text, name, detect, options.decoder ?? stateDecoder) });
  }
  const secrets = new Set(inputs.flatMap((i) => i.candidates.map((c) => c.secret)));
  for (const s of secrets) registerSecret(s);

  // 2. Each secret through the one engine, in the configured orgs.
  const engine = verify
    ? (options.engine ?? (await livenessEngineFromEnv(io.env, { logger, readDocument: secretsManagerDocuments(io.env, logger), warn: (line) => io.stderr(`keyward: ${line}\n`) })))
    : undefined;
  const findings: AuditFinding[] = await Promise.all(
    inputs.flatMap((input) => {
      const others = [...new Set(inputs.filter((i) => i !== input).flatMap((i) => i.uuids))].slice(0, OTHER_INPUT_CANDIDATES);
      return input.candidates.map(async (c): Promise<AuditFinding> => {
        const base = {
          file: input.file,
          format: input.format,
          location: redactLocation(c.location, secrets, fingerprintKey),
          how: c.how,
          fingerprint: fingerprintOf(c.secret, fingerprintKey),
        };
        if (!engine) return { ...base, clientId: c.clientIds[0]?.clientId ?? null, org: null, provenance: c.clientIds[0]?.provenance ?? null, verdict: "unverified" };
        const candidates: CandidateClientId[] = [...c.clientIds, ...others.map((id) => ({ clientId: id, provenance: "input" as const }))];
        return { ...base, ...describe(await engine.verify({ secret: c.secret, candidates, region: c.region }), c.clientIds[0]) };
      });
    }),
  );
  findings.sort((a, b) => a.file.localeCompare(b.file) || a.location.localeCompare(b.location) || a.fingerprint.localeCompare(b.fingerprint));
  const exitCode = findings.some((f) => f.verdict !== "dead") ? ExitCode.Failed : ExitCode.Ok;
  const stats = engine?.stats();
  if (values.format === "json") {
    const orgs = engine?.orgs.map((o) => ({ name: o.name, region: o.region ?? null, credentials: o.settings.credentials !== undefined || o.client !== undefined }));
    io.stdout(
      JSON.stringify(
        {
          schema: REPORT_SCHEMAS.auditState,
          exitCode,
          verified: verify,
          ...(orgs ? { orgs } : {}),
          inputs: inputs.map((i) => ({ file: i.file, format: i.format, resources: i.resources, candidates: i.candidates.length })),
          findings,
          ...(stats ? { stats } : {}),
        },
        null,
        2,
      ) + "\n",
    );
  } else {
    io.stdout(formatAudit(inputs, findings, verify, stats) + "\n");
  }
  return exitCode;
}

/** The engine's verdict as a finding's fields. */
function describe(v: LivenessVerdict, first: CandidateClientId | undefined): Pick<AuditFinding, "clientId" | "org" | "provenance" | "verdict" | "proof" | "reason" | "detail"> {
  switch (v.verdict) {
    case "live":
      return { clientId: v.clientId, org: v.org, provenance: v.provenance, verdict: "live" };
    case "dead":
      return { clientId: v.clientId ?? null, org: v.orgs.join(","), provenance: v.clientId ? "structural" : "org", verdict: "dead", proof: v.proof, detail: v.detail };
    case "unknown":
      return { clientId: v.clientId ?? first?.clientId ?? null, org: v.org ?? null, provenance: first?.provenance ?? null, verdict: "unknown", reason: v.reason, detail: v.detail };
    case "unpaired":
      return { clientId: null, org: null, provenance: null, verdict: "unpaired", detail: v.detail };
  }
}

export function formatAudit(inputs: Array<{ file: string; format: StateFormat; resources: number }>, findings: AuditFinding[], verified: boolean, stats?: LivenessStats): string {
  const lines = inputs.map((i) => `read ${i.file} (${i.format}, ${i.resources} resources)`);
  if (findings.length === 0) {
    lines.push("no Genesys client secret found: the input holds nothing usable");
    return lines.join("\n");
  }
  for (const f of findings) {
    const client = f.clientId ? ` client ${f.clientId}${f.org ? ` in org ${f.org}` : ""}${f.provenance ? ` (${f.provenance})` : ""}` : "";
    lines.push(`${f.verdict.toUpperCase().padEnd(10)} ${f.file}: ${f.location} [${f.how}]${client} fingerprint ${f.fingerprint}${f.detail ? ` — ${f.detail}` : ""}`);
  }
  const live = findings.filter((f) => f.verdict === "live").length;
  const dead = findings.filter((f) => f.verdict === "dead").length;
  const other = findings.length - live - dead;
  lines.push(
    !verified
      ? `${findings.length} candidate secret(s), not verified (--no-verify): treat them as live until checked`
      : live > 0
        ? `${live} LIVE secret(s) in the input: rotate those clients now (\`keyward rotate --client-id …\`) and keep exposure off${other > 0 ? `; ${other} more not proven dead` : ""}`
        : other > 0
          ? `${other} secret(s) could not be proven dead (see each line; README "What proves a secret dead"); ${dead} dead`
          : `${dead} secret(s) found, every one dead: the input holds nothing usable`,
  );
  if (stats)
    lines.push(
      `verification: ${stats.grants} token grant(s) (${stats.rechecks} re-checks, ${stats.cacheHits} answered from cache), ${stats.lookups} client look-up(s), ${stats.listings} org listing(s)`,
    );
  return lines.join("\n");
}

/**
 * A location with no part of any secret left in it: every secret found in the run (and its Basic/URL/base64
 * forms) becomes `‹secret kwf1_…›`, and any other long random-looking token (a key or index that is a credential
 * the rules did not recognise) becomes `‹redacted›`. Map keys and `index_key`s are attacker-controlled text.
 */
export function redactLocation(location: string, secrets: ReadonlySet<string>, fingerprintKey: string): string {
  let out = location;
  for (const secret of [...secrets].sort((a, b) => b.length - a.length)) {
    if (!out.includes(secret.slice(0, 8)) && !out.includes(encodeURIComponent(secret).slice(0, 8))) continue;
    for (const form of [secret, encodeURIComponent(secret), JSON.stringify(secret).slice(1, -1), Buffer.from(secret).toString("base64")]) {
      out = out.split(form).join(`‹secret ${fingerprintOf(secret, fingerprintKey)}›`);
    }
  }
  return out.replace(/[A-Za-z0-9+/_%=-]{24,}/g, (token) => {
    if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(token)) return token;
    if (/^[a-z_][a-z0-9_]*$/.test(token) && !/[0-9].*[0-9].*[0-9]/.test(token)) return token; // resource types, attribute names
    return shannonEntropy(token) >= 3.5 ? "‹redacted›" : token;
  });
}

async function readInput(file: string): Promise<string> {
  let info: Awaited<ReturnType<typeof stat>>;
  try {
    info = await stat(file);
  } catch (err) {
    throw new UsageError(`audit-state: cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`, {
      hint: "check the path (use - to read standard input)",
      cause: err,
    });
  }
  if (info.isDirectory())
    throw new UsageError(`audit-state: ${file} is a directory`, {
      hint: "name the state or plan file itself (e.g. terraform.tfstate, plan.json, cdktf.out/stacks/<stack>/cdk.tf.json)",
    });
  if (info.size > MAX_INPUT_BYTES) throw new UsageError(`audit-state: ${file} is larger than ${MAX_INPUT_BYTES / 1024 / 1024} MiB`);
  try {
    return (await readFile(file)).toString("utf8");
  } catch (err) {
    throw new UsageError(`audit-state: cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`, {
      hint: "check the path (use - to read standard input)",
      cause: err,
    });
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
