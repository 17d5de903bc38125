import type { CompiledRules } from "./rules.js";

/** One match inside a text. Holds the secret: only the scanner and `--verify` may see this type. */
export interface Detection {
  ruleId: string;
  secret: string;
  /** The client id paired with the secret (same line or within `pair_within_lines`), or decoded from Basic. */
  clientId: string | undefined;
  /** The region of the nearest `login.`/`api.` host, if any. */
  region: string | undefined;
  /** Offset of the match in the text. */
  index: number;
  /** 1-based. */
  line: number;
  column: number;
}

const SECRET_LENGTH = 43;
const BASIC_WINDOW = 200;
const UUID_TEXT = /^([0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}):(.*)$/s;
const ESCAPES = /%[0-9A-Fa-f]{2}|\\[/"\\u]/;

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

/** Is this 43-character value shaped like a real secret (entropy, character classes, not a placeholder)? */
export function isSecretValue(value: string, rules: CompiledRules): boolean {
  if (value.length !== SECRET_LENGTH) return false;
  for (const ch of value) if (!rules.secretCharset.test(ch)) return false;
  if (rules.allowedValues.has(value)) return false;
  if (rules.stopwords.test(value)) return false;
  if (!rules.mustMatch.every((re) => re.test(value))) return false;
  return shannonEntropy(value) >= rules.doc.secret.entropy_min;
}

/** Is this path never scanned (lock files)? */
export function isAllowedPath(path: string, rules: CompiledRules): boolean {
  const normalized = path.replace(/\\/g, "/");
  return rules.allowedPaths.some((re) => re.test(normalized));
}

/**
 * Every Genesys credential in `text`, pure and synchronous. A cheap keyword prefilter decides whether anything
 * else runs; the secret and Basic regexes then run only in windows around the keyword hits. Escaped text
 * (URL-encoding, JSON string escapes) is also searched decoded, with positions mapped back to the original.
 */
export function detect(text: string, rules: CompiledRules): Detection[] {
  rules.prefilter.lastIndex = 0;
  if (!rules.prefilter.test(text)) return [];
  rules.prefilter.lastIndex = 0;
  const found = new Map<string, ViewDetection>();
  const add = (d: ViewDetection) => {
    const key = `${d.ruleId}\0${d.index}`;
    if (!found.has(key)) found.set(key, d);
  };
  const original = detectView(text, rules);
  for (const d of pairAll(text, original.detections, rules)) add(d);
  // Escaped text is searched decoded, one window at a time (never the whole file): "%3D<uuid>%3A<secret>"
  // only reads as "=<uuid>:<secret>" decoded, so pairing runs in the decoded window first.
  let originalLines: LineIndex | undefined;
  for (const [from, to] of original.windows) {
    const slice = text.slice(from, to);
    if (!ESCAPES.test(slice)) continue;
    const decoded = decodeEscapes(slice);
    for (const d of pairAll(decoded.text, detectView(decoded.text, rules).detections, rules)) {
      const index = from + decoded.map[d.index]!;
      const clientId = d.clientId ?? pairClientId(text, index, (originalLines ??= new LineIndex(text)), rules);
      add({ ...d, index, clientId });
    }
  }
  if (found.size === 0) return [];

  const lines = new LineIndex(text);
  const out: Detection[] = [];
  for (const d of [...found.values()].sort((a, b) => a.index - b.index)) {
    const line = lines.lineOf(d.index);
    const lineText = text.slice(lines.start(line), lines.end(line));
    if (lineText.includes(rules.doc.allowlist.inline)) continue;
    out.push({
      ruleId: d.ruleId,
      secret: d.secret,
      clientId: d.clientId,
      region: nearestRegion(text, d.index, rules),
      index: d.index,
      line: line + 1,
      column: d.index - lines.start(line) + 1,
    });
  }
  return out;
}

interface ViewDetection {
  ruleId: string;
  secret: string;
  clientId: string | undefined;
  index: number;
}

function detectView(text: string, rules: CompiledRules): { detections: ViewDetection[]; windows: Array<[number, number]> } {
  const window = rules.doc.context.window_chars;
  const contextHits: Array<[number, number]> = [];
  const windows: Array<[number, number]> = [];
  for (const m of text.matchAll(rules.prefilter)) {
    const start = m.index;
    const end = start + m[0].length;
    if (m[0].toLowerCase() === "basic") {
      windows.push([start, end + BASIC_WINDOW]);
    } else {
      contextHits.push([start, end]);
      windows.push([start - window - SECRET_LENGTH - 3, end + window + SECRET_LENGTH + 3]);
    }
  }
  const merged = mergeWindows(windows, text.length);
  const detections: ViewDetection[] = [];
  for (const [from, to] of merged) {
    if (contextHits.length > 0) findSecrets(text, from, to, contextHits, rules, detections);
    findBasic(text, from, to, rules, detections);
  }
  return { detections, windows: merged };
}

/** Is a context hit (sorted by start) within `window` characters before `s` or after `e`? Binary search. */
function hasContext(hits: Array<[number, number]>, s: number, e: number, window: number): boolean {
  let lo = 0;
  let hi = hits.length;
  const from = s - window - 64;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (hits[mid]![0] < from) lo = mid + 1;
    else hi = mid;
  }
  for (let i = lo; i < hits.length && hits[i]![0] <= e + window; i++) {
    const [hs, he] = hits[i]!;
    if ((he <= s && s - he <= window) || (hs >= e && hs - e <= window)) return true;
  }
  return false;
}

function pairAll(text: string, detections: ViewDetection[], rules: CompiledRules): ViewDetection[] {
  if (detections.length === 0) return detections;
  const lines = new LineIndex(text);
  return detections.map((d) => (d.clientId !== undefined ? d : { ...d, clientId: pairClientId(text, d.index, lines, rules) }));
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

function findSecrets(text: string, from: number, to: number, contextHits: Array<[number, number]>, rules: CompiledRules, out: ViewDetection[]): void {
  let start = from;
  while (start > 0 && rules.secretCharset.test(text[start - 1]!)) start--;
  let end = to;
  while (end < text.length && rules.secretCharset.test(text[end]!)) end++;
  // The regex runs on the window only: a search from an offset of the whole text would run on to its end.
  const slice = text.slice(start, end);
  const window = rules.doc.context.window_chars;
  for (const m of slice.matchAll(rules.secretRun)) {
    if (m[0].length !== SECRET_LENGTH) continue;
    const s = start + m.index;
    const e = s + SECRET_LENGTH;
    if (s > 0 && rules.notBefore.test(text[s - 1]!)) continue;
    if (e < text.length && rules.notAfter.test(text[e]!)) continue;
    if (!isSecretValue(m[0], rules)) continue;
    if (rules.precededBy.test(text.slice(Math.max(0, s - 24), s))) continue;
    if (!hasContext(contextHits, s, e, window)) continue;
    out.push({ ruleId: rules.secretRuleId, secret: m[0], clientId: undefined, index: s });
  }
}

const BASIC_LENGTH = 108;

function findBasic(text: string, from: number, to: number, rules: CompiledRules, out: ViewDetection[]): void {
  const start = Math.max(0, from);
  const slice = text.slice(start, Math.min(text.length, to + BASIC_LENGTH));
  for (const m of slice.matchAll(rules.basic)) {
    const s = start + m.index;
    const e = s + m[0].length;
    if (s > 0 && rules.basicNotBefore.test(text[s - 1]!)) continue;
    if (e < text.length && rules.basicNotAfter.test(text[e]!)) continue;
    const decoded = UUID_TEXT.exec(Buffer.from(m[0], "base64").toString("latin1"));
    if (!decoded) continue;
    const [, clientId, secret] = decoded as unknown as [string, string, string];
    if (rules.allowedClientIds.has(clientId.toLowerCase()) || !isSecretValue(secret, rules)) continue;
    out.push({ ruleId: rules.basicRuleId, secret, clientId, index: s });
  }
}

/** The nearest usable UUID on the secret's line, else within `pair_within_lines` lines (the earlier one on a tie). */
function pairClientId(text: string, index: number, lines: LineIndex, rules: CompiledRules): string | undefined {
  const line = lines.lineOf(index);
  const span = rules.doc.client_id.pair_within_lines;
  const first = Math.max(0, line - span);
  const last = Math.min(lines.count - 1, line + span);
  const from = lines.start(first);
  const to = lines.end(last);
  let best: { id: string; distance: number } | undefined;
  for (const found of text.slice(from, to).matchAll(rules.clientId)) {
    const m = { index: from + found.index, 0: found[0] };
    const before = text[m.index - 1];
    const after = text[m.index + m[0].length];
    if ((before && /[A-Za-z0-9]/.test(before)) || (after && /[A-Za-z0-9]/.test(after))) continue;
    if (rules.allowedClientIds.has(m[0].toLowerCase())) continue;
    const idLine = lines.lineOf(m.index);
    const distance = idLine === line ? 0 : Math.abs(idLine - line) * 2 - (idLine < line ? 1 : 0);
    if (!best || distance < best.distance) best = { id: m[0].toLowerCase(), distance };
  }
  return best?.id;
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

/** Decodes %XX and JSON string escapes (\/ \\ \" \uXXXX), keeping for each decoded character its original offset. */
export function decodeEscapes(text: string): { text: string; map: number[] } {
  let out = "";
  const map: number[] = [];
  for (let i = 0; i < text.length; ) {
    const ch = text[i]!;
    if (ch === "%" && /^[0-9A-Fa-f]{2}$/.test(text.slice(i + 1, i + 3))) {
      out += String.fromCharCode(parseInt(text.slice(i + 1, i + 3), 16));
      map.push(i);
      i += 3;
    } else if (ch === "\\" && (text[i + 1] === "/" || text[i + 1] === '"' || text[i + 1] === "\\")) {
      out += text[i + 1];
      map.push(i);
      i += 2;
    } else if (ch === "\\" && text[i + 1] === "u" && /^[0-9A-Fa-f]{4}$/.test(text.slice(i + 2, i + 6))) {
      out += String.fromCharCode(parseInt(text.slice(i + 2, i + 6), 16));
      map.push(i);
      i += 6;
    } else {
      out += ch;
      map.push(i);
      i += 1;
    }
  }
  map.push(text.length);
  return { text: out, map };
}
