import { createHmac } from "node:crypto";

/**
 * keyward's fingerprint of a secret: `kwf1_` + the first 16 hex digits of HMAC-SHA256(key, secret). It depends on the
 * value only (not on where it was seen), so the same secret has the same fingerprint in `keyward scan`, `keyward
 * audit-state` and the janitor's audit event, and a SOC can join them. 64 bits of a keyed hash do not identify a
 * 256-bit secret.
 */
const DEFAULT_FINGERPRINT_KEY = "keyward/scan/fingerprint/v1";

export function fingerprintOf(secret: string, key: string | Buffer = DEFAULT_FINGERPRINT_KEY): string {
  return `kwf1_${createHmac("sha256", key).update(secret).digest("hex").slice(0, 16)}`;
}
