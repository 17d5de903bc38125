/**
 * Reads what Terraform and cdktf write — state v4 (`terraform state pull`), `terraform show -json` of a state or of a
 * saved plan, cdktf's `cdk.tf.json` and `cdk.tf` — and extracts every Genesys credential in them, where each sits and
 * every client id it may belong to (with the provenance of each). No I/O and no network: the command verifies what
 * comes out (src/cli/audit-state.ts) through the liveness engine.
 *
 * "Clean needs every place read": after the places each format is known to hold (resources with their addresses,
 * instances' base64 `private`, `index_key`, outputs, `check_results[].objects[].failure_messages`, plans' prior state,
 * planned values, changes, `resource_drift`, `configuration` with provider `expressions.*.constant_value` and
 * provisioner `command` literals, `checks[].instances[].problems[].message`, cdk.tf.json `resource`, `data`,
 * `module`, `terraform` backend, `check` blocks …), the whole document is walked once more for anything not read
 * yet, so a place no one listed is still read. Map keys are scanned like values. A string holding JSON is read as
 * JSON, recursively, within a depth and a size bound.
 */
import { UsageError } from "../core/errors.js";
import { decodeBase64Text } from "../decode/index.js";
import type { CandidateClientId, CandidateProvenance } from "../contracts/verdict.js";

export type StateFormat = "state-v4" | "show-json-state" | "show-json-plan" | "cdktf-json" | "hcl";

/** A secret found in the input: where, how, and every client id it may belong to. */
export interface Candidate {
  /** Where it sits: a resource address plus attribute path, an output, a JSON path, or `line N` for HCL (not yet redacted). */
  location: string;
  /** How it was found: the provider's attribute, a detector's rule id, a map key, and any decoding on the way. */
  how: string;
  secret: string;
  /** Candidate client ids, strongest provenance first (each id once). */
  clientIds: CandidateClientId[];
  /** The region the input names for it (a login/api host near it, else the provider configuration's region). */
  region?: string;
}

export interface Extracted {
  format: StateFormat;
  candidates: Candidate[];
  resources: number;
  /** Every UUID in the input (lower case): candidates of other inputs of the same run (`input` provenance). */
  uuids: string[];
}

/** Finds secret-shaped strings in free text (the scanner's rules). */
export type Detector = (text: string) => Array<{ secret: string; ruleId: string; clientId?: string; clientIdStructural?: boolean; region?: string }>;

/** Turns an encoded string into the text it encodes (base64, URL-encoding …): the scanner's decoder (src/decode/). */
export type Decoder = (text: string) => Array<{ how: string; text: string }>;

export const OAUTH_CLIENT_TYPE = "genesyscloud_oauth_client";
export const INTEGRATION_CREDENTIAL_TYPE = "genesyscloud_integration_credential";

/** Objects whose client id and secret the provider (or keyward) wrote as one pair. */
type PairKind = "oauth-client" | "integration-credential" | "credential-fields";

/** keyward's credential document (src/contracts/credential-document.ts): `{clientId, clientSecret, region, …}`. */
function isCredentialDocument(v: Record<string, unknown>): boolean {
  return typeof v.clientId === "string" && typeof v.clientSecret === "string" && typeof v.region === "string";
}
const UUID = /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi;
const UUID_ONLY = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** How deep strings holding JSON (or encoded text) are read inside one another, and how large a decoded text may be. */
export const MAX_NESTING = 6;
export const MAX_DECODED_CHARS = 1024 * 1024;
/** Containers nested deeper than this are refused (exit 2): no Terraform or cdktf document comes close. */
export const MAX_DEPTH = 256;
/** Same-file candidates per secret (nearest first). */
const SAME_FILE_CANDIDATES = 50;

/** A key that names a client id: `client_id`, `clientId`, `oauthclient_id`, `GENESYSCLOUD_OAUTHCLIENT_ID`, … */
export function isClientIdKey(key: string): boolean {
  return key
    .toLowerCase()
    .replace(/[^a-z0-9]/g, "")
    .endsWith("clientid");
}

export function detectFormat(text: string, name: string): StateFormat {
  const trimmed = text.trimStart();
  if (!trimmed.startsWith("{")) {
    if (/^\s*(resource|terraform|provider|output|locals|variable|data|module|check)\s+["{A-Za-z]/m.test(text)) return "hcl";
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
    if ("planned_values" in doc || "resource_changes" in doc || "prior_state" in doc) return "show-json-plan";
    if ("values" in doc || "terraform_version" in doc) return "show-json-state";
  }
  if ("resource" in doc || "terraform" in doc || "output" in doc || "//" in doc || "data" in doc || "module" in doc || "provider" in doc) return "cdktf-json";
  throw unknownFormat(name, "it has none of the keys of a state (version, resources), `terraform show -json` (format_version) or cdk.tf.json (resource, terraform)");
}

function unknownFormat(name: string, why: string): UsageError {
  return new UsageError(`${name}: unknown format: ${why}`, {
    hint: "pass `terraform state pull > state.json`, `terraform show -json > show.json`, `terraform show -json plan.tfplan > plan.json`, or cdktf.out/stacks/<stack>/cdk.tf.json (or cdk.tf)",
  });
}

/** Every candidate secret in one input, with its candidate client ids. */
export function extractCandidates(text: string, name: string, detect: Detector, decode: Decoder): Extracted {
  const format = detectFormat(text, name);
  if (format === "hcl") return fromHcl(text, detect, decode);
  const doc = JSON.parse(text) as Record<string, unknown>;
  const walker = new Walker(detect, decode);
  walker.region = providerRegion(format, doc);
  let resources = 0;
  const obj = (v: unknown): Record<string, unknown> | undefined => (v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined);
  const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

  switch (format) {
    case "state-v4":
      for (const r of arr(doc.resources)) {
        const res = obj(r);
        if (!res) continue;
        const base = `${res.module ? `${String(res.module)}.` : ""}${res.mode === "data" ? "data." : ""}${String(res.type)}.${String(res.name)}`;
        const instances = arr(res.instances);
        for (const [i, raw] of instances.entries()) {
          const inst = obj(raw);
          if (!inst) continue;
          resources++;
          const key = inst.index_key === undefined ? (instances.length > 1 ? `[${i}]` : "") : `[${JSON.stringify(inst.index_key)}]`;
          const address = `${base}${key}`;
          walker.enter(inst);
          if (typeof inst.index_key === "string") walker.string(`${address} (index_key)`, inst.index_key, walker.root(), "index key");
          walker.resource(address, String(res.type), inst.attributes);
          walker.resource(`${address} (attributes_flat)`, String(res.type), inst.attributes_flat);
          if (typeof inst.private === "string") walker.privateBlob(`${address} (private)`, inst.private);
          for (const [k, v] of Object.entries(inst)) if (!["attributes", "attributes_flat", "private", "index_key"].includes(k)) walker.value(`${address}.${k}`, v, walker.root());
        }
      }
      for (const [n, out] of Object.entries(obj(doc.outputs) ?? {})) walker.value(`outputs.${n}`, out, walker.root());
      for (const check of arr(doc.check_results)) {
        const c = obj(check);
        for (const o of arr(c?.objects)) {
          const object = obj(o);
          walker.value(`check ${String(c?.config_addr ?? "?")} (${String(object?.object_addr ?? "?")})`, o, walker.root());
        }
      }
      break;
    case "show-json-state":
    case "show-json-plan": {
      const modules = (root: unknown, where: string) => {
        const stack: Array<Record<string, unknown> | undefined> = [obj(root)];
        while (stack.length) {
          const m = stack.pop();
          if (!m) continue;
          walker.enter(m);
          for (const r of arr(m.resources)) {
            const res = obj(r);
            if (!res) continue;
            resources += where === "" ? 1 : 0;
            walker.enter(res);
            const address = `${String(res.address)}${where}`;
            walker.resource(address, String(res.type), res.values);
            for (const [k, v] of Object.entries(res)) if (k !== "values") walker.value(`${address}.${k}`, v, walker.root());
          }
          for (const [k, v] of Object.entries(m))
            if (k !== "resources" && k !== "child_modules") walker.value(`module ${String(m.address ?? "root")}${where}.${k}`, v, walker.root());
          for (const child of arr(m.child_modules)) stack.push(obj(child));
          walker.enter(m.child_modules);
          walker.enter(m.resources);
        }
      };
      const values = obj(doc.values);
      const prior = obj(obj(doc.prior_state)?.values);
      modules(values?.root_module ?? prior?.root_module, "");
      if (values && prior) modules(prior.root_module, " (prior state)");
      for (const [n, out] of Object.entries(obj((values ?? prior)?.outputs) ?? {})) walker.value(`outputs.${n}`, out, walker.root());
      if (format === "show-json-plan") {
        const planned = obj(doc.planned_values);
        modules(planned?.root_module, " (planned)");
        for (const [n, out] of Object.entries(obj(planned?.outputs) ?? {})) walker.value(`planned output.${n}`, out, walker.root());
        for (const list of ["resource_changes", "resource_drift"] as const) {
          for (const raw of arr(doc[list])) {
            const change = obj(raw);
            if (!change) continue;
            walker.enter(change);
            const c = obj(change.change);
            walker.enter(c);
            const label = list === "resource_drift" ? "drift " : "";
            for (const side of ["before", "after"] as const) walker.resource(`${String(change.address)} (${label}${side})`, String(change.type), c?.[side]);
            for (const [k, v] of Object.entries(c ?? {}))
              if (k !== "before" && k !== "after") walker.value(`${String(change.address)} (${label || "change "}${k})`, v, walker.root());
          }
        }
        for (const [n, oc] of Object.entries(obj(doc.output_changes) ?? {})) walker.value(`output_changes.${n}`, oc, walker.root());
        walker.value("variables", doc.variables, walker.root());
        walker.value("configuration", doc.configuration, walker.root());
      }
      for (const raw of arr(doc.checks)) {
        const check = obj(raw);
        const address = obj(check?.address);
        walker.value(`check ${String(address?.to_display ?? address?.name ?? "?")}`, raw, walker.root());
      }
      break;
    }
    case "cdktf-json":
      for (const kind of ["resource", "data"] as const) {
        const byType = obj(doc[kind]);
        walker.enter(byType);
        for (const [type, byName] of Object.entries(byType ?? {})) {
          walker.enter(byName);
          for (const [n, body] of Object.entries(obj(byName) ?? {})) {
            if (kind === "resource") resources++;
            walker.resource(`${kind === "data" ? "data." : ""}${type}.${n}`, type, body);
          }
        }
      }
      for (const [n, body] of Object.entries(obj(doc.module) ?? {})) walker.value(`module.${n}`, body, walker.root());
      break;
  }
  // Everything else in the document, under its JSON path: a place nobody listed is still read.
  walker.value("", doc, walker.root());
  return { format, candidates: walker.finish(), resources, uuids: walker.allUuids() };
}

/** The region the input's own Genesys provider configuration names, when exactly one is named. */
function providerRegion(format: StateFormat, doc: Record<string, unknown>): string | undefined {
  const regions = new Set<string>();
  const visit = (v: unknown, depth: number): void => {
    if (depth > 12 || !v || typeof v !== "object") return;
    if (Array.isArray(v)) {
      for (const x of v) visit(x, depth + 1);
      return;
    }
    for (const [k, x] of Object.entries(v)) {
      if (k === "aws_region") {
        const literal = typeof x === "string" ? x : (x as { constant_value?: unknown } | null)?.constant_value;
        if (typeof literal === "string" && literal.trim()) regions.add(literal.trim().toLowerCase());
      } else visit(x, depth + 1);
    }
  };
  if (format === "show-json-plan") visit((doc.configuration as Record<string, unknown> | undefined)?.provider_config, 0);
  if (format === "cdktf-json") visit(doc.provider, 0);
  return regions.size === 1 ? [...regions][0] : undefined;
}

interface Frame {
  /** Candidate ids of this object and its ancestors, nearest first. */
  ids: CandidateClientId[];
  nesting: number;
  /** The decoding that led here (e.g. `base64`), for the `how` of what is found inside. */
  via?: string;
}

interface Hit {
  place: string;
  location: string;
  how: string;
  secret: string;
  ids: CandidateClientId[];
  seq: number;
  region?: string;
}

class Walker {
  region: string | undefined;
  private readonly visited = new WeakSet<object>();
  private readonly hits = new Map<string, Hit>();
  private seq = 0;
  /** Every UUID seen, with the sequence number of the string it sat in. */
  private readonly uuids: Array<{ id: string; seq: number; keyNamed: boolean }> = [];

  constructor(
    private readonly detect: Detector,
    private readonly decode: Decoder,
  ) {}

  root(): Frame {
    return { ids: [], nesting: 0 };
  }

  /** Marks a container as read (its contents are read by whoever called this). */
  enter(v: unknown): void {
    if (v && typeof v === "object") this.visited.add(v);
  }

  /**
   * A resource's values. The provider writes two pairs itself: a genesyscloud_oauth_client's `id`/`client_id` with its
   * `client_secret`, and a genesyscloud_integration_credential's `fields.clientId` with `fields.clientSecret`.
   */
  resource(address: string, type: string, values: unknown): void {
    if (!values || typeof values !== "object" || Array.isArray(values)) {
      this.value(address, values, this.root());
      return;
    }
    this.value(address, values, this.root(), type === OAUTH_CLIENT_TYPE ? "oauth-client" : type === INTEGRATION_CREDENTIAL_TYPE ? "integration-credential" : undefined);
  }

  /** An instance's `private`: base64 of the provider's private JSON (decoded by the scanner's decoder). */
  privateBlob(location: string, blob: string): void {
    const decoded = decodeBase64Text(blob.trim());
    if (decoded) this.string(location, decoded.text, this.root(), decoded.encoding, true);
    this.string(location, blob, this.root());
  }

  value(path: string, v: unknown, frame: Frame, pairKind?: PairKind, depth = 0): void {
    if (typeof v === "string") {
      this.string(path, v, frame);
      return;
    }
    if (!v || typeof v !== "object" || this.visited.has(v)) return;
    // No state, plan or stack nests this deep; refusing it (exit 2) is safer than reading part of it.
    if (depth > MAX_DEPTH)
      throw new UsageError(`the input nests deeper than ${MAX_DEPTH} levels`, { hint: "pass a Terraform state, plan or cdk.tf.json as Terraform or cdktf wrote it" });
    this.visited.add(v);
    if (Array.isArray(v)) {
      v.forEach((item, i) => {
        this.value(`${path}[${i}]`, item, frame, undefined, depth + 1);
      });
      return;
    }
    const entries = Object.entries(v as Record<string, unknown>);
    const own: CandidateClientId[] = [];
    const document = isCredentialDocument(v as Record<string, unknown>) || pairKind === "credential-fields";
    for (const [k, x] of entries) {
      if (typeof x !== "string" || !UUID_ONLY.test(x.trim())) continue;
      // Structural only where the pair is written as one: the provider's own attributes, a credential document.
      // A key named like a client id in anything else (a trigger, a config) is a hint a human wrote: key-named.
      const provenance: CandidateProvenance =
        (pairKind === "oauth-client" && (k === "id" || k === "client_id")) || (document && isClientIdKey(k)) ? "structural" : isClientIdKey(k) ? "key-named" : "nearby";
      own.push({ clientId: x.trim().toLowerCase(), provenance });
    }
    // Ancestors' ids are only nearby for what this object holds.
    const child: Frame = {
      ids: [...own, ...frame.ids.map((c) => ({ clientId: c.clientId, provenance: "nearby" as const }))],
      nesting: frame.nesting,
      ...(frame.via ? { via: frame.via } : {}),
    };
    for (const [k, x] of entries) {
      const where = path ? (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(k) ? `${path}.${k}` : `${path}[${JSON.stringify(k)}]`) : k;
      // The provider's own attribute holds a secret whatever it looks like.
      if (pairKind === "oauth-client" && k === "client_secret" && typeof x === "string" && x !== "")
        this.add({ place: where, location: where, how: "client_secret attribute", secret: x, ids: [...child.ids], seq: this.seq });
      this.string(where, k, child, "map key");
      if (typeof x === "string" && UUID_ONLY.test(x.trim())) this.uuids.push({ id: x.trim().toLowerCase(), seq: this.seq, keyNamed: isClientIdKey(k) });
      this.value(where, x, child, pairKind === "integration-credential" && k === "fields" ? "credential-fields" : undefined, depth + 1);
    }
  }

  /** One string: the detector on it; JSON inside it read as JSON; encoded text decoded (bounded). */
  string(location: string, s: string, frame: Frame, how: string | undefined = frame.via, decoded = false): void {
    const seq = ++this.seq;
    if (s.length < 20) return;
    for (const m of s.matchAll(UUID)) this.uuids.push({ id: m[0].toLowerCase(), seq, keyNamed: false });
    const trimmed = s.trim();
    if (frame.nesting < MAX_NESTING && (trimmed.startsWith("{") || trimmed.startsWith("[")) && trimmed.length <= MAX_DECODED_CHARS) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(trimmed);
      } catch {
        parsed = undefined;
      }
      if (parsed && typeof parsed === "object") {
        this.value(`${location} (json)`, parsed, { ids: frame.ids, nesting: frame.nesting + 1, ...(how ? { via: how } : {}) });
        return;
      }
    }
    const inString = [...s.matchAll(UUID)].map((m) => ({ clientId: m[0].toLowerCase(), provenance: "nearby" as const }));
    for (const hit of this.detect(s)) {
      const ids: CandidateClientId[] = [];
      if (hit.clientId) ids.push({ clientId: hit.clientId.toLowerCase(), provenance: hit.clientIdStructural ? "structural" : "key-named" });
      ids.push(...linesNear(s, hit.secret), ...frame.ids, ...inString);
      this.add({ place: location, location, how: how ? `${how}: ${hit.ruleId}` : hit.ruleId, secret: hit.secret, ids, seq, ...(hit.region ? { region: hit.region } : {}) });
    }
    // The decoder returns every layer, nested ones too: a layer's text is not decoded again (JSON inside it is read).
    if (!decoded && frame.nesting < MAX_NESTING) {
      for (const layer of this.decode(s)) {
        if (layer.text.length > MAX_DECODED_CHARS || layer.text === s) continue;
        this.string(location, layer.text, { ids: frame.ids, nesting: frame.nesting + 1 }, how ? `${how}, ${layer.how}` : layer.how, true);
      }
    }
  }

  private add(hit: Hit): void {
    const key = `${hit.secret}\0${hit.place}`;
    const prior = this.hits.get(key);
    if (prior) {
      prior.ids.push(...hit.ids);
      return;
    }
    this.hits.set(key, hit);
  }

  allUuids(): string[] {
    return [...new Set(this.uuids.map((u) => u.id))];
  }

  /** Candidates with key-named and same-file ids added (nearest first), each id once with its strongest provenance. */
  finish(): Candidate[] {
    const keyNamed = [...new Set(this.uuids.filter((u) => u.keyNamed).map((u) => u.id))];
    return [...this.hits.values()].map((h) => {
      const sameFile = [...this.uuids].sort((a, b) => Math.abs(a.seq - h.seq) - Math.abs(b.seq - h.seq)).map((u) => u.id);
      const all: CandidateClientId[] = [
        ...h.ids,
        ...keyNamed.map((id) => ({ clientId: id, provenance: "key-named" as const })),
        ...[...new Set(sameFile)].slice(0, SAME_FILE_CANDIDATES).map((id) => ({ clientId: id, provenance: "same-file" as const })),
      ];
      const region = h.region ?? this.region;
      return { location: h.location, how: h.how, secret: h.secret, clientIds: strongestEach(all), ...(region ? { region } : {}) };
    });
  }
}

/** UUIDs within five lines of the secret in a multi-line string (env text, user_data, a script). */
function linesNear(text: string, secret: string): CandidateClientId[] {
  if (!text.includes("\n")) return [];
  const lines = text.split("\n");
  const at = lines.findIndex((l) => l.includes(secret));
  return at < 0 ? [] : nearLines(lines, at);
}

const RANK: Record<CandidateProvenance, number> = { structural: 0, "key-named": 1, nearby: 2, "same-file": 3, input: 4, org: 5 };

/** Each id once, with its strongest provenance; strongest first, first-seen order otherwise. */
function strongestEach(ids: CandidateClientId[]): CandidateClientId[] {
  const best = new Map<string, CandidateClientId>();
  for (const c of ids) {
    const seen = best.get(c.clientId);
    if (!seen || RANK[c.provenance] < RANK[seen.provenance]) best.set(c.clientId, c);
  }
  return [...best.values()].sort((a, b) => RANK[a.provenance] - RANK[b.provenance]);
}

function fromHcl(text: string, detect: Detector, decode: Decoder): Extracted {
  const walker = new Walker(detect, decode);
  walker.region = /^\s*aws_region\s*=\s*"([^"]+)"/m.exec(text)?.[1]?.toLowerCase();
  const lines = text.split("\n");
  // Each line is its own place; the client ids within five lines of it are its neighbours.
  for (const [i, line] of lines.entries()) walker.string(`line ${i + 1}`, line, { ids: nearLines(lines, i), nesting: 0 });
  return { format: "hcl", candidates: walker.finish(), resources: (text.match(/^\s*resource\s+"/gm) ?? []).length, uuids: walker.allUuids() };
}

/** Client ids within five lines of line `i`: key-named when assigned to a key named like a client id, else nearby. */
function nearLines(lines: string[], i: number): CandidateClientId[] {
  const out: CandidateClientId[] = [];
  for (const line of lines.slice(Math.max(0, i - 5), i + 6)) {
    for (const m of line.matchAll(UUID)) {
      const assigned = /([A-Za-z0-9_.-]+)["']?\s*[:=]\s*["']?$/.exec(line.slice(0, m.index));
      out.push({ clientId: m[0].toLowerCase(), provenance: assigned && isClientIdKey(assigned[1]!) ? "key-named" : "nearby" });
    }
  }
  return out;
}
