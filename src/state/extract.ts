/**
 * Reads what Terraform and cdktf write — state v4 (`terraform state pull`), `terraform show -json` of a state or of a
 * saved plan, cdktf's `cdk.tf.json` and `cdk.tf` — and extracts the Genesys credentials in them, with where each
 * sits. No I/O and no network: the command verifies what comes out (src/cli/audit-state.ts).
 */
import { UsageError } from "../core/errors.js";

export type StateFormat = "state-v4" | "show-json-state" | "show-json-plan" | "cdktf-json" | "hcl";

/** A secret found in the input, with the client id it belongs to when that can be told. */
export interface Candidate {
  /** Where it sits: a resource address plus attribute path, or an output / JSON path, or `line N` for HCL. */
  location: string;
  /** How it was found: the provider's attribute, or a detector's rule id. */
  how: "client_secret attribute" | string;
  secret: string;
  /** The client id it pairs with: the resource's own id for an oauth client, else ids found near it. */
  clientIds: string[];
}

/** Finds secret-shaped strings in free text (the scanner's rules). */
export type Detector = (text: string) => Array<{ secret: string; ruleId: string; clientId?: string }>;

export const OAUTH_CLIENT_TYPE = "genesyscloud_oauth_client";
const UUID = /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi;

export function detectFormat(text: string, name: string): StateFormat {
  const trimmed = text.trimStart();
  if (!trimmed.startsWith("{")) {
    if (/^\s*(resource|terraform|provider|output|locals|variable|data|module)\s+["{A-Za-z]/m.test(text)) return "hcl";
    throw unknownFormat(name, "it is neither JSON nor Terraform HCL");
  }
  let doc: Record<string, unknown>;
  try {
    doc = JSON.parse(text) as Record<string, unknown>;
  } catch (err) {
    throw new UsageError(`${name} is not valid JSON: ${(err as Error).message}`, {
      hint: "pass the output of `terraform state pull`, `terraform show -json [planfile]`, or cdktf's cdk.tf.json / cdk.tf as it was written (not truncated)",
      cause: err,
    });
  }
  if (doc === null || typeof doc !== "object" || Array.isArray(doc)) throw unknownFormat(name, "its JSON is not an object");
  if (typeof doc.version === "number" && Array.isArray(doc.resources)) {
    if (doc.version !== 4) throw unknownFormat(name, `it is a Terraform state of version ${doc.version}; keyward reads version 4 (Terraform ≥ 0.12)`);
    return "state-v4";
  }
  if (typeof doc.format_version === "string") {
    if ("planned_values" in doc || "resource_changes" in doc) return "show-json-plan";
    if ("values" in doc || "terraform_version" in doc) return "show-json-state";
  }
  if ("resource" in doc || "terraform" in doc || "output" in doc || "//" in doc) return "cdktf-json";
  throw unknownFormat(name, "it has none of the keys of a state (version, resources), `terraform show -json` (format_version) or cdk.tf.json (resource, terraform)");
}

function unknownFormat(name: string, why: string): UsageError {
  return new UsageError(`${name}: unknown format: ${why}`, {
    hint: "pass `terraform state pull > state.json`, `terraform show -json > show.json`, `terraform show -json plan.tfplan > plan.json`, or cdktf.out/stacks/<stack>/cdk.tf.json (or cdk.tf)",
  });
}

/** Every candidate secret in one input. */
export function extractCandidates(text: string, name: string, detect: Detector): { format: StateFormat; candidates: Candidate[]; resources: number } {
  const format = detectFormat(text, name);
  if (format === "hcl") return { format, candidates: fromText(text, detect), resources: (text.match(/^\s*resource\s+"/gm) ?? []).length };
  const doc = JSON.parse(text) as Record<string, unknown>;
  const out = new Collector(detect);
  let resources = 0;
  const visitResource = (address: string, type: string, values: unknown, sensitive?: unknown) => {
    resources++;
    out.resource(address, type, values);
    if (sensitive !== undefined) out.walk(`${address} (sensitive_values)`, sensitive, []);
  };
  switch (format) {
    case "state-v4":
      for (const r of doc.resources as Array<Record<string, unknown>>) {
        const base = `${r.module ? `${String(r.module)}.` : ""}${r.mode === "data" ? "data." : ""}${String(r.type)}.${String(r.name)}`;
        for (const [i, inst] of ((r.instances as Array<Record<string, unknown>>) ?? []).entries()) {
          const key = inst.index_key === undefined ? (((r.instances as unknown[]).length > 1) ? `[${i}]` : "") : `[${JSON.stringify(inst.index_key)}]`;
          visitResource(`${base}${key}`, String(r.type), inst.attributes ?? inst.attributes_flat);
          if (inst.private !== undefined) out.walk(`${base}${key} (private)`, inst.private, []);
        }
      }
      out.walk("outputs", doc.outputs, []);
      break;
    case "show-json-state":
    case "show-json-plan": {
      const modules = (root: unknown) => {
        const stack = [root];
        while (stack.length) {
          const m = stack.pop() as Record<string, unknown> | undefined;
          if (!m || typeof m !== "object") continue;
          for (const r of (m.resources as Array<Record<string, unknown>>) ?? []) visitResource(String(r.address), String(r.type), r.values, r.sensitive_values);
          stack.push(...((m.child_modules as unknown[]) ?? []));
        }
      };
      const values = (doc.values ?? (doc.prior_state as Record<string, unknown> | undefined)?.values) as Record<string, unknown> | undefined;
      modules(values?.root_module);
      out.walk("outputs", values?.outputs, []);
      if (format === "show-json-plan") {
        const planned = doc.planned_values as Record<string, unknown> | undefined;
        modules(planned?.root_module);
        out.walk("planned outputs", planned?.outputs, []);
        for (const change of (doc.resource_changes as Array<Record<string, unknown>>) ?? []) {
          const c = change.change as Record<string, unknown> | undefined;
          for (const side of ["before", "after"] as const) if (c?.[side]) out.resource(`${String(change.address)} (${side})`, String(change.type), c[side]);
        }
        for (const oc of Object.entries((doc.output_changes as Record<string, Record<string, unknown>>) ?? {})) out.walk(`output.${oc[0]}`, oc[1], []);
        out.walk("variables", doc.variables, []);
      }
      break;
    }
    case "cdktf-json":
      for (const [type, byName] of Object.entries((doc.resource as Record<string, Record<string, unknown>>) ?? {})) {
        for (const [n, body] of Object.entries(byName ?? {})) visitResource(`${type}.${n}`, type, body);
      }
      out.walk("output", doc.output, []);
      out.walk("locals", doc.locals, []);
      out.walk("provider", doc.provider, []);
      out.walk("variable", doc.variable, []);
      break;
  }
  return { format, candidates: out.candidates, resources };
}

class Collector {
  readonly candidates: Candidate[] = [];
  private readonly seen = new Set<string>();
  constructor(private readonly detect: Detector) {}

  resource(address: string, type: string, values: unknown): void {
    if (values === null || typeof values !== "object") return;
    const v = values as Record<string, unknown>;
    const ids = uuidsIn(v);
    if (type === OAUTH_CLIENT_TYPE && typeof v.client_secret === "string" && v.client_secret !== "") {
      const own = typeof v.id === "string" ? [v.id] : [];
      this.add({ location: `${address}.client_secret`, how: "client_secret attribute", secret: v.client_secret, clientIds: own.length ? own : ids });
    }
    this.walk(address, values, ids, type === OAUTH_CLIENT_TYPE ? ["client_secret"] : []);
  }

  /** Runs the detector over every string under `value`; ids from the same object pair with what it finds. */
  walk(path: string, value: unknown, nearbyIds: string[], skipKeys: string[] = []): void {
    const stack: Array<[string, unknown, string[]]> = [[path, value, nearbyIds]];
    while (stack.length) {
      const [p, v, ids] = stack.pop()!;
      if (typeof v === "string") {
        for (const hit of this.detect(v)) {
          this.add({ location: p, how: hit.ruleId, secret: hit.secret, clientIds: hit.clientId ? [hit.clientId, ...ids] : [...uuidsIn(v), ...ids] });
        }
      } else if (Array.isArray(v)) {
        v.forEach((item, i) => stack.push([`${p}[${i}]`, item, ids]));
      } else if (v && typeof v === "object") {
        const local = [...new Set([...uuidsIn(v as Record<string, unknown>), ...ids])];
        for (const [k, child] of Object.entries(v)) if (!(p === path && skipKeys.includes(k))) stack.push([`${p}.${k}`, child, local]);
      }
    }
  }

  private add(c: Candidate): void {
    const key = `${c.location}\u0000${c.secret}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    c.clientIds = [...new Set(c.clientIds.map((id) => id.toLowerCase()))];
    this.candidates.push(c);
  }
}

/** UUIDs among an object's direct string values (its own id, client_id, triggers' client id …). */
function uuidsIn(v: Record<string, unknown> | string): string[] {
  const texts = typeof v === "string" ? [v] : Object.values(v).filter((x): x is string => typeof x === "string");
  return texts.flatMap((t) => t.match(UUID) ?? []);
}

function fromText(text: string, detect: Detector): Candidate[] {
  const lines = text.split("\n");
  const out: Candidate[] = [];
  for (const [i, line] of lines.entries()) {
    for (const hit of detect(line)) {
      const window = lines.slice(Math.max(0, i - 5), i + 6).join("\n");
      out.push({ location: `line ${i + 1}`, how: hit.ruleId, secret: hit.secret, clientIds: [...new Set([...(hit.clientId ? [hit.clientId] : []), ...(window.match(UUID) ?? [])].map((s) => s.toLowerCase()))] });
    }
  }
  return out;
}
