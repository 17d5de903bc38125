import { readFileSync } from "node:fs";
import { parse } from "yaml";

/** The rules file as written (src/scan/rules.yaml). */
export interface RulesDocument {
  version: number;
  secret: { regex: string; not_before: string; not_after: string; entropy_min: number; must_match: string[] };
  client_id: { regex: string; pair_within_lines: number };
  context: { window_chars: number; keywords: string[] };
  regions: Array<{ name: string; domain: string }>;
  allowlist: { stopwords: string[]; preceded_by: string[]; values: string[]; client_ids: string[]; paths: string[]; inline: string };
  rules: RuleDefinition[];
}

export interface RuleDefinition {
  id: string;
  title: string;
  kind: "secret" | "basic";
  description: string;
  regex?: string;
  not_before?: string;
  not_after?: string;
  samples: { positives: string[]; negatives: string[] };
}

/** The rules compiled for the JavaScript engine. */
export interface CompiledRules {
  doc: RulesDocument;
  /** Prefilter: every context keyword and `basic`, one case-insensitive V8 alternation. */
  prefilter: RegExp;
  /** The context keywords alone (case-insensitive, global). */
  context: RegExp;
  /** A maximal run of secret characters (global); length and neighbours are checked by the engine. */
  secretRun: RegExp;
  secretCharset: RegExp;
  notBefore: RegExp;
  notAfter: RegExp;
  mustMatch: RegExp[];
  clientId: RegExp;
  basic: RegExp;
  basicNotBefore: RegExp;
  basicNotAfter: RegExp;
  stopwords: RegExp;
  /** Matches the text just before a candidate that names a digest or PKCE value. */
  precededBy: RegExp;
  allowedValues: Set<string>;
  allowedClientIds: Set<string>;
  allowedPaths: RegExp[];
  /** Region hosts, longest domain first, matched case-insensitively. */
  hosts: RegExp;
  regionByDomain: Map<string, string>;
  secretRuleId: string;
  basicRuleId: string;
}

export const RULES_FILE = "rules.yaml";

let cached: CompiledRules | undefined;

/** The rules file next to this module (src/scan/ in tests, copied beside the bundles by the build). */
export function loadRules(): CompiledRules {
  if (cached) return cached;
  const text = readFileSync(new URL(`./${RULES_FILE}`, import.meta.url), "utf8");
  cached = compileRules(parse(text) as RulesDocument);
  return cached;
}

export function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

export function compileRules(doc: RulesDocument): CompiledRules {
  const secretRule = doc.rules.find((r) => r.kind === "secret");
  const basicRule = doc.rules.find((r) => r.kind === "basic");
  if (!secretRule || !basicRule?.regex) throw new Error("rules.yaml needs one rule of kind secret and one of kind basic (with a regex)");
  const charset = /^\[(.+)\]\{43\}$/.exec(doc.secret.regex)?.[1];
  if (!charset) throw new Error("secret.regex must be a character class with {43}");
  const keywords = doc.context.keywords.map(String).map(escapeRegex).join("|");
  const domains = [...doc.regions].sort((a, b) => b.domain.length - a.domain.length);
  return {
    doc,
    prefilter: new RegExp(`${keywords}|basic`, "gi"),
    context: new RegExp(keywords, "gi"),
    secretRun: new RegExp(`[${charset}]+`, "g"),
    secretCharset: new RegExp(`^[${charset}]$`),
    notBefore: new RegExp(`[${doc.secret.not_before}]`),
    notAfter: new RegExp(`[${doc.secret.not_after}]`),
    mustMatch: doc.secret.must_match.map((m) => new RegExp(m)),
    clientId: new RegExp(doc.client_id.regex, "g"),
    basic: new RegExp(basicRule.regex, "g"),
    basicNotBefore: new RegExp(`[${basicRule.not_before ?? "A-Za-z0-9+/"}]`),
    basicNotAfter: new RegExp(`[${basicRule.not_after ?? "A-Za-z0-9+/="}]`),
    stopwords: new RegExp(doc.allowlist.stopwords.map(String).map(escapeRegex).join("|"), "i"),
    precededBy: new RegExp(`(?:${doc.allowlist.preceded_by.map(String).map(escapeRegex).join("|")})[^A-Za-z0-9]{0,6}$`, "i"),
    allowedValues: new Set(doc.allowlist.values),
    allowedClientIds: new Set(doc.allowlist.client_ids.map((id) => id.toLowerCase())),
    allowedPaths: doc.allowlist.paths.map((p) => new RegExp(p)),
    hosts: new RegExp(`(?:login|api|apps)\\.(?:${domains.map((r) => escapeRegex(r.domain)).join("|")})`, "gi"),
    regionByDomain: new Map(doc.regions.map((r) => [r.domain, r.name])),
    secretRuleId: secretRule.id,
    basicRuleId: basicRule.id,
  };
}
