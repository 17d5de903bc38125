import { decodeBase64Text } from "./layers.js";
import { isGenesysId } from "../contracts/genesys-id.js";

/** The credentials of an HTTP Basic authorization value: base64(user ":" password) (RFC 7617). */
export interface BasicCredentials {
  user: string;
  password: string;
  /** The alphabet the value was written in. */
  encoding: "base64" | "base64url";
  /** Whether the value carried its `=` padding. */
  padded: boolean;
}

export interface BasicMatch extends BasicCredentials {
  /** Offsets of the base64 value (not the word `Basic`) in the text searched. */
  start: number;
  end: number;
}

/**
 * Decodes a Basic authorization value, with or without the `Basic ` scheme in front (any case): padded or not,
 * standard base64 or base64url. undefined unless it decodes to printable text holding a `:` after a non-empty user.
 * The password is returned whatever its shape (a secret without a digit, too): judging it is the caller's rule.
 */
export function decodeBasic(value: string): BasicCredentials | undefined {
  const token = value.trim().replace(/^basic(?:\s+|%20|\+)/i, "");
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(token)) return undefined;
  const decoded = decodeBase64Text(token);
  if (!decoded) return undefined;
  const colon = decoded.text.indexOf(":");
  if (colon <= 0) return undefined;
  return { user: decoded.text.slice(0, colon), password: decoded.text.slice(colon + 1), encoding: decoded.encoding, padded: token.endsWith("=") };
}

const AFTER_SCHEME = /basic(?:\s+|%20|\+)([A-Za-z0-9+/_-]{8,}={0,2})/gi;
// base64 of "<36-character UUID>:" is 12 groups of 4 characters whose first character encodes a hex digit or "-"
// (top six bits of an ASCII digit, letter a-f/A-F or "-": L M N O Q R Y Z), then "O" for the colon.
const BARE_UUID_BASIC = /(?:[LMNOQRYZ][A-Za-z0-9+/_-]{3}){12}O[A-Za-z0-9+/_-]{4,}={0,2}/g;

/**
 * Every Basic credential in a text: the value after the word `Basic` (any case; then spaces, `%20` or `+`), and
 * bare base64 values that decode to `<uuid>:<password>` (the shape of a Genesys Cloud client's Basic value) without
 * the scheme in front. Overlapping matches are reported once.
 */
export function findBasicCredentials(text: string): BasicMatch[] {
  const out: BasicMatch[] = [];
  const seen = new Set<number>();
  const consider = (token: string, start: number, requireUuid: boolean) => {
    if (seen.has(start)) return;
    const before = start > 0 ? text[start - 1]! : "";
    const after = text[start + token.length] ?? "";
    if (/[A-Za-z0-9+/_-]/.test(before) && requireUuid) return;
    if (/[A-Za-z0-9+/_=-]/.test(after)) return;
    const creds = decodeBasic(token);
    if (!creds || (requireUuid && !isGenesysId(creds.user))) return;
    seen.add(start);
    out.push({ ...creds, start, end: start + token.length });
  };
  for (const m of text.matchAll(AFTER_SCHEME)) consider(m[1]!, m.index + m[0].length - m[1]!.length, false);
  for (const m of text.matchAll(BARE_UUID_BASIC)) consider(m[0], m.index, true);
  return out.sort((a, b) => a.start - b.start);
}

/** Is this a UUID (any case)? The Genesys id check, under the name the decoder's callers use. */
export const isUuid = isGenesysId;
