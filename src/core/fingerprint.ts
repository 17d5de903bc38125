import { createHmac } from "node:crypto";

/**
 * A short keyed hash of a secret, for reports, audit events and baselines: the same secret always gives the same
 * fingerprint (so findings can be matched), and it cannot be reversed or checked against a guess without the key.
 * The key comes from `KEYWARD_FINGERPRINT_KEY` (set it per organisation); the built-in default only keeps
 * fingerprints stable across runs.
 */
export function fingerprint(secret: string, key = process.env.KEYWARD_FINGERPRINT_KEY || "keyward-fingerprint-v1"): string {
  return createHmac("sha256", key).update(secret).digest("hex").slice(0, 16);
}

/** The first characters of a secret, enough for a human to recognise which one it was (never more than 4). */
export function secretPrefix(secret: string): string {
  return `${secret.slice(0, 4)}…`;
}
