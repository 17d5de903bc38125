/**
 * Every encoded form of a secret (and of its Basic value with the client id) that an output could show: raw,
 * URL-encoded, JSON-escaped, base64 and base64url with and without padding, and HTTP Basic in each alphabet, also
 * URL-encoded. For redaction registries and for tests that search every output for every secret they minted.
 */
export function encodedForms(secret: string, clientId?: string): string[] {
  const forms = new Set<string>([secret, encodeURIComponent(secret), JSON.stringify(secret).slice(1, -1)]);
  const b64 = (text: string) => {
    const std = Buffer.from(text, "utf8").toString("base64");
    return [std, std.replace(/=+$/, ""), Buffer.from(text, "utf8").toString("base64url")];
  };
  for (const f of b64(secret)) forms.add(f);
  if (clientId) {
    for (const f of b64(`${clientId}:${secret}`)) {
      forms.add(f);
      forms.add(encodeURIComponent(f));
    }
  }
  return [...forms].filter((f) => f.length > 0);
}
