import type { CandidateClientId, CandidateProvenance } from "../contracts/verdict.js";
import { decodeBase64Text, decodeBasic, decodeLayers, encodingsIn, type Encoding, type TextView } from "../decode/index.js";
import type { CompiledRules, Confidence } from "./rules.js";
import { depthIn, followsRedirectUri, indentOf, keyBefore, keyRole, keyStem, scopeOf, type KeyRole, type Scope } from "./structure.js";

/** One match inside a text. Holds the secret: only the scanner, audit-state and `--verify` may see this type. */
export interface Detection {
  ruleId: string;
  secret: string;
  /** The best candidate client id (structural, key-named or nearby), or undefined. */
  clientId: string | undefined;
  /** Every candidate client id seen, strongest provenance first, each id once (canonical lower case). */
  candidates: CandidateClientId[];
  /** The region of the nearest `login.`/`api.` host, if any. */
  region: string | undefined;
  confidence: Confidence;
  /** The encodings the secret was found under, outermost first ([] when it was in the text as it is). */
  decoded: Encoding[];
  /** Offset of the match in the text. */
  index: number;
  /** Characters the match covers in the text (the secret, or the encoded value it was decoded from). */
  length: number;
  /** 1-based. */
  line: number;
  column: number;
}

const SECRET_LENGTH = 43;
/** Shortest base64 run worth decoding for a secret: base64 of the 43-character value alone is 58 characters. */
const MIN_ENCODED_RUN = 56;
const MAX_CANDIDATES = 24;
/** Regions decoded per text at most (each bounded by the decoder's own limits). */
const MAX_REGIONS = 256;

/** Shannon entropy of `value` in bits per character. */
export function shannonEntropy(value: string): number {
  const counts = new Map<string, number>();
  for (const ch of value) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let entropy = 0;
  for (const n of counts.values()) {
    const p = n / value.length;
    entropy -= p * Math.log2(p);
  }
  return entropy;
}

/**
 * Is this 43-character value shaped like a real secret: the entropy floor, not a placeholder or published example,
 * not shaped like a code identifier, and (unless `relaxClasses`) holding an upper-case letter, a lower-case letter
 * and a digit? `relaxClasses` is for values whose structure already says "secret" (a decoded Basic value).
 */
export function isSecretValue(value: string, rules: CompiledRules, options: { relaxClasses?: boolean } = {}): boolean {
  if (value.length !== SECRET_LENGTH) return false;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c >= 128 || rules.secretChars[c] === 0) return false;
  }
  if (!options.relaxClasses && !rules.mustMatch.every((re) => re.test(value))) return false;
  if (rules.allowedValues.has(value)) return false;
  if (rules.stopwords.test(value)) return false;
  if (rules.notMatch.some((re) => re.test(value))) return false;
  return shannonEntropy(value) >= rules.doc.secret.entropy_min;
}

/** Is this path never scanned (lock files)? */
export function isAllowedPath(path: string, rules: CompiledRules): boolean {
  const normalized = path.replace(/\\/g, "/");
  return rules.allowedPaths.some((re) => re.test(normalized));
}

/** A text the rules run over: the source itself, or a decoded layer of a region of it. */
interface View extends TextView {
  /** Offset in the source text of offset `index` here. */
  toSource(index: number): number;
  lines?: LineIndex;
}

interface Found {
  ruleId: string;
  secret: string;
  confidence: Confidence;
  candidates: CandidateClientId[];
  decoded: Encoding[];
  /** Offsets in the source text. */
  index: number;
  end: number;
}

/**
 * Every Genesys credential in `text`, pure and synchronous. Candidates first: runs of exactly 43 secret characters
 * that look random, Basic values, and base64 / URL-encoded regions (decoded by src/decode); then, for each, its
 * key, its scope and the client ids around it decide whether — and under which rule — it is reported.
 */
export function detect(text: string, rules: CompiledRules): Detection[] {
  const found: Found[] = [];
  const root: View = { text, sourceOffset: (i) => i, toSource: (i) => i, encodingsAt: () => [] };
  const regions: Array<[number, number]> = [];
  scanView(root, rules, found, regions);
  urlRegions(text, rules, regions);
  for (const region of mergeWindows(regions, text.length).slice(0, MAX_REGIONS)) {
    const slice = text.slice(region[0], region[1]);
    for (const layer of decodeLayers(slice)) {
      const view: View = {
        text: layer.text,
        sourceOffset: (i) => layer.sourceOffset(i),
        toSource: (i) => region[0] + layer.sourceOffset(i),
        encodingsAt: (i) => layer.encodingsAt(i),
      };
      scanView(view, rules, found);
    }
  }
  if (found.length === 0) return [];
  const merged = mergeFound(found, rules);
  const lines = new LineIndex(text);
  const out: Detection[] = [];
  for (const f of merged) {
    const line = lines.lineOf(f.index);
    if (text.slice(lines.start(line), lines.end(line)).includes(rules.doc.allowlist.inline)) continue;
    const candidates = [...f.candidates, ...sameFileIds(text, f, rules)].slice(0, MAX_CANDIDATES);
    out.push({
      ruleId: f.ruleId,
      secret: f.secret,
      clientId: candidates.find((c) => c.provenance === "structural" || c.provenance === "key-named" || c.provenance === "nearby")?.clientId,
      candidates,
      region: nearestRegion(text, f.index, rules),
      confidence: f.confidence,
      decoded: f.decoded,
      index: f.index,
      length: Math.max(1, f.end - f.index),
      line: line + 1,
      column: f.index - lines.start(line) + 1,
    });
  }
  return out;
}

/**
 * `detect` over the bytes of a file, without decoding them unless something is worth a look: one pass over the
 * bytes finds the long runs of base64 characters (a 43-character candidate that looks random, a run that may be
 * base64 of text) and the relevant %XX escapes; a file with none of them — most files — is done without ever
 * becoming a string. Otherwise it is decoded as UTF-8 and searched by `detect`.
 */
export function detectBuffer(bytes: Uint8Array, rules: CompiledRules): Detection[] {
  return worthALook(bytes, rules) ? detect(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("utf8"), rules) : [];
}

function worthALook(bytes: Uint8Array, rules: CompiledRules): boolean {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let found = false;
  forEachLongRunBytes(bytes, rules.base64Chars, SECRET_LENGTH, (a, b) => {
    if (found) return;
    // A stretch of secret characters of exactly the secret's length (an escape glued in front may make it longer).
    for (let x = a; x < b; ) {
      let y = x;
      while (y < b && rules.secretChars[bytes[y]!] === 1) y++;
      const length = y - x;
      if (
        length >= SECRET_LENGTH &&
        length <= SECRET_LENGTH + 5 &&
        hasEveryClass(bytes, y - SECRET_LENGTH, y, rules) &&
        isSecretValue(buffer.toString("latin1", y - SECRET_LENGTH, y), rules)
      ) {
        found = true;
        return;
      }
      x = y + 1;
    }
    if (b - a >= MIN_ENCODED_RUN && mayBeBase64Bytes(bytes, a, b)) found = true;
  });
  if (found) return true;
  for (let i = buffer.indexOf(37); i >= 0; i = buffer.indexOf(37, i + 1)) {
    if (
      i + 2 < bytes.length &&
      isHex(bytes[i + 1]!) &&
      isHex(bytes[i + 2]!) &&
      isRelevantEscape(buffer.toString("latin1", i + 1, i + 3).toLowerCase(), buffer.toString("latin1", Math.max(0, i - 5), i))
    )
      return true;
  }
  return false;
}

/** Does [a, b) hold a character of every must_match class? (The check isSecretValue makes, on bytes, without a string.) */
function hasEveryClass(bytes: Uint8Array, a: number, b: number, rules: CompiledRules): boolean {
  const bits = rules.classBits;
  let seen = 0;
  for (let i = a; i < b; i++) seen |= bits[bytes[i]!]!;
  return (seen & rules.allClasses) === rules.allClasses;
}

/** forEachLongRun over bytes (bytes from 128 up are never run characters). */
function forEachLongRunBytes(bytes: Uint8Array, table: Uint8Array, min: number, visit: (a: number, b: number) => void): void {
  const n = bytes.length;
  let p = min - 1;
  while (p < n) {
    if (table[bytes[p]!] === 0) {
      p += min;
      continue;
    }
    let a = p;
    while (a > 0 && table[bytes[a - 1]!] === 1) a--;
    let b = p + 1;
    while (b < n && table[bytes[b]!] === 1) b++;
    if (b - a >= min) visit(a, b);
    p = b + min;
  }
}

function mayBeBase64Bytes(bytes: Uint8Array, a: number, b: number): boolean {
  for (let i = a; i < b && i < a + 64; i += 4) {
    const c = bytes[i]!;
    if (!((c >= 65 && c <= 90) || (c >= 97 && c <= 102))) return false;
  }
  return true;
}

/**
 * Calls `visit(a, b)` for every maximal run [a, b) of `table` characters at least `min` long. Such a run covers one
 * of every `min`-th position, so the walk jumps `min` characters at a time and reads around a position only when
 * it holds a run character: most of a text is never read.
 */
export function forEachLongRun(text: string, table: Uint8Array, min: number, visit: (a: number, b: number) => void): void {
  const n = text.length;
  let p = min - 1;
  while (p < n) {
    const c = text.charCodeAt(p);
    if (c >= 128 || table[c] === 0) {
      p += min;
      continue;
    }
    let a = p;
    while (a > 0) {
      const d = text.charCodeAt(a - 1);
      if (d >= 128 || table[d] === 0) break;
      a--;
    }
    let b = p + 1;
    while (b < n) {
      const d = text.charCodeAt(b);
      if (d >= 128 || table[d] === 0) break;
      b++;
    }
    if (b - a >= min) visit(a, b);
    p = b + min;
  }
}

const at = (table: Uint8Array, text: string, i: number) => {
  const c = text.charCodeAt(i);
  return c < 128 && table[c] === 1;
};
const isHexAt = (text: string, i: number) => isHex(text.charCodeAt(i));

/**
 * Where a secret may start inside the run of secret characters [x, y): at x when nothing it may not touch is
 * before it, and right after an escape glued to it — `%3D` (URL-encoded `=`), `\n`, `\u003d` (JSON) — whose
 * letters belong to the run. The secret must end where nothing it may not touch follows.
 */
function secretStarts(text: string, x: number, y: number, rules: CompiledRules, out: number[]): void {
  const ok = (q: number) => q + SECRET_LENGTH === y && !(y < text.length && at(rules.notAfterChars, text, y));
  if (x === 0 || !at(rules.notBeforeChars, text, x - 1)) {
    if (ok(x)) out.push(x);
    return;
  }
  if (text[x - 1] === "%" && isHexAt(text, x) && isHexAt(text, x + 1) && ok(x + 2)) out.push(x + 2);
  else if (text[x - 1] === "\\" && "nrtbf".includes(text[x]!) && ok(x + 1)) out.push(x + 1);
  else if (text[x - 1] === "\\" && text[x] === "u" && [1, 2, 3, 4].every((k) => isHexAt(text, x + k)) && ok(x + 5)) out.push(x + 5);
}

/**
 * Runs the secret and Basic rules over one view, appending what they find; with `regions`, also collects the
 * stretches around base64 runs that decode to text (to be scanned decoded).
 */
function scanView(view: View, rules: CompiledRules, out: Found[], regions?: Array<[number, number]>): void {
  const text = view.text;
  const starts: number[] = [];
  const window = rules.doc.context.window_chars;
  forEachLongRun(text, rules.base64Chars, SECRET_LENGTH, (a, b) => {
    let end = b;
    while (end < text.length && end - b < 2 && text.charCodeAt(end) === 61 /* = */) end++;
    // Secret candidates: each stretch of secret characters of the run (the run may hold + and /).
    starts.length = 0;
    for (let x = a; x < b; ) {
      let y = x;
      while (y < b && at(rules.secretChars, text, y)) y++;
      if (y - x >= SECRET_LENGTH) secretStarts(text, x, y, rules, starts);
      x = y + 1;
    }
    for (const s of starts) {
      const secret = text.slice(s, s + SECRET_LENGTH);
      if (!isSecretValue(secret, rules)) continue;
      const found = evaluateSecret(view, s, secret, rules);
      if (found) out.push(found);
    }
    const length = end - a;
    if (length < MIN_ENCODED_RUN || !mayBeBase64Text(text, a, b)) return;
    const run = text.slice(a, end);
    if (length >= MIN_BASIC_RUN && length <= MAX_BASIC_RUN && rules.basicRun.test(run)) {
      const basic = evaluateBasic(view, a, run, rules);
      if (basic) out.push(basic);
    }
    if (regions && decodeBase64Text(run)) regions.push([a - window, end + window]);
  });
}

/**
 * Could [a, b) be base64 of text? Every 4-character group of base64 of ASCII starts with a character worth less
 * than 32 (A-Z, a-f: a byte below 0x80 has its top bit clear); a few groups are enough to turn away identifiers,
 * paths and digests before anything is allocated. (Non-ASCII text fails this and is not decoded: secrets are ASCII.)
 */
function mayBeBase64Text(text: string, a: number, b: number): boolean {
  for (let i = a; i < b && i < a + 64; i += 4) {
    const c = text.charCodeAt(i);
    if (!((c >= 65 && c <= 90) || (c >= 97 && c <= 102))) return false;
  }
  return true;
}

const MIN_BASIC_RUN = 100;
const MAX_BASIC_RUN = 112;

function evaluateBasic(view: View, a: number, run: string, rules: CompiledRules): Found | undefined {
  const creds = decodeBasic(run);
  if (!creds || !UUID_EXACT.test(creds.user)) return undefined;
  const clientId = creds.user.toLowerCase();
  if (rules.allowedClientIds.has(clientId) || !isSecretValue(creds.password, rules, { relaxClasses: true })) return undefined;
  return {
    ruleId: rules.basicRuleId,
    secret: creds.password,
    confidence: rules.confidenceOf.get(rules.basicRuleId) ?? "high",
    candidates: [{ clientId, provenance: "structural" }],
    decoded: [...encodingsIn(view, a, a + run.length), creds.encoding],
    index: view.toSource(a),
    end: view.toSource(a + run.length - 1) + 1,
  };
}

const UUID_EXACT = /^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$/;
/** `%XX` escapes worth decoding: of the characters that separate keys, values and base64 (= : " + / { & ' ,), and a space right after `Basic`. */
const RELEVANT_ESCAPE = new Set(["3d", "3a", "22", "2b", "2f", "7b", "26", "27", "2c"]);
const isRelevantEscape = (hex: string, before: string) => RELEVANT_ESCAPE.has(hex) || (hex === "20" && before.toLowerCase() === "basic");

/** URL-encoded tokens: from each relevant %XX escape out to the surrounding whitespace or quote (bounded). */
function urlRegions(text: string, rules: CompiledRules, regions: Array<[number, number]>): void {
  const window = rules.doc.context.window_chars;
  let lastEnd = -1;
  for (let i = text.indexOf("%"); i >= 0 && regions.length <= MAX_REGIONS; i = text.indexOf("%", i + 1)) {
    if (i < lastEnd || !isRelevantEscape(text.slice(i + 1, i + 3).toLowerCase(), text.slice(Math.max(0, i - 5), i))) continue;
    let s = i;
    while (s > 0 && i - s < 2048 && !TOKEN_END.test(text[s - 1]!)) s--;
    let e = i + 3;
    while (e < text.length && e - i < 2048 && !TOKEN_END.test(text[e]!)) e++;
    lastEnd = e;
    if (e - s >= 24) regions.push([s - window, e + window]);
  }
}

const TOKEN_END = /[\s"'<>()[\]{}`]/;
function isHex(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 70) || (code >= 97 && code <= 102);
}

function mergeWindows(windows: Array<[number, number]>, length: number): Array<[number, number]> {
  const sorted = windows.map(([a, b]): [number, number] => [Math.max(0, a), Math.min(length, b)]).sort((a, b) => a[0] - b[0]);
  const merged: Array<[number, number]> = [];
  for (const w of sorted) {
    const last = merged.at(-1);
    if (last && w[0] <= last[1]) last[1] = Math.max(last[1], w[1]);
    else merged.push([w[0], w[1]]);
  }
  return merged;
}

/** Decides whether the candidate at `s` in the view is reported, and under which rule. */
function evaluateSecret(view: View, s: number, secret: string, rules: CompiledRules): Found | undefined {
  const text = view.text;
  const e = s + SECRET_LENGTH;
  if (rules.precededBy.test(text.slice(Math.max(0, s - 24), s))) return undefined;
  const key = keyBefore(text, s);
  const role = keyRole(key, rules);
  if (role === "authorization-code" || followsRedirectUri(text, s)) return undefined;
  const postman = /\\?["']value\\?["']\s*:\s*\\?["']?$/.test(text.slice(Math.max(0, s - 40), s));
  const scope = scopeOf(text, s, postman);
  const candidates = candidateIds(view, s, key, role, scope, rules);
  let ruleId: string | undefined;
  if (role === "secret" && isCredentialDocument(text, key!, scope, candidates, rules)) ruleId = rules.documentRuleId;
  else if (hasContext(text, s, e, rules)) ruleId = rules.secretRuleId;
  else if (role === "secret" && candidates.some((c) => c.provenance === "structural" || c.provenance === "key-named")) ruleId = rules.pairRuleId;
  if (!ruleId) return undefined;
  return {
    ruleId,
    secret,
    confidence: rules.confidenceOf.get(ruleId) ?? "high",
    candidates,
    decoded: encodingsIn(view, s, e),
    index: view.toSource(s),
    end: view.toSource(e - 1) + 1,
  };
}

/** keyward's credential document: `clientSecret` beside `clientId` (a UUID) and `region` in one object. */
function isCredentialDocument(text: string, key: string, scope: Scope | undefined, candidates: CandidateClientId[], rules: CompiledRules): boolean {
  const [idKey, secretKey, ...others] = rules.doc.keys.credential_document;
  if (scope?.kind !== "object" || key !== secretKey) return false;
  if (!candidates.some((c) => c.provenance === "structural")) return false;
  const body = text.slice(scope.start, scope.end);
  return [idKey!, ...others].every((k) => new RegExp(`\\\\?["']${k}\\\\?["']\\s*:`).test(body));
}

/** Is a context keyword or pattern within `window_chars` before `s` or after `e`? */
function hasContext(text: string, s: number, e: number, rules: CompiledRules): boolean {
  const window = rules.doc.context.window_chars;
  const from = Math.max(0, s - window - 80);
  const re = rules.context;
  re.lastIndex = 0;
  const slice = text.slice(from, Math.min(text.length, e + window + 80));
  for (const m of slice.matchAll(re)) {
    const hs = from + m.index;
    const he = hs + m[0].length;
    if ((he <= s && s - he <= window) || (hs >= e && hs - e <= window)) return true;
  }
  return false;
}

const UUID_BOUNDARY = /[A-Za-z0-9]/;
const ADJACENT_ID = /(?:(?<![A-Za-z0-9])|(?<=%[0-9A-Fa-f]{2}))([0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12})(?::|%3[Aa]|\\?["'`]\s*,\s*\\?["'`])$/;

interface IdSeen {
  id: string;
  index: number;
}

/** The UUIDs between `from` and `to` (not glued to letters or digits, not allowlisted). */
function uuidsIn(text: string, from: number, to: number, rules: CompiledRules, limit = 400): IdSeen[] {
  const out: IdSeen[] = [];
  const slice = text.slice(from, to);
  rules.clientId.lastIndex = 0;
  for (const m of slice.matchAll(rules.clientId)) {
    const index = from + m.index;
    const before = text[index - 1];
    const after = text[index + m[0].length];
    if ((before && UUID_BOUNDARY.test(before)) || (after && UUID_BOUNDARY.test(after))) continue;
    const id = m[0].toLowerCase();
    if (rules.allowedClientIds.has(id)) continue;
    out.push({ id, index });
    if (out.length >= limit) break;
  }
  return out;
}

/**
 * The candidate client ids of the secret at `s`: in its scope under a client-id key at the same level
 * (structural, the key with the secret's own prefix first), under a client-id key within the line window
 * (key-named), any UUID within the line window (nearby, the same line first).
 */
function candidateIds(view: View, s: number, key: string | undefined, role: KeyRole, scope: Scope | undefined, rules: CompiledRules): CandidateClientId[] {
  const text = view.text;
  const lines = (view.lines ??= new LineIndex(text));
  const line = lines.lineOf(s);
  const span = rules.doc.client_id.pair_within_lines;
  const stem = key ? keyStem(key, rules) : undefined;
  const ranked: Array<{ id: string; provenance: CandidateProvenance; rank: number }> = [];
  const lineDistance = (index: number) => {
    const idLine = lines.lineOf(index);
    return idLine === line ? 0 : Math.abs(idLine - line) * 2 - (idLine < line ? 1 : 0);
  };
  const structural = new Set<string>();
  // `<uuid>:<secret>` (curl -u, a decoded Basic value) and `("<uuid>", "<secret>")` are a pair by themselves.
  const adjacent = ADJACENT_ID.exec(text.slice(Math.max(0, s - 64), s));
  if (adjacent && !rules.allowedClientIds.has(adjacent[1]!.toLowerCase())) {
    ranked.push({ id: adjacent[1]!.toLowerCase(), provenance: "structural", rank: -1 });
    structural.add(`${s - adjacent[0].length}`);
  }
  if (scope) {
    const sDepth = scope.kind === "object" ? depthIn(text, scope, s) : 0;
    const sIndent = scope.kind === "block" ? indentOf(text, s) : 0;
    for (const u of uuidsIn(text, scope.start, scope.end, rules)) {
      const uKey = keyBefore(text, u.index);
      const uRole = keyRole(uKey, rules);
      const named = uRole === "id" || (uRole === "basic-user" && role === "basic-password");
      if (!named) continue;
      const level = scope.kind === "object" ? depthIn(text, scope, u.index) === sDepth : scope.kind === "block" ? indentOf(text, u.index) === sIndent : true;
      if (!level) continue;
      const sameStem = stem !== undefined && uKey !== undefined && keyStem(uKey, rules) === stem;
      ranked.push({ id: u.id, provenance: "structural", rank: (sameStem ? 0 : 1_000_000) + Math.abs(u.index - s) });
      structural.add(`${u.index}`);
    }
  }
  const first = Math.max(0, line - span);
  const last = Math.min(lines.count - 1, line + span);
  for (const u of uuidsIn(text, lines.start(first), lines.end(last), rules)) {
    if (structural.has(`${u.index}`)) continue;
    const uRole = keyRole(keyBefore(text, u.index), rules);
    const named = uRole === "id" || (uRole === "basic-user" && role === "basic-password");
    ranked.push({ id: u.id, provenance: named ? "key-named" : "nearby", rank: lineDistance(u.index) * 10_000 + Math.abs(u.index - s) / 1000 });
  }
  const order = PROVENANCE_ORDER;
  ranked.sort((a, b) => order.indexOf(a.provenance) - order.indexOf(b.provenance) || a.rank - b.rank);
  const out: CandidateClientId[] = [];
  const seen = new Set<string>();
  for (const r of ranked) {
    if (seen.has(r.id)) continue;
    seen.add(r.id);
    out.push({ clientId: r.id, provenance: r.provenance });
  }
  return out;
}

/** Other UUIDs of the text, nearest first: candidates of last resort for the liveness engine. */
function sameFileIds(text: string, f: Found, rules: CompiledRules): CandidateClientId[] {
  const known = new Set(f.candidates.map((c) => c.clientId));
  const all = uuidsIn(text, 0, text.length, rules, 2000).filter((u) => !known.has(u.id));
  all.sort((a, b) => Math.abs(a.index - f.index) - Math.abs(b.index - f.index));
  const out: CandidateClientId[] = [];
  for (const u of all) {
    if (known.has(u.id)) continue;
    known.add(u.id);
    out.push({ clientId: u.id, provenance: "same-file" });
    if (out.length >= 10) break;
  }
  return out;
}

/**
 * One finding per secret occurrence: the same value at the same source offset seen in several views (the source
 * and decoded layers) is merged — the strongest rule wins, candidates are united, and `decoded` is the shallowest
 * view's. A secret inside a Basic value found both ways is reported as the Basic value.
 */
function mergeFound(found: Found[], rules: CompiledRules): Found[] {
  const rank = (f: Found) => (f.ruleId === rules.documentRuleId ? 0 : f.ruleId === rules.basicRuleId ? 1 : f.confidence === "high" ? 2 : 3);
  const byKey = new Map<string, Found>();
  for (const f of found) {
    const key = `${f.index}\0${f.secret}`;
    const prev = byKey.get(key);
    if (!prev) {
      byKey.set(key, { ...f, candidates: [...f.candidates] });
      continue;
    }
    const strength = (x: Found) => PROVENANCE_ORDER.indexOf(x.candidates[0]?.provenance ?? "org");
    const better = rank(f) < rank(prev) || (rank(f) === rank(prev) && strength(f) < strength(prev)) ? f : prev;
    const other = better === f ? prev : f;
    const merged: Found = { ...better, decoded: prev.decoded.length <= f.decoded.length ? prev.decoded : f.decoded, candidates: unite(better.candidates, other.candidates) };
    byKey.set(key, merged);
  }
  const all = [...byKey.values()];
  const basics = all.filter((f) => f.ruleId === rules.basicRuleId);
  return all.filter((f) => f.ruleId === rules.basicRuleId || !basics.some((b) => b.secret === f.secret && f.index >= b.index && f.index < b.end)).sort((a, b) => a.index - b.index);
}

const PROVENANCE_ORDER: CandidateProvenance[] = ["structural", "key-named", "nearby", "same-file", "input", "org"];

/** The candidates of both lists, each id once with its strongest provenance, `a`'s order first within a provenance. */
function unite(a: CandidateClientId[], b: CandidateClientId[]): CandidateClientId[] {
  const order = PROVENANCE_ORDER;
  const best = new Map<string, CandidateClientId>();
  for (const c of [...a, ...b]) {
    const prev = best.get(c.clientId);
    if (!prev || order.indexOf(c.provenance) < order.indexOf(prev.provenance)) best.set(c.clientId, c);
  }
  return [...best.values()].sort((x, y) => order.indexOf(x.provenance) - order.indexOf(y.provenance));
}

function nearestRegion(text: string, index: number, rules: CompiledRules): string | undefined {
  const re = rules.hosts;
  re.lastIndex = 0;
  let best: { region: string; distance: number } | undefined;
  for (const m of text.matchAll(re)) {
    const domain = m[0].slice(m[0].indexOf(".") + 1).toLowerCase();
    const region = rules.regionByDomain.get(domain);
    if (!region) continue;
    const distance = Math.abs(m.index - index);
    if (!best || distance < best.distance) best = { region, distance };
  }
  return best?.region;
}

/** Line starts of a text, computed once. Lines are 0-based here. */
export class LineIndex {
  private readonly starts: number[] = [0];
  constructor(private readonly text: string) {
    for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) this.starts.push(i + 1);
  }
  get count(): number {
    return this.starts.length;
  }
  lineOf(index: number): number {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= index) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }
  start(line: number): number {
    return this.starts[line]!;
  }
  end(line: number): number {
    const next = this.starts[line + 1];
    return next === undefined ? this.text.length : next - 1;
  }
}
