import type { Detector } from "./extract.js";

/**
 * The fallback detector for strings in a state: a Genesys client secret is 43 characters of base64url with the
 * entropy of 32 random bytes. Bounded by delimiters (no lookarounds), and an entropy floor keeps hashes of words,
 * placeholders and repeated characters out.
 */
const TOKEN = /[A-Za-z0-9_-]{43,}/g;

export const genesysSecretDetector: Detector = (text) => {
  const out: Array<{ secret: string; ruleId: string }> = [];
  for (const match of text.matchAll(TOKEN)) {
    const value = match[0];
    if (value.length !== 43) continue;
    // Random 32 bytes lack an upper- or lower-case letter with odds of about 1e-10; many words and ids lack one.
    if (!/[A-Z]/.test(value) || !/[a-z]/.test(value)) continue;
    // Random 43-character base64url measures 4.3–5.3 bits per character; 3.8 leaves room and keeps "aaaa…" out.
    if (shannon(value) < 3.8) continue;
    out.push({ secret: value, ruleId: "genesys-client-secret" });
  }
  return out;
};

function shannon(s: string): number {
  const counts = new Map<string, number>();
  for (const c of s) counts.set(c, (counts.get(c) ?? 0) + 1);
  let h = 0;
  for (const n of counts.values()) h -= (n / s.length) * Math.log2(n / s.length);
  return h;
}
