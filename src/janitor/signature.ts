import { createHmac, timingSafeEqual } from "node:crypto";

/** `sha256=<lowercase hex HMAC-SHA256(secret, raw body)>`, as GitHub sends in `X-Hub-Signature-256`. */
export function signPayload(secret: string, body: Buffer | string): string {
  return "sha256=" + createHmac("sha256", secret).update(body).digest("hex");
}

/**
 * Verifies the raw body against the header with each secret in turn (current first, then previous), in constant
 * time per comparison, before anything is parsed. A missing or malformed header is simply not valid.
 */
export function verifySignature(secrets: readonly string[], body: Buffer, header: string | undefined): boolean {
  if (typeof header !== "string" || !/^sha256=[0-9a-f]{64}$/.test(header)) return false;
  const given = Buffer.from(header, "utf8");
  let valid = false;
  for (const secret of secrets) {
    if (!secret) continue;
    const expected = Buffer.from(signPayload(secret, body), "utf8");
    // Every configured secret is compared, so timing does not reveal which one matched.
    if (expected.length === given.length && timingSafeEqual(expected, given)) valid = true;
  }
  return valid;
}
