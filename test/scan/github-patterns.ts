import type { GithubPattern } from "../../src/scan/export.js";

/** Hyperscan's \A and \z in JavaScript (no multiline flag: ^ and $ are the text's ends). */
const toJs = (re: string) => re.replace(/\\A/g, "^").replace(/\\z/g, "$");

/**
 * GitHub's custom-pattern semantics, applied in JavaScript: the secret is a match of `pattern` that `start` ends
 * right before and `end` begins right after, and that satisfies every additional_match and no
 * additional_not_match. Returns the secrets (the `pattern` parts).
 */
export function githubMatches(text: string, p: GithubPattern): string[] {
  const body = new RegExp(p.regex.pattern, "y");
  const start = new RegExp(`(?:${toJs(p.regex.start)})$`);
  const end = new RegExp(`^(?:${toJs(p.regex.end)})`);
  const must = (p.regex.additional_match ?? []).map((r) => new RegExp(r));
  const mustNot = (p.regex.additional_not_match ?? []).map((r) => new RegExp(r));
  const out: string[] = [];
  for (let i = 0; i < text.length; i++) {
    body.lastIndex = i;
    const m = body.exec(text);
    if (!m) continue;
    const secret = m[0];
    if (!start.test(text.slice(Math.max(0, i - 400), i)) || !end.test(text.slice(i + secret.length, i + secret.length + 400))) continue;
    if (must.every((r) => r.test(secret)) && !mustNot.some((r) => r.test(secret))) out.push(secret);
  }
  return out;
}
