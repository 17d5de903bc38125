import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";

export type Confidence = "high" | "medium";
export type RuleKind = "secret" | "basic" | "document" | "pair";

/** The rules file as written (src/scan/rules.yaml). */
export interface RulesDocument {
  version: number;
  secret: { regex: string; not_before: string; not_after: string; entropy_min: number; must_match: string[]; not_match: string[] };
  client_id: { regex: string; pair_within_lines: number };
  keys: { secret: string[]; id: string[]; basic_password: string[]; basic_user: string[]; authorization_code: string[]; credential_document: string[] };
  context: { window_chars: number; keywords: string[]; patterns: string[] };
  regions: Array<{ name: string; domain: string }>;
  allowlist: { stopwords: string[]; preceded_by: string[]; values: string[]; client_ids: string[]; paths: string[]; inline: string };
  examples: { min_files: number; paths: string[] };
  exports: {
    secret_key: string;
    id_key: string;
    postman_keys: string[];
    key_gap: number;
    context_keywords: string[];
    context_within_lines: number;
    pair_keywords: string[];
    secret_key_keywords: string[];
    id_key_keywords: string[];
  };
  rules: RuleDefinition[];
}

export interface RuleDefinition {
  id: string;
  title: string;
  kind: RuleKind;
  confidence: Confidence;
  description: string;
  regex?: string;
  not_before?: string;
  not_after?: string;
  samples: { positives: string[]; negatives: string[] };
}

/** The rules compiled for the JavaScript engine. */
export interface CompiledRules {
  doc: RulesDocument;
  secretCharset: RegExp;
  /** Character tables (ASCII codes): the secret's characters, what may not touch it, and the base64 alphabet (both). */
  secretChars: Uint8Array;
  /** For each byte, a bit per must_match class it belongs to: a check on bytes before any string is made. */
  classBits: Uint8Array;
  /** Every must_match class's bit set. */
  allClasses: number;
  notBeforeChars: Uint8Array;
  notAfterChars: Uint8Array;
  base64Chars: Uint8Array;
  /** The Basic rule's regex, anchored, tested on a maximal run of base64 characters (and its padding). */
  basicRun: RegExp;
  mustMatch: RegExp[];
  notMatch: RegExp[];
  /** Context keywords and patterns, one case-insensitive global alternation. */
  context: RegExp;
  clientId: RegExp;
  stopwords: RegExp;
  /** Matches the text just before a candidate that names a digest or PKCE value. */
  precededBy: RegExp;
  allowedValues: Set<string>;
  allowedClientIds: Set<string>;
  allowedPaths: RegExp[];
  examplePaths: RegExp[];
  /** Region hosts, longest domain first, matched case-insensitively. */
  hosts: RegExp;
  regionByDomain: Map<string, string>;
  secretRuleId: string;
  basicRuleId: string;
  documentRuleId: string;
  pairRuleId: string;
  confidenceOf: Map<string, Confidence>;
}

export const RULES_FILE = "rules.yaml";
/** The same document as JSON, written beside the bundles by the build: parsing it spares every scan loading a YAML parser. */
export const RULES_JSON = "rules.json";

let cached: CompiledRules | undefined;

/** The rules file next to this module (src/scan/ in tests; beside the bundles, as YAML and as JSON, after the build). */
export function loadRules(): CompiledRules {
  if (cached) return cached;
  const json = new URL(`./${RULES_JSON}`, import.meta.url);
  if (existsSync(json)) {
    cached = compileRules(JSON.parse(readFileSync(json, "utf8")) as RulesDocument);
    return cached;
  }
  const { parse } = createRequire(import.meta.url)("yaml") as typeof import("yaml");
  cached = compileRules(parse(readFileSync(new URL(`./${RULES_FILE}`, import.meta.url), "utf8")) as RulesDocument);
  return cached;
}

export function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

function ruleOfKind(doc: RulesDocument, kind: RuleKind): RuleDefinition {
  const rule = doc.rules.find((r) => r.kind === kind);
  if (!rule) throw new Error(`rules.yaml needs one rule of kind ${kind}`);
  return rule;
}

/** The ASCII characters of a regex character-class body (`A-Za-z0-9_-`) as a lookup table of all 256 byte values. */
export function charTable(classBody: string): Uint8Array {
  const re = new RegExp(`^[${classBody}]$`);
  const table = new Uint8Array(256);
  for (let c = 0; c < 128; c++) table[c] = re.test(String.fromCharCode(c)) ? 1 : 0;
  return table;
}

/** must_match regexes that are single character classes, as one bit per class for each byte value. */
function classBits(mustMatch: string[]): { classBits: Uint8Array; allClasses: number } {
  const bits = new Uint8Array(256);
  let all = 0;
  mustMatch.forEach((m, k) => {
    const body = /^\[(.+)\]$/.exec(m)?.[1];
    if (!body || k > 7) return;
    const table = charTable(body);
    for (let c = 0; c < 256; c++) if (table[c]) bits[c]! |= 1 << k;
    all |= 1 << k;
  });
  return { classBits: bits, allClasses: all };
}

export function compileRules(doc: RulesDocument): CompiledRules {
  const basicRule = ruleOfKind(doc, "basic");
  if (!basicRule.regex) throw new Error("the basic rule needs a regex");
  const charset = /^\[(.+)\]\{43\}$/.exec(doc.secret.regex)?.[1];
  if (!charset) throw new Error("secret.regex must be a character class with {43}");
  const keywords = doc.context.keywords.map(String).map(escapeRegex);
  const domains = [...doc.regions].sort((a, b) => b.domain.length - a.domain.length);
  return {
    doc,
    secretCharset: new RegExp(`^[${charset}]$`),
    secretChars: charTable(charset),
    ...classBits(doc.secret.must_match),
    notBeforeChars: charTable(doc.secret.not_before),
    notAfterChars: charTable(doc.secret.not_after),
    base64Chars: charTable(basicRule.not_before ?? "A-Za-z0-9+/_-"),
    basicRun: new RegExp(`^${basicRule.regex}$`),
    mustMatch: doc.secret.must_match.map((m) => new RegExp(m)),
    notMatch: doc.secret.not_match.map((m) => new RegExp(m)),
    context: new RegExp([...keywords, ...doc.context.patterns].join("|"), "gi"),
    clientId: new RegExp(doc.client_id.regex, "g"),
    stopwords: new RegExp(doc.allowlist.stopwords.map(String).map(escapeRegex).join("|"), "i"),
    precededBy: new RegExp(`(?:${doc.allowlist.preceded_by.map(String).map(escapeRegex).join("|")})[^A-Za-z0-9]{0,6}$`, "i"),
    allowedValues: new Set(doc.allowlist.values),
    allowedClientIds: new Set(doc.allowlist.client_ids.map((id) => id.toLowerCase())),
    allowedPaths: doc.allowlist.paths.map((p) => new RegExp(p)),
    examplePaths: doc.examples.paths.map((p) => new RegExp(p, "i")),
    hosts: new RegExp(`(?:login|api|apps)\\.(?:${domains.map((r) => escapeRegex(r.domain)).join("|")})`, "gi"),
    regionByDomain: new Map(doc.regions.map((r) => [r.domain, r.name])),
    secretRuleId: ruleOfKind(doc, "secret").id,
    basicRuleId: basicRule.id,
    documentRuleId: ruleOfKind(doc, "document").id,
    pairRuleId: ruleOfKind(doc, "pair").id,
    confidenceOf: new Map(doc.rules.map((r) => [r.id, r.confidence])),
  };
}
