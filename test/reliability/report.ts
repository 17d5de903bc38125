import { appendFileSync } from "node:fs";

/** Each reliability test prints what it tried (counts), so a reader sees more than a green tick. */
export function report(id: string, line: string): void {
  const text = `[${id}] ${line}\n`;
  process.stdout.write(text);
  if (process.env.KEYWARD_RELIABILITY_REPORT) appendFileSync(process.env.KEYWARD_RELIABILITY_REPORT, text);
}

/** Every form in which a secret could leak: raw, URL-encoded, JSON-escaped, base64, and base64(id:secret). */
export function leakForms(secret: string, clientIds: string[] = []): string[] {
  return [
    secret,
    encodeURIComponent(secret),
    JSON.stringify(secret).slice(1, -1),
    Buffer.from(secret).toString("base64"),
    ...clientIds.map((id) => Buffer.from(`${id}:${secret}`).toString("base64")),
  ];
}

/** R1 canary: how many of `secrets` appear, in any form, in `haystacks`. */
export function canary(haystacks: string[], secrets: Iterable<string>, clientIds: string[] = []): { searched: number; forms: number; hits: string[] } {
  const text = haystacks.join("\n");
  let forms = 0;
  const hits: string[] = [];
  let searched = 0;
  for (const s of secrets) {
    if (!s || s.length < 8) continue;
    searched++;
    for (const f of leakForms(s, clientIds)) {
      forms++;
      if (text.includes(f)) hits.push(`${s.slice(0, 4)}… as ${f === s ? "raw" : "encoded"}`);
    }
  }
  return { searched, forms, hits };
}
