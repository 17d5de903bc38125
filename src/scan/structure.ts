/**
 * Reading the structure around a value, without parsing the file: the key a value sits under (`KEY=`, `"key": "`,
 * `key: `, `/key=`, `--key `, `<key>`, `["KEY"] = "`, `.withKey("`, Postman's `{"key": "name", "value": "…"}`),
 * and the scope it belongs to (the enclosing `{…}` object, Postman's key/value array, the TOML/INI section, the
 * YAML/env block of the same indentation). Pure functions over text; every walk is bounded.
 */
import type { CompiledRules } from "./rules.js";

/** Lower-case letters and digits only: the form key names are compared in. */
export function normalizeKey(key: string): string {
  return key.toLowerCase().replace(/[^a-z0-9]/g, "");
}

export type KeyRole = "secret" | "id" | "basic-password" | "basic-user" | "authorization-code" | "other";

export function keyRole(key: string | undefined, rules: CompiledRules): KeyRole {
  if (!key) return "other";
  const k = normalizeKey(key);
  const keys = rules.doc.keys;
  if (keys.authorization_code.some((s) => k === s || (s.length > 4 && k.endsWith(s)))) return "authorization-code";
  if (keys.secret.some((s) => k.endsWith(s))) return "secret";
  if (keys.id.some((s) => k.endsWith(s))) return "id";
  if (keys.basic_password.some((s) => k === s || k.endsWith(s))) return "basic-password";
  if (keys.basic_user.some((s) => k === s)) return "basic-user";
  return "other";
}

/** The part of a key that names whose credential it is: `ORG_A_CLIENT_SECRET` and `ORG_A_CLIENT_ID` share `orga`. */
export function keyStem(key: string, rules: CompiledRules): string {
  const k = normalizeKey(key);
  for (const s of [...rules.doc.keys.secret, ...rules.doc.keys.id, ...rules.doc.keys.basic_password, ...rules.doc.keys.basic_user]) if (k.endsWith(s)) return k.slice(0, -s.length);
  return k;
}

const KEY_CHAR = /[A-Za-z0-9_.$@-]/;
const MAX_KEY = 80;

/**
 * The key the value starting at `start` sits under, read backwards from it on its line; undefined when there is
 * none (a positional argument, prose). `"key": "`, `\"key\":\"` (escaped JSON) and `key%3D` (URL-encoded) alike.
 */
export function keyBefore(text: string, start: number): string | undefined {
  let i = start;
  const lineStart = Math.max(0, text.lastIndexOf("\n", start - 1) + 1, start - 240);
  const back = (n = 1) => (i -= n);
  const at = (k = 0) => (i - 1 - k >= lineStart ? text[i - 1 - k]! : "");
  const skipSpaces = () => {
    let n = 0;
    while (at() === " " || at() === "\t") {
      back();
      n++;
    }
    return n;
  };
  const skipQuote = () => {
    if (at() === '"' || at() === "'" || at() === "`") {
      back();
      if (at() === "\\") back();
      return true;
    }
    return false;
  };
  skipQuote();
  const spaces = skipSpaces();
  let sep: string | undefined;
  if (at() === "(") {
    sep = "(";
    back();
  } else if (at(1) === "=" && at() === ">") {
    sep = "=>";
    back(2);
  } else if (at(1) === ":" && at() === "=") {
    sep = ":=";
    back(2);
  } else if (/^%3[DdAa]$/.test(text.slice(Math.max(lineStart, i - 3), i)) && i - 3 >= lineStart) {
    sep = "=";
    back(3);
  } else if ("=:,>".includes(at()) && at() !== "") {
    sep = at();
    back();
  } else if (spaces > 0) sep = " ";
  if (!sep) return undefined;
  skipSpaces();
  if (sep === "(" && at() === "(") back();
  if (at() === "]") back();
  const quoted = skipQuote();
  if (sep === "(") skipSpaces();
  const end = i;
  while (at() !== "" && KEY_CHAR.test(at()) && end - i < MAX_KEY) back();
  let key = text.slice(i, end);
  if (!key) return undefined;
  // A key starts with a letter, `_`, `$`, `@` or a flag's dashes; it is not the tail of a longer token (a UUID).
  if (!/^(?:-{1,2}|[$@]?)[A-Za-z_]/.test(key)) return undefined;
  if (sep === "," && !quoted) return undefined;
  if (sep === " " && !key.startsWith("-")) return undefined;
  if (sep === ">" && at() !== "<") return undefined;
  // `/clientSecret=` (Windows-style CLI flags), `&client_secret=` (form bodies) and `-e KEY=` all read as the key.
  key = key.replace(/^-+/, "");
  if (normalizeKey(key) === "value") return postmanKey(text, i) ?? key;
  return key;
}

/** `{"key": "clientSecret", "value": "…"}`: the entry's `key`, looked for back to the entry's `{`. */
function postmanKey(text: string, from: number): string | undefined {
  const open = text.lastIndexOf("{", from);
  if (open < 0 || from - open > 600) return undefined;
  const m = /\\?["']key\\?["']\s*:\s*\\?["']([^"'\\]{1,80})\\?["']/.exec(text.slice(open, from));
  return m?.[1];
}

/** Where a value's siblings are: the span of its scope, and how the scope was recognised. */
export interface Scope {
  start: number;
  end: number;
  kind: "object" | "entries" | "section" | "block";
}

const MAX_BACK = 8 * 1024;
const MAX_FORWARD = 16 * 1024;

/** The innermost `open`…`close` pair around `index` (balanced, within the bounds), or undefined. */
function enclosing(text: string, index: number, open: string, close: string): [number, number] | undefined {
  let depth = 0;
  let start = -1;
  for (let i = index - 1; i >= Math.max(0, index - MAX_BACK); i--) {
    const ch = text[i];
    if (ch === close) depth++;
    else if (ch === open) {
      if (depth === 0) {
        start = i;
        break;
      }
      depth--;
    }
  }
  if (start < 0) return undefined;
  depth = 0;
  for (let i = start + 1; i < Math.min(text.length, start + MAX_FORWARD); i++) {
    const ch = text[i];
    if (ch === open) depth++;
    else if (ch === close) {
      if (depth === 0) return [start, i + 1];
      depth--;
    }
  }
  return undefined;
}

const SECTION = /^[ \t]*\[[^\]\n]{1,120}\][ \t]*$/gm;

/** The scope of the value at `index`: object (braces), Postman entries, TOML/INI section, or indentation block. */
export function scopeOf(text: string, index: number, postman: boolean): Scope | undefined {
  const object = enclosing(text, index, "{", "}");
  if (object) {
    if (postman) {
      const entries = enclosing(text, object[0], "[", "]");
      if (entries) return { start: entries[0], end: entries[1], kind: "entries" };
    }
    return { start: object[0], end: object[1], kind: "object" };
  }
  // A TOML / INI section: from the header before to the next header.
  let header = -1;
  let next = text.length;
  SECTION.lastIndex = 0;
  for (const m of text.matchAll(SECTION)) {
    if (m.index <= index) header = m.index;
    else {
      next = m.index;
      break;
    }
  }
  if (header >= 0) return { start: header, end: next, kind: "section" };
  return indentationBlock(text, index);
}

/** A block (an .env file, a YAML mapping) is read at most this many lines either side of the value. */
const MAX_BLOCK_LINES = 40;

/** The lines around `index` indented at least as far as its line, up to the first line indented less (blank lines kept). */
function indentationBlock(text: string, index: number): Scope {
  const lineStart = text.lastIndexOf("\n", index - 1) + 1;
  const indent = (from: number) => {
    let n = 0;
    while (text[from + n] === " " || text[from + n] === "\t") n++;
    return n;
  };
  const own = indent(lineStart);
  const blank = (from: number) => {
    const nl = text.indexOf("\n", from);
    return text.slice(from, nl < 0 ? text.length : nl).trim() === "";
  };
  let start = lineStart;
  let steps = 0;
  while (start > 0 && steps++ < MAX_BLOCK_LINES) {
    const prev = text.lastIndexOf("\n", start - 2) + 1;
    if (!blank(prev) && indent(prev) < own) break;
    start = prev;
  }
  let end = text.indexOf("\n", index);
  steps = 0;
  while (end >= 0 && end + 1 < text.length && steps++ < MAX_BLOCK_LINES) {
    const next = end + 1;
    if (!blank(next) && indent(next) < own) break;
    const nl = text.indexOf("\n", next);
    end = nl < 0 ? text.length : nl;
    if (nl < 0) break;
  }
  return { start, end: end < 0 ? text.length : end, kind: "block" };
}

/** Nesting depth of `index` inside a scope: braces and brackets opened since the scope's start. */
export function depthIn(text: string, scope: Scope, index: number): number {
  let depth = 0;
  for (let i = scope.start; i < index; i++) {
    const ch = text[i];
    if (ch === "{" || ch === "[") depth++;
    else if (ch === "}" || ch === "]") depth--;
  }
  return depth;
}

/** Indentation of the line holding `index`. */
export function indentOf(text: string, index: number): number {
  const lineStart = text.lastIndexOf("\n", index - 1) + 1;
  let n = 0;
  while (text[lineStart + n] === " " || text[lineStart + n] === "\t") n++;
  return n;
}

/**
 * Is the value at `index` an argument that follows a redirect URI in a call (`PostToken(id, secret,
 * "https://…/callback", "<value>")`)? Then the call is an authorization-code grant and the value its code.
 */
export function followsRedirectUri(text: string, index: number): boolean {
  const before = text.slice(Math.max(0, index - 400), index);
  return /["'`]https?:\/\/[^"'`\s]{1,200}["'`]\s*,\s*["'`]?$/.test(before);
}
