import { fingerprintOf } from "../contracts/fingerprint.js";

/**
 * The audit event's fingerprint of a leaked secret: keyward's one scheme (src/contracts/fingerprint.ts, README
 * "Fingerprints"), `kwf1_` + 16 hex digits of HMAC-SHA256 under `KEYWARD_FINGERPRINT_KEY` (or the public default),
 * so a SOC can join the janitor's event with the scan finding and the audit-state finding about the same secret.
 */
export function secretFingerprint(key: string | Buffer, secret: string): string {
  return fingerprintOf(secret, key);
}
