/**
 * The one decoder of keyward (used by `keyward scan` and `keyward audit-state`): the encoded forms a credential
 * takes in real files — base64 (standard, base64url, padded or not; of the bare value, of JSON, of env text),
 * URL-encoding (`%XX`, also JSON inside a URL's query), JSON string escapes — peeled off layer by layer, each
 * layer remembering which encoding produced which characters and where they came from in the source.
 *
 * Pure and bounded: at most `maxDepth` layers deep, at most `maxBytes` decoded characters in all, at most
 * `maxLayers` layers, whatever the input. Nothing here throws on hostile input; what cannot be decoded as text
 * is left as it was.
 */

/** An encoding the decoder peels off. */
export type Encoding = "base64" | "base64url" | "url" | "json-escape";

export interface DecodeLimits {
  /** Layers stacked at most (a URL-encoded Basic header is depth 2: url, then base64). */
  maxDepth: number;
  /** Characters produced by decoding, summed over every layer. */
  maxBytes: number;
  /** Layers returned at most. */
  maxLayers: number;
  /** Shortest base64 run worth decoding (the base64 of a UUID is 48 characters, of a 43-character secret 58). */
  minBase64: number;
}

export const DEFAULT_DECODE_LIMITS: DecodeLimits = { maxDepth: 3, maxBytes: 1024 * 1024, maxLayers: 32, minBase64: 16 };

/** A stretch of a layer's text: copied from its parent unchanged, or produced by decoding `encoding`. */
interface Segment {
  /** Offsets in this layer's text. */
  start: number;
  end: number;
  /** Offsets in the parent's text. */
  parentStart: number;
  parentEnd: number;
  encoding: Encoding | null;
}

/** The source text itself, as the root every layer maps back to. */
export interface TextView {
  readonly text: string;
  /** Offset in the source (root) text of offset `index` of this text. */
  sourceOffset(index: number): number;
  /** The encodings, outermost first, that produced the character at `index` ([] when it is source text). */
  encodingsAt(index: number): Encoding[];
}

/** One decoded layer: its parent's text with every decodable span of one encoding replaced by its decoding. */
export class DecodedLayer implements TextView {
  /** 1 for a layer decoded from the source, 2 for one decoded from a layer, … */
  readonly depth: number;
  /** The encodings of the chain from the source to this layer, outermost first (e.g. ["url", "base64"]). */
  readonly encodings: Encoding[];

  constructor(
    readonly text: string,
    readonly encoding: Encoding,
    private readonly segments: Segment[],
    readonly parent: TextView,
    /** Characters of `text` produced by decoding (what counts against `maxBytes`). */
    readonly decodedChars: number,
  ) {
    const parentLayer = parent instanceof DecodedLayer ? parent : undefined;
    this.depth = (parentLayer?.depth ?? 0) + 1;
    this.encodings = [...(parentLayer?.encodings ?? []), encoding];
  }

  /** The source spans (start, end in the root text) that this layer decoded, with the encoding of each. */
  get spans(): Array<{ start: number; end: number; encoding: Encoding }> {
    return this.segments
      .filter((s) => s.encoding !== null)
      .map((s) => ({ start: this.parent.sourceOffset(s.parentStart), end: this.parent.sourceOffset(s.parentEnd), encoding: s.encoding! }));
  }

  private segmentAt(index: number): Segment | undefined {
    const segs = this.segments;
    let lo = 0;
    let hi = segs.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (segs[mid]!.start <= index) lo = mid;
      else hi = mid - 1;
    }
    return segs[lo];
  }

  /** Offset in this layer's parent of offset `index` here (a decoded character maps to its encoded group). */
  parentOffset(index: number): number {
    if (index >= this.text.length) return this.segments.at(-1)?.parentEnd ?? 0;
    const seg = this.segmentAt(Math.max(0, index));
    if (!seg) return 0;
    const k = index - seg.start;
    if (seg.encoding === null) return seg.parentStart + k;
    if (seg.encoding === "base64" || seg.encoding === "base64url") return Math.min(seg.parentEnd - 1, seg.parentStart + Math.floor(k / 3) * 4);
    return seg.parentStart;
  }

  sourceOffset(index: number): number {
    return this.parent.sourceOffset(this.parentOffset(index));
  }

  encodingsAt(index: number): Encoding[] {
    const seg = this.segmentAt(Math.max(0, Math.min(index, this.text.length - 1)));
    const inherited = this.parent.encodingsAt(this.parentOffset(index));
    return seg?.encoding ? [...inherited, seg.encoding] : inherited;
  }

  /** Every encoding that produced any character of [start, end), outermost first, each once. */
  encodingsIn(start: number, end: number): Encoding[] {
    return encodingsIn(this, start, end);
  }
}

/** Every encoding that produced any character of [start, end) of a view, outermost first, each once. */
export function encodingsIn(view: TextView, start: number, end: number): Encoding[] {
  const out: Encoding[] = [];
  for (let i = start; i < end; i++) for (const e of view.encodingsAt(i)) if (!out.includes(e)) out.push(e);
  return out;
}

/** The source text as a view (identity mapping, nothing decoded). */
export function sourceView(text: string): TextView {
  return { text, sourceOffset: (i) => i, encodingsAt: () => [] };
}

// ---- the three decoders (one pass each over a text) ----------------------------------------------------------------

const HEX = /^[0-9A-Fa-f]{2}$/;

/** A layer builder: appends copied and decoded stretches, merging neighbouring copies. */
class Builder {
  readonly parts: string[] = [];
  readonly segments: Segment[] = [];
  length = 0;
  decoded = 0;
  copy(text: string, from: number, to: number): void {
    if (to <= from) return;
    this.parts.push(text.slice(from, to));
    const last = this.segments.at(-1);
    if (last && last.encoding === null && last.parentEnd === from) {
      last.end += to - from;
      last.parentEnd = to;
    } else this.segments.push({ start: this.length, end: this.length + to - from, parentStart: from, parentEnd: to, encoding: null });
    this.length += to - from;
  }
  emit(value: string, parentStart: number, parentEnd: number, encoding: Encoding): void {
    this.parts.push(value);
    this.segments.push({ start: this.length, end: this.length + value.length, parentStart, parentEnd, encoding });
    this.length += value.length;
    this.decoded += value.length;
  }
}

/**
 * `%XX` decoded (as UTF-8 where the bytes form it, else byte by byte). `+` is left as it is: in a query it means a
 * space, but in a URL-encoded base64 value it is part of the value. undefined when there is nothing to decode.
 */
export function urlDecodeLayer(parent: TextView): DecodedLayer | undefined {
  const text = parent.text;
  if (!/%[0-9A-Fa-f]{2}/.test(text)) return undefined;
  const b = new Builder();
  let copied = 0;
  for (let i = text.indexOf("%"); i >= 0 && i < text.length; i = text.indexOf("%", i)) {
    if (!HEX.test(text.slice(i + 1, i + 3))) {
      i++;
      continue;
    }
    // A run of %XX escapes decodes together, so multi-byte UTF-8 sequences come out whole.
    const start = i;
    const bytes: number[] = [];
    while (text[i] === "%" && HEX.test(text.slice(i + 1, i + 3))) {
      bytes.push(parseInt(text.slice(i + 1, i + 3), 16));
      i += 3;
    }
    b.copy(text, copied, start);
    const utf8 = Buffer.from(bytes).toString("utf8");
    if (!utf8.includes("\uFFFD")) {
      // One segment per escape keeps offsets exact for ASCII; a multi-byte character maps to its first escape.
      if (utf8.length === bytes.length) for (let k = 0; k < bytes.length; k++) b.emit(utf8[k]!, start + 3 * k, start + 3 * k + 3, "url");
      else b.emit(utf8, start, i, "url");
    } else {
      for (let k = 0; k < bytes.length; k++) b.emit(String.fromCharCode(bytes[k]!), start + 3 * k, start + 3 * k + 3, "url");
    }
    copied = i;
  }
  b.copy(text, copied, text.length);
  return new DecodedLayer(b.parts.join(""), "url", b.segments, parent, b.decoded);
}

const JSON_SIMPLE: Record<string, string> = { '"': '"', "\\": "\\", "/": "/", n: "\n", r: "\r", t: "\t", b: "\b", f: "\f" };

/** JSON string escapes (`\"`, `\\`, `\/`, `\n`, `\t`, `\uXXXX`, …) decoded. undefined when there are none. */
export function jsonUnescapeLayer(parent: TextView): DecodedLayer | undefined {
  const text = parent.text;
  if (!/\\(?:["\\/nrtbf]|u[0-9A-Fa-f]{4})/.test(text)) return undefined;
  const b = new Builder();
  let copied = 0;
  for (let i = text.indexOf("\\"); i >= 0 && i < text.length - 1; i = text.indexOf("\\", i)) {
    const next = text[i + 1]!;
    if (next in JSON_SIMPLE) {
      b.copy(text, copied, i);
      b.emit(JSON_SIMPLE[next]!, i, i + 2, "json-escape");
      i += 2;
      copied = i;
    } else if (next === "u" && /^[0-9A-Fa-f]{4}$/.test(text.slice(i + 2, i + 6))) {
      b.copy(text, copied, i);
      b.emit(String.fromCharCode(parseInt(text.slice(i + 2, i + 6), 16)), i, i + 6, "json-escape");
      i += 6;
      copied = i;
    } else i += 2;
  }
  b.copy(text, copied, text.length);
  return new DecodedLayer(b.parts.join(""), "json-escape", b.segments, parent, b.decoded);
}

/** A maximal run of base64 or base64url characters with optional padding (the alphabets are told apart later). */
const BASE64_RUN = /[A-Za-z0-9+/_-]+={0,2}/g;
const BASE64_CHAR = /[A-Za-z0-9+/_=-]/;

/**
 * Decodes one base64 value (standard or base64url, padded or not) to text. undefined unless it is well-formed
 * base64 of one alphabet and the bytes are printable UTF-8 text (tabs and line breaks allowed): binary data —
 * digests, keys, random identifiers read as base64 — is not a layer.
 */
export function decodeBase64Text(token: string): { text: string; encoding: "base64" | "base64url" } | undefined {
  const body = token.replace(/={1,2}$/, "");
  if (body.length < 2 || body.length % 4 === 1) return undefined;
  const standard = /[+/]/.test(body);
  const url = /[-_]/.test(body);
  if (standard && url) return undefined;
  // Padding, when present, must make the length a multiple of 4.
  if (body.length !== token.length && token.length % 4 !== 0) return undefined;
  const bytes = Buffer.from(body, url ? "base64url" : "base64");
  if (!isPrintableText(bytes)) return undefined;
  const text = bytes.toString("utf8");
  if (text.includes("\uFFFD")) return undefined;
  return { text, encoding: url ? "base64url" : "base64" };
}

/** Printable text: no control byte except TAB, LF, CR; at least one letter or digit. */
export function isPrintableText(bytes: Uint8Array): boolean {
  let alnum = false;
  for (const byte of bytes) {
    if (byte < 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0d) return false;
    if (byte === 0x7f) return false;
    if (!alnum && ((byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5a) || (byte >= 0x61 && byte <= 0x7a))) alnum = true;
  }
  return alnum;
}

/** Every base64 run of at least `minLength` characters that decodes to text, replaced by that text. */
export function base64Layer(parent: TextView, minLength = DEFAULT_DECODE_LIMITS.minBase64): DecodedLayer | undefined {
  const text = parent.text;
  const b = new Builder();
  let copied = 0;
  let any = false;
  BASE64_RUN.lastIndex = 0;
  for (const m of text.matchAll(BASE64_RUN)) {
    const token = m[0];
    if (token.length < minLength) continue;
    // The run must stand alone: nothing base64-like glued to either side (matchAll already takes maximal runs,
    // except a stray "=" inside, e.g. `a=b` splits; a run right after "=" is a value, so that is fine).
    const before = m.index > 0 ? text[m.index - 1]! : "";
    if (before && BASE64_CHAR.test(before) && before !== "=") continue;
    const decoded = decodeBase64Text(token);
    if (!decoded) continue;
    b.copy(text, copied, m.index);
    b.emit(decoded.text, m.index, m.index + token.length, decoded.encoding);
    copied = m.index + token.length;
    any = true;
  }
  if (!any) return undefined;
  b.copy(text, copied, text.length);
  const kinds = new Set(b.segments.filter((s) => s.encoding).map((s) => s.encoding));
  return new DecodedLayer(b.parts.join(""), kinds.has("base64") || !kinds.has("base64url") ? "base64" : "base64url", b.segments, parent, b.decoded);
}

const DECODERS: Array<(view: TextView, limits: DecodeLimits) => DecodedLayer | undefined> = [
  (v) => urlDecodeLayer(v),
  (v) => jsonUnescapeLayer(v),
  (v, limits) => base64Layer(v, limits.minBase64),
];

/**
 * Every decoded layer of `text`, breadth first: each decoder applied to the source, then to each layer, up to
 * `maxDepth`, stopping when `maxBytes` decoded characters or `maxLayers` layers are reached. The source itself is
 * not in the list. A layer identical to one already found is dropped.
 */
export function decodeLayers(text: string, limits: Partial<DecodeLimits> = {}): DecodedLayer[] {
  const lim: DecodeLimits = { ...DEFAULT_DECODE_LIMITS, ...limits };
  const out: DecodedLayer[] = [];
  const seen = new Set<string>([text]);
  let budget = lim.maxBytes;
  let frontier: TextView[] = [sourceView(text)];
  for (let depth = 1; depth <= lim.maxDepth && frontier.length > 0; depth++) {
    const next: TextView[] = [];
    for (const view of frontier) {
      for (const decoder of DECODERS) {
        if (out.length >= lim.maxLayers || budget <= 0) return out;
        const layer = decoder(view, lim);
        if (!layer || seen.has(layer.text)) continue;
        if (layer.decodedChars > budget) continue;
        budget -= layer.decodedChars;
        seen.add(layer.text);
        out.push(layer);
        next.push(layer);
      }
    }
    frontier = next;
  }
  return out;
}
