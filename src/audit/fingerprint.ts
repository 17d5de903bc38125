import { createHmac } from "node:crypto";

/**
 * A short keyed fingerprint of a secret: `hmac-sha256:` + the first 16 hex digits of HMAC-SHA256(key, secret).
 * Lets the SOC correlate events about the same secret without the value; without the key it cannot be brute-forced
 * from the event, and 64 bits do not identify the value.
 */
export function secretFingerprint(key: string | Buffer, secret: string): string {
  return "hmac-sha256:" + createHmac("sha256", key).update(secret, "utf8").digest("hex").slice(0, 16);
}

/** The fingerprint key derived from a root secret (the webhook secret), so no extra secret needs managing. */
export function deriveFingerprintKey(rootSecret: string): Buffer {
  return createHmac("sha256", rootSecret).update("keyward janitor audit fingerprint v1").digest();
}
