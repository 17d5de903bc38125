import { stringify } from "yaml";
import { escapeRegex, loadRules, type CompiledRules } from "./rules.js";

/**
 * The rules as other tools' configuration. One regex vocabulary for all three (no lookarounds, no
 * backreferences, no inline flags; case-insensitivity spelled as [Gg][Ee]...), so GitHub (Hyperscan),
 * gitleaks and TruffleHog (RE2 / Go regexp) and keyward (JavaScript) read the same expressions.
 *
 * What keyward decides with structure (the key a value sits under, the object around it, the client id beside it)
 * the exports approximate with anchors: a secret right after a client-secret key or Postman's key/value entry, or
 * right after a UUID. No expression has a long `[\s\S]{0,N}` gap (Hyperscan refuses one with start-of-match
 * tracking, and gitleaks crawls through one on keyword-dense trees). Every export excludes what keyward excludes
 * by shape: placeholders, published example values, code identifiers (`secret.not_match`), values missing a
 * character class.
 */
export interface GithubPattern {
  name: string;
  type: string;
  regex: { version: number; pattern: string; start: string; end: string; additional_match?: string[]; additional_not_match?: string[] };
  comments: string[];
}

/** `genesys` → `[Gg][Ee][Nn][Ee][Ss][Yy][Ss]`; punctuation escaped. */
export function caseless(word: string): string {
  return [...word].map((ch) => (/[a-z]/i.test(ch) ? `[${ch.toUpperCase()}${ch.toLowerCase()}]` : escapeRegex(ch))).join("");
}

/** A portable regex with its letters made caseless (letters inside character classes and escapes are left alone). */
export function caselessRegex(source: string): string {
  let out = "";
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const ch = source[i]!;
    if (ch === "\\") {
      out += ch + (source[i + 1] ?? "");
      i++;
    } else if (inClass) {
      out += ch;
      if (ch === "]") inClass = false;
    } else if (ch === "[") {
      inClass = true;
      out += ch;
    } else if (ch === "(" && source[i + 1] === "?" && source[i + 2] === ":") {
      out += "(?:";
      i += 2;
    } else if (/[a-z]/i.test(ch)) out += `[${ch.toUpperCase()}${ch.toLowerCase()}]`;
    else out += ch;
  }
  return out;
}

export interface ExportParts {
  /** The secret itself. */
  secret: string;
  /** What may follow the secret (or the end of the text). */
  after: string;
  /** A client-secret key and the few characters between it and its value, or Postman's key/value entry. */
  keyForm: string;
  /** A client-id key and the characters up to its value. */
  idForm: string;
  /** A UUID right before the secret, any of the forms below. */
  pairForm: string;
  /** The forms one by one: each starts with a literal (a quote, `-u`, `--user`, `%3`), which Go's regexp jumps to. */
  pairForms: Array<{ name: string; regex: string }>;
  uuid: string;
  basic: string;
  basicBefore: string;
  basicAfter: string;
  /** Regexes a secret must not match (placeholders, published values, identifier shapes). */
  notMatch: string[];
  /** Genesys context: the keywords (caseless) or the context patterns. */
  context: string;
  /** A secret lacking one of the must_match classes, as regexes anchored to its length (so they never hit a UUID). */
  lacksClass: string[];
}

export function exportParts(rules: CompiledRules = loadRules()): ExportParts {
  const doc = rules.doc;
  const ex = doc.exports;
  const basic = doc.rules.find((r) => r.kind === "basic")!;
  const gapChar = `(?:[^A-Za-z0-9_+/.\\n-]|%[0-9A-Fa-f]{2})`;
  const quote = `\\\\?["'\`]`;
  const postman = (key: string) => `${quote}${caseless(key)}${quote}\\s{0,20},\\s{0,20}${quote}[Vv][Aa][Ll][Uu][Ee]${quote}\\s{0,20}:\\s{0,20}${quote}`;
  const charset = /^\[(.+)\]\{43\}$/.exec(doc.secret.regex)![1]!;
  const classes = doc.secret.must_match.map((m) => /^\[(.+)\]$/.exec(m)?.[1]).filter((c): c is string => !!c);
  return {
    secret: doc.secret.regex,
    after: `(?:[^${doc.secret.not_after}]|\\z)`,
    keyForm: `(?:${caselessRegex(ex.secret_key)}${gapChar}{1,${ex.key_gap}}|${ex.postman_keys.map(postman).join("|")})`,
    idForm: `${caselessRegex(ex.id_key)}${gapChar}{1,${ex.key_gap}}`,
    pairForm: `(?:${pairForms(doc.client_id.regex)
      .map((f) => f.regex)
      .join("|")})`,
    pairForms: pairForms(doc.client_id.regex),
    uuid: doc.client_id.regex,
    basic: basic.regex!,
    basicBefore: `[^${basic.not_before}]`,
    basicAfter: `[^${basic.not_after}]`,
    context: `(?:${[...doc.context.keywords.map(caseless), ...doc.context.patterns].join("|")})`,
    notMatch: [...doc.allowlist.stopwords.map(caseless), ...doc.allowlist.values.map((v) => `^${escapeRegex(v)}$`), ...doc.secret.not_match],
    // "[A-Z]" required → a value made only of the other characters lacks it.
    lacksClass: classes.map((c) => `^[${charset.replace(c, "")}]{43}$`),
  };
}

/**
 * A UUID right before the secret: `("<uuid>", "<secret>")` with either quote (JSON-escaped too), `-u <uuid>:<secret>`,
 * `--user <uuid>:<secret>`, `%3D<uuid>%3A<secret>`. Each form starts with a literal: a regex that may start at every
 * hex digit is what makes Go's regexp (gitleaks) slow on text full of identifiers and UUIDs.
 */
function pairForms(uuid: string): Array<{ name: string; regex: string }> {
  return [
    { name: "double-quoted", regex: `"${uuid}\\\\?"\\s{0,40},\\s{0,40}\\\\?"` },
    { name: "single-quoted", regex: `'${uuid}'\\s{0,40},\\s{0,40}'` },
    { name: "curl-u", regex: `-u\\s{1,4}["']?${uuid}:` },
    { name: "curl-user", regex: `--user[= ]\\s{0,4}["']?${uuid}:` },
    { name: "url-encoded", regex: `%3[Dd]${uuid}%3[Aa]` },
  ];
}

const HEADER = "Generated by `keyward patterns` from keyward's src/scan/rules.yaml. Do not edit: regenerate.";

export function githubPatterns(rules: CompiledRules = loadRules()): GithubPattern[] {
  const p = exportParts(rules);
  const must = rules.doc.secret.must_match;
  const secret = (name: string, type: string, start: string, comment: string): GithubPattern => ({
    name,
    type,
    regex: { version: 0.1, pattern: p.secret, start, end: p.after, additional_match: must, additional_not_match: p.notMatch },
    comments: [comment, "keyward itself also needs a Genesys name nearby or a UUID under a client-id key; GitHub patterns cannot say either."],
  });
  // One pattern per form rather than one alternation: Hyperscan refuses the union with start-of-match tracking
  // ("Pattern is too large").
  return [
    secret(
      "Genesys Cloud OAuth client secret (after a client-secret key)",
      "genesys_cloud_oauth_client_secret",
      p.keyForm,
      'A 43-character client secret right after a client-secret key: client_secret=, "clientSecret": ", Postman\'s key/value entry.',
    ),
    ...p.pairForms.map((form) =>
      secret(
        `Genesys Cloud OAuth client secret (after its client id, ${form.name})`,
        `genesys_cloud_oauth_client_id_and_secret_${form.name.replace(/-/g, "_")}`,
        form.regex,
        `A 43-character client secret right after its client id (${form.name}): ("<uuid>", "<secret>"), -u <uuid>:<secret>, --user <uuid>:<secret>, %3D<uuid>%3A<secret>.`,
      ),
    ),
    {
      name: "Genesys Cloud OAuth client credentials (HTTP Basic)",
      type: "genesys_cloud_oauth_basic_credentials",
      regex: { version: 0.1, pattern: p.basic, start: `\\A|${p.basicBefore}`, end: `\\z|${p.basicAfter}` },
      comments: ["base64(client id:client secret), as sent in `Authorization: Basic` (padded or not, base64 or base64url). Validate by decoding: a UUID, a colon, 43 characters."],
    },
  ];
}

export function renderGithub(rules: CompiledRules = loadRules()): string {
  return (
    `# ${HEADER}\n# Format: advanced-security/secret-scanning-custom-patterns patterns.yml.\n` +
    stringify({ name: "Genesys Cloud", patterns: githubPatterns(rules) }, { lineWidth: 0, aliasDuplicateObjects: false })
  );
}

/** One rule of the gitleaks / TruffleHog exports: a regex whose group 1 is the value reported. */
export interface CaptureRule {
  id: string;
  description: string;
  regex: string;
  /** Lower-case words; a fragment (gitleaks) or chunk (TruffleHog) without any of them is not searched. */
  keywords: string[];
  entropy: number | undefined;
  /** Regexes the captured value must not match (gitleaks: an allowlist with regexTarget secret; TruffleHog: exclude_regexes_capture). */
  excludeCapture: string[];
  stopwords: string[];
  /** gitleaks composite rules: report only with a finding of rule `id` within `withinLines` lines. */
  required?: { id: string; withinLines: number };
  /**
   * TruffleHog has no composite rules: it searches about 512 characters before and 1,000 after a keyword, so a rule
   * whose gitleaks form requires the Genesys context takes the context's keywords instead.
   */
  trufflehogKeywords?: string[];
  /** A rule used only by another's `required` (gitleaks' skipReport; not a TruffleHog detector of its own). */
  auxiliary?: boolean;
}

/**
 * The rules of gitleaks and TruffleHog. Every rule is gated by rare keywords (client-secret key names, the calls
 * that pass a client id and secret together, `basic`), never by the Genesys names themselves — on an SDK tree every
 * file names Genesys, and gitleaks would run every regex over everything. The Genesys context is then required
 * around the match (gitleaks: a composite rule within `context_within_lines`; TruffleHog: its keyword window).
 */
export function captureRegexes(rules: CompiledRules = loadRules()): CaptureRule[] {
  const p = exportParts(rules);
  const doc = rules.doc;
  const ex = doc.exports;
  const exclude = [...p.notMatch.slice(doc.allowlist.stopwords.length), ...p.lacksClass];
  const stopwords = doc.allowlist.stopwords.map((w) => String(w).toLowerCase());
  const contextKeywords = [...doc.context.keywords, ...ex.context_keywords].map((k) => k.toLowerCase());
  const context = { id: "genesys-context", withinLines: ex.context_within_lines };
  return [
    {
      id: "genesys-oauth-client-secret",
      description: "Genesys Cloud OAuth client secret (after a client-secret key, Genesys named nearby)",
      regex: `${p.keyForm}(${p.secret})${p.after}`,
      keywords: [...new Set([...ex.secret_key_keywords, ...ex.postman_keys.map((k) => k.toLowerCase())])],
      entropy: doc.secret.entropy_min,
      excludeCapture: exclude,
      stopwords,
      required: context,
      trufflehogKeywords: contextKeywords,
    },
    ...p.pairForms.map((form) => ({
      id: `genesys-oauth-client-id-and-secret-${form.name}`,
      description: `Genesys Cloud OAuth client secret right after its client id (${form.name}), Genesys named nearby`,
      regex: `${form.regex}(${p.secret})${p.after}`,
      keywords: ex.pair_keywords,
      entropy: doc.secret.entropy_min,
      excludeCapture: exclude,
      stopwords,
      required: context,
      trufflehogKeywords: contextKeywords,
    })),
    {
      id: "genesys-oauth-basic-credentials",
      description: "Genesys Cloud OAuth client credentials (HTTP Basic)",
      regex: `(?:\\A|${p.basicBefore})(${p.basic})(?:${p.basicAfter}|\\z)`,
      keywords: ["basic"],
      entropy: undefined,
      excludeCapture: [],
      stopwords: [],
    },
    {
      id: "oauth-client-credentials-pair",
      description: "OAuth client credentials shaped like Genesys Cloud's: a client secret with a UUID client id within a few lines",
      regex: `${p.keyForm}(${p.secret})${p.after}`,
      keywords: ex.secret_key_keywords,
      entropy: doc.secret.entropy_min,
      excludeCapture: exclude,
      stopwords,
      required: { id: "oauth-client-id", withinLines: doc.client_id.pair_within_lines },
    },
    {
      id: "oauth-client-id",
      description: "A UUID under a client-id key (only reported with the secret of oauth-client-credentials-pair)",
      regex: `${p.idForm}(${p.uuid})(?:[^A-Za-z0-9]|\\z)`,
      keywords: ex.id_key_keywords,
      entropy: undefined,
      excludeCapture: doc.allowlist.client_ids.map((id) => `^${escapeRegex(id)}$`),
      stopwords: [],
      auxiliary: true,
    },
    {
      id: "genesys-context",
      description: "A Genesys name, the provider's argument names or a Genesys login host (only reported with a secret nearby)",
      regex: `(${p.context})`,
      keywords: contextKeywords,
      entropy: undefined,
      excludeCapture: [],
      stopwords: [],
      auxiliary: true,
    },
  ];
}

function tomlString(value: string): string {
  if (!value.includes("'''")) return `'''${value}'''`;
  return JSON.stringify(value);
}

export function renderGitleaks(rules: CompiledRules = loadRules()): string {
  const out = [`# ${HEADER}`, `title = "keyward: Genesys Cloud OAuth credentials"`, ""];
  for (const r of captureRegexes(rules)) {
    out.push("[[rules]]", `id = "${r.id}"`, `description = ${JSON.stringify(r.description)}`, `regex = ${tomlString(r.regex)}`, "secretGroup = 1");
    if (r.entropy !== undefined) out.push(`entropy = ${r.entropy.toFixed(1)}`);
    out.push(`keywords = [${r.keywords.map((k) => JSON.stringify(k)).join(", ")}]`, `tags = ["genesys-cloud", "oauth", "keyward"]`);
    if (r.auxiliary) out.push("skipReport = true");
    out.push("");
    if (r.required) out.push("[[rules.required]]", `id = "${r.required.id}"`, `withinLines = ${r.required.withinLines}`, "");
    if (r.excludeCapture.length > 0 || r.stopwords.length > 0) {
      out.push("[[rules.allowlists]]", `description = "placeholders, published examples, code identifiers, values missing a character class"`, `regexTarget = "secret"`);
      if (r.excludeCapture.length > 0) out.push(`regexes = [${r.excludeCapture.map(tomlString).join(", ")}]`);
      if (r.stopwords.length > 0) out.push(`stopwords = [${r.stopwords.map((w) => JSON.stringify(w)).join(", ")}]`);
      out.push("");
    }
    out.push("[[rules.allowlists]]", `description = "lock files"`, `paths = [${rules.doc.allowlist.paths.map(tomlString).join(", ")}]`, "");
  }
  return out.join("\n");
}

/**
 * TruffleHog custom detectors. The generic pair is one detector with two regexes (TruffleHog pairs every client-id
 * match with every secret match of a chunk); it carries no entropy floor, because TruffleHog applies the floor and
 * the excludes to every regex's capture, the UUID included — the length-anchored class excludes and stopwords stand
 * in for it.
 */
export function renderTrufflehog(rules: CompiledRules = loadRules()): string {
  const all = captureRegexes(rules);
  const byId = new Map(all.map((r) => [r.id, r]));
  const name = (id: string) => id.replace(/(^|-)([a-z])/g, (_m, _d, c: string) => c.toUpperCase());
  const detectors = all
    .filter((r) => !r.auxiliary)
    .map((r) => {
      const required = r.required ? byId.get(r.required.id) : undefined;
      // A required client id becomes a second regex of the detector; a required context is the keyword window.
      const id = required && !r.trufflehogKeywords ? required : undefined;
      return {
        name: name(r.id),
        keywords: r.trufflehogKeywords ?? r.keywords,
        regex: id ? { client_id: id.regex, secret: r.regex } : { secret: r.regex },
        ...(r.entropy !== undefined && !id ? { entropy: r.entropy } : {}),
        ...(r.stopwords.length > 0 ? { exclude_words: r.stopwords } : {}),
        ...(r.excludeCapture.length > 0 ? { exclude_regexes_capture: [...r.excludeCapture, ...(id?.excludeCapture ?? [])] } : {}),
      };
    });
  return (
    `# ${HEADER}\n# TruffleHog custom detectors (trufflehog filesystem --config this.yaml). Verification: add a\n# \`verify: [{endpoint: ..., unsafe: false}]\` webhook of your own; keyward scan --verify classifies pairs itself.\n` +
    stringify({ detectors }, { lineWidth: 0, aliasDuplicateObjects: false })
  );
}
