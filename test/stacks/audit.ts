// Audits synthesized stacks for the things keyward promises never to synthesize: secret-looking values, a client
// with `expose_client_secret = true`, a secret version resource, and IAM statements broader than they need to be.
// Used by the stack tests (in-process synth) and the CLI test (files written by `cdktf synth`).

/** Shannon entropy in bits per character. */
export function shannonEntropy(text: string): number {
  const counts = new Map<string, number>();
  for (const ch of text) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let bits = 0;
  for (const n of counts.values()) {
    const p = n / text.length;
    bits -= p * Math.log2(p);
  }
  return bits;
}

/** Share of adjacent characters (separators `-_+=/` removed) that switch between lower, upper and digit. */
function classSwitchRatio(token: string): number {
  const chars = token.replace(/[-_+=/]/g, "");
  const cls = (c: string) => (/[a-z]/.test(c) ? 0 : /[A-Z]/.test(c) ? 1 : 2);
  let switches = 0;
  for (let i = 1; i < chars.length; i++) if (cls(chars[i]!) !== cls(chars[i - 1]!)) switches++;
  return chars.length > 1 ? switches / (chars.length - 1) : 0;
}

/**
 * Runs of base64/base64url characters that look random: at least 24 long, mixed case, >= 4 bits/char, and
 * switching between lower case, upper case and digits at least every third character. A random 43-character
 * base64url secret switches about 65% of the time (below 30% about once in 100,000); identifiers made of words
 * and hash suffixes (`rotation-lambda_function_F6571A81`, `RotateManagedClientSecrets`) stay under 30%, UUIDs and
 * hex hashes are single-case. Terraform interpolations are removed first: they are references, not values.
 */
export function highEntropyTokens(text: string): string[] {
  const withoutInterpolations = text.replace(/\$\{[^}]*\}/g, " ");
  const tokens = withoutInterpolations.match(/[A-Za-z0-9+=_-]{24,}/g) ?? [];
  return tokens.filter((t) => /[a-z]/.test(t) && /[A-Z]/.test(t) && shannonEntropy(t) >= 4 && classSwitchRatio(t) >= 0.3);
}

const SECRET_KEY = /(secret|password|passwd|token|credential|private_?key|api_?key)/i;
const PURE_INTERPOLATIONS = /^(\$\{[^}]*\})+$/;
const ARN = /^arn:aws[a-z-]*:[a-z0-9-]+:/;

/** Resource types that would put a secret value into state. */
const FORBIDDEN_RESOURCE_TYPES = ["aws_secretsmanager_secret_version"];

/** Attributes that hold IAM policy documents, per resource type. */
const POLICY_ATTRIBUTES: Record<string, string[]> = {
  aws_iam_role: ["assume_role_policy"],
  aws_iam_role_policy: ["policy"],
  aws_iam_policy: ["policy"],
  aws_secretsmanager_secret: ["policy"],
};

/** The only wildcard resources keyward accepts, each the narrowest form AWS allows for what it names. */
const ALLOWED_WILDCARD_RESOURCES = [
  // A log group's streams: Lambda creates them with generated names.
  /^(\$\{[^}*]+\}|arn:aws[a-z-]*:logs:[^*?]+:log-group:[^*?]+):log-stream:\*$/,
  // A secret by name when its ARN is not known: only the random 6-character suffix Secrets Manager appends.
  /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[^*?]+-\?{6}$/,
];

/** Actions IAM supports no resource-level permissions for: `Resource: "*"` is the only form, alone in a statement. */
const UNSCOPABLE_ACTIONS = new Set(["secretsmanager:ListSecrets"]);

function asArray(value: unknown): unknown[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

/** Problems of one IAM policy document (already JSON-parsed). */
export function auditIamPolicy(policy: unknown, where: string): string[] {
  const problems: string[] = [];
  const statements = asArray((policy as { Statement?: unknown })?.Statement);
  if (statements.length === 0) problems.push(`${where}: policy has no statements`);
  statements.forEach((raw, i) => {
    const s = raw as Record<string, unknown>;
    const at = `${where}.Statement[${i}]${typeof s.Sid === "string" ? ` (${s.Sid})` : ""}`;
    if (s.NotAction !== undefined || s.NotResource !== undefined || s.NotPrincipal !== undefined) {
      problems.push(`${at}: uses NotAction/NotResource/NotPrincipal`);
    }
    if (s.Effect !== "Allow") return;
    for (const action of asArray(s.Action)) {
      if (typeof action !== "string" || action.includes("*") || action.includes("?")) {
        problems.push(`${at}: wildcard action ${JSON.stringify(action)}`);
      }
    }
    for (const resource of asArray(s.Resource)) {
      if (typeof resource !== "string") problems.push(`${at}: resource is not a string`);
      else if (resource.includes("*") || resource.includes("?")) {
        const unscopable = resource === "*" && asArray(s.Action).every((a) => UNSCOPABLE_ACTIONS.has(a as string));
        if (!unscopable && !ALLOWED_WILDCARD_RESOURCES.some((r) => r.test(resource))) problems.push(`${at}: wildcard resource ${JSON.stringify(resource)}`);
      }
    }
    const principal = s.Principal;
    if (principal === "*" || JSON.stringify(principal ?? "").includes('"*"')) problems.push(`${at}: wildcard principal`);
  });
  return problems;
}

function tryParseJson(text: string): unknown {
  const trimmed = text.trim();
  if (!trimmed.startsWith("{") && !trimmed.startsWith("[")) return undefined;
  try {
    return JSON.parse(trimmed) as unknown;
  } catch {
    return undefined;
  }
}

/** Walks every value; strings holding JSON (policies, the schedule input) are parsed and walked too. */
function walkValues(value: unknown, path: string, visit: (path: string, key: string, value: unknown) => void, key = ""): void {
  visit(path, key, value);
  if (typeof value === "string") {
    const nested = tryParseJson(value);
    if (nested !== undefined) walkValues(nested, `${path}<json>`, visit, key);
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((v, i) => {
      walkValues(v, `${path}[${i}]`, visit, key);
    });
  } else if (value !== null && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) {
      // cdktf's construct metadata (paths, generated ids): not configuration.
      if (k === "//") continue;
      walkValues(v, `${path}.${k}`, visit, k);
    }
  }
}

/**
 * Every problem in one synthesized stack (`cdk.tf.json`, parsed). An empty list means the stack is clean.
 */
export function auditSynthesizedStack(stack: Record<string, unknown>, stackName: string): string[] {
  const problems: string[] = [];
  walkValues(stack, stackName, (path, key, value) => {
    if (key === "expose_client_secret" && (value === true || value === "true")) {
      problems.push(`${path}: expose_client_secret is true`);
    }
    if (typeof value !== "string") return;
    for (const token of highEntropyTokens(value)) problems.push(`${path}: secret-looking value ${token.slice(0, 4)}… (${token.length} chars)`);
    if (SECRET_KEY.test(key) && value !== "" && !PURE_INTERPOLATIONS.test(value) && !ARN.test(value) && tryParseJson(value) === undefined) {
      problems.push(`${path}: literal value under a secret-like key "${key}"`);
    }
  });

  const resources = (stack.resource ?? {}) as Record<string, Record<string, Record<string, unknown>>>;
  for (const type of FORBIDDEN_RESOURCE_TYPES) {
    if (resources[type]) problems.push(`${stackName}: declares ${type} (a secret value would enter state)`);
  }
  for (const [name, body] of Object.entries(resources.genesyscloud_oauth_client ?? {})) {
    for (const attribute of ["client_secret", "directory_client_secret"]) {
      if (body[attribute] !== undefined) problems.push(`${stackName}: genesyscloud_oauth_client.${name} sets ${attribute}`);
    }
  }
  for (const [type, attributes] of Object.entries(POLICY_ATTRIBUTES)) {
    for (const [name, body] of Object.entries(resources[type] ?? {})) {
      for (const attribute of attributes) {
        const text = body[attribute];
        if (text === undefined) continue;
        const where = `${stackName}: ${type}.${name}.${attribute}`;
        const parsed = typeof text === "string" ? tryParseJson(text) : undefined;
        if (parsed === undefined) problems.push(`${where}: not an inspectable JSON policy document`);
        else problems.push(...auditIamPolicy(parsed, where));
      }
    }
  }
  return problems;
}

/** Secret-looking tokens in any text (HCL output, command output). */
export function auditText(text: string, where: string): string[] {
  return highEntropyTokens(text).map((t) => `${where}: secret-looking value ${t.slice(0, 4)}… (${t.length} chars)`);
}
