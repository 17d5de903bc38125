/**
 * One process-wide registry of secret values. Whatever handles a secret registers it the moment it has it;
 * the logger, error messages and every line keyward prints pass through `scrub`, so a registered value can
 * never be written out, even by a code path that forgot about it.
 *
 * A long-running process (the janitor) handles a stream of other people's secrets: each unit of work runs in a
 * redaction scope ({@link withRedactionScope}); what is registered inside it is scrubbed inside it and dropped with
 * it, so the process-wide registry does not grow with every delivery.
 */
import { AsyncLocalStorage } from "node:async_hooks";

const MIN_SECRET_LENGTH = 6;

export const REDACTED = "[REDACTED]";

/**
 * A set of registered values, indexed by their first MIN_SECRET_LENGTH characters, longest first within each list: a
 * scrub looks each position of the text up once, so its cost does not grow with the number of registered values (a
 * verification run registers thousands of pair forms; one regular expression over all of them made every error
 * message slow).
 */
class SecretSet {
  readonly values = new Set<string>();
  private readonly byPrefix = new Map<string, string[]>();
  /** Lists appended to since they were last sorted (sorted on their next use). */
  private readonly unsorted = new Set<string[]>();

  add(value: string): void {
    if (this.values.has(value)) return;
    this.values.add(value);
    const prefix = value.slice(0, MIN_SECRET_LENGTH);
    const list = this.byPrefix.get(prefix);
    if (!list) this.byPrefix.set(prefix, [value]);
    else {
      list.push(value);
      this.unsorted.add(list);
    }
  }

  /** The longest registered value that starts at `i` in `text`. */
  hitAt(text: string, i: number): string | undefined {
    const list = this.byPrefix.get(text.slice(i, i + MIN_SECRET_LENGTH));
    if (!list) return undefined;
    if (this.unsorted.delete(list)) list.sort((a, b) => b.length - a.length);
    return list.find((value) => text.startsWith(value, i));
  }

  clear(): void {
    this.values.clear();
    this.byPrefix.clear();
    this.unsorted.clear();
  }
}

const registered = new SecretSet();
const scopes = new AsyncLocalStorage<SecretSet>();

/** Register a secret (and every form of it that might be printed, e.g. base64 of `id:secret`): in the current redaction scope, else process-wide. */
export function registerSecret(...values: Array<string | undefined | null>): void {
  const into = scopes.getStore() ?? registered;
  for (const value of values) {
    if (typeof value !== "string" || value.length < MIN_SECRET_LENGTH || registered.values.has(value)) continue;
    into.add(value);
  }
}

/** Register a secret process-wide even inside a scope (the process's own credentials, read during a unit of work). */
export function registerProcessSecret(...values: Array<string | undefined | null>): void {
  for (const value of values) if (typeof value === "string" && value.length >= MIN_SECRET_LENGTH) registered.add(value);
}

/** The forms of a Genesys client secret that could appear anywhere: the value and its HTTP Basic encoding. */
export function registerClientSecret(clientId: string, secret: string): void {
  registerSecret(secret, Buffer.from(`${clientId}:${secret}`).toString("base64"));
}

/**
 * Runs `work` in its own redaction scope: secrets registered during it are scrubbed from everything written during
 * it (as well as the process-wide ones) and forgotten when it ends. Scopes nest: an inner scope also scrubs the
 * outer scopes' secrets.
 */
export function withRedactionScope<T>(work: () => Promise<T>): Promise<T> {
  const outer = scopes.getStore();
  const scope = new SecretSet();
  if (outer) for (const v of outer.values) scope.add(v);
  return scopes.run(scope, async () => {
    try {
      return await work();
    } finally {
      scope.clear();
    }
  });
}

/** How many secrets are registered process-wide and in the current scope (tests of registry growth). */
export function registrySize(): { process: number; scope: number } {
  return { process: registered.values.size, scope: scopes.getStore()?.values.size ?? 0 };
}

/** Every registered value in `text` replaced by [REDACTED] (leftmost first, the longest value at a position). */
export function scrub(text: string): string {
  const scope = scopes.getStore();
  if ((registered.values.size === 0 && !scope?.values.size) || text.length < MIN_SECRET_LENGTH) return text;
  let out = "";
  let copied = 0;
  for (let i = 0; i + MIN_SECRET_LENGTH <= text.length; ) {
    const a = registered.hitAt(text, i);
    const b = scope?.hitAt(text, i);
    const hit = a === undefined ? b : b === undefined || a.length >= b.length ? a : b;
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
}
