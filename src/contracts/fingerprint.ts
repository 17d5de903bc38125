import { createHmac } from "node:crypto";

/**
 * keyward's fingerprint of a secret: `kwf1_` + the first 16 hex digits of HMAC-SHA256(key, secret). It depends on the
 * value only (not on where it was seen), so the same secret has the same fingerprint in `keyward scan`, `keyward
 * audit-state` and the janitor's audit event, and a SOC can join them. 64 bits of a keyed hash do not identify a
 * 256-bit secret.
 *
 * The key is `KEYWARD_FINGERPRINT_KEY` when set (the same value must then be given to every keyward that reports:
 * scan, audit-state, the janitor), else the public default below, which keeps existing baselines valid. A private
 * key keeps anyone without it from testing a guessed value against a published fingerprint.
 */
export const DEFAULT_FINGERPRINT_KEY = "keyward/scan/fingerprint/v1";
export const FINGERPRINT_KEY_ENV = "KEYWARD_FINGERPRINT_KEY";

/** The fingerprint key a process with environment `env` uses. */
export function fingerprintKeyFrom(env: Record<string, string | undefined>): string {
  return env[FINGERPRINT_KEY_ENV]?.trim() || DEFAULT_FINGERPRINT_KEY;
}

/** `kwf1_…` of `secret` under `key` (by default the key this process's environment configures). */
export function fingerprintOf(secret: string, key: string | Buffer = fingerprintKeyFrom(process.env)): string {
  return `kwf1_${createHmac("sha256", key).update(secret).digest("hex").slice(0, 16)}`;
}
