/**
 * One process-wide registry of secret values. Whatever handles a secret registers it the moment it has it;
 * the logger, error messages and every line keyward prints pass through `scrub`, so a registered value can
 * never be written out, even by a code path that forgot about it.
 */
const MIN_SECRET_LENGTH = 6;
const registered = new Set<string>();
/**
 * Registered values by their first MIN_SECRET_LENGTH characters, longest first within each list: a scrub looks each
 * position of the text up once, so its cost does not grow with the number of registered values (a verification
 * run registers thousands of pair forms; one regular expression over all of them made every error message slow).
 */
const byPrefix = new Map<string, string[]>();
/** Lists appended to since they were last sorted (sorted on their next use). */
const unsorted = new Set<string[]>();

export const REDACTED = "[REDACTED]";

/** Register a secret (and every form of it that might be printed, e.g. base64 of `id:secret`). */
export function registerSecret(...values: Array<string | undefined | null>): void {
  for (const value of values) {
    if (typeof value !== "string" || value.length < MIN_SECRET_LENGTH || registered.has(value)) continue;
    registered.add(value);
    const prefix = value.slice(0, MIN_SECRET_LENGTH);
    const list = byPrefix.get(prefix);
    if (!list) byPrefix.set(prefix, [value]);
    else {
      list.push(value);
      unsorted.add(list);
    }
  }
}

/** The forms of a Genesys client secret that could appear anywhere: the value and its HTTP Basic encoding. */
export function registerClientSecret(clientId: string, secret: string): void {
  registerSecret(secret, Buffer.from(`${clientId}:${secret}`).toString("base64"));
}

/** Every registered value in `text` replaced by [REDACTED] (leftmost first, the longest value at a position). */
export function scrub(text: string): string {
  if (registered.size === 0 || text.length < MIN_SECRET_LENGTH) return text;
  let out = "";
  let copied = 0;
  for (let i = 0; i + MIN_SECRET_LENGTH <= text.length; ) {
    const list = byPrefix.get(text.slice(i, i + MIN_SECRET_LENGTH));
    if (list && unsorted.delete(list)) list.sort((a, b) => b.length - a.length);
    const hit = list?.find((value) => text.startsWith(value, i));
    if (hit === undefined) {
      i++;
      continue;
    }
    out += text.slice(copied, i) + REDACTED;
    i += hit.length;
    copied = i;
  }
  return copied === 0 ? text : out + text.slice(copied);
}

/** Keys whose values are never logged, whatever they hold. */
const SENSITIVE_KEY = /^(secret|clientsecret|client_secret|password|authorization|secretstring|secretbinary|access_token|accesstoken|token|refresh_token|credentials?)$/i;

export function isSensitiveKey(key: string): boolean {
  return SENSITIVE_KEY.test(key);
}

/** A deep copy of `value` with sensitive keys censored and registered secrets scrubbed from strings. */
export function redactValue(value: unknown, depth = 0): unknown {
  if (depth > 8) return "[…]";
  if (typeof value === "string") return scrub(value);
  if (value === null || typeof value !== "object") return value;
  if (value instanceof Error) {
    return { name: value.name, message: scrub(value.message), ...("reason" in value ? { reason: (value as { reason: unknown }).reason } : {}) };
  }
  if (Array.isArray(value)) return value.map((v) => redactValue(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    out[k] = isSensitiveKey(k) ? REDACTED : redactValue(v, depth + 1);
  }
  return out;
}

/** For tests only: forget every registered value. */
export function resetSecretRegistry(): void {
  registered.clear();
  byPrefix.clear();
  unsorted.clear();
}
