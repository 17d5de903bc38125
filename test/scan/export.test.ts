import { parse } from "yaml";
import { captureRegexes, githubPatterns, renderGithub, renderGitleaks, renderTrufflehog, type GithubPattern } from "../../src/scan/export.js";
import { portabilityProblems } from "../../src/scan/portable-regex.js";
import { loadRules } from "../../src/scan/rules.js";
import { fixture, labels } from "./corpus.js";
import { githubMatches } from "./github-patterns.js";

/** base64(id:secret) in every alphabet and padding (what a Basic match reports). */
const basicForms = (id: string, secret: string) => {
  const b = Buffer.from(`${id}:${secret}`);
  return [b.toString("base64"), b.toString("base64").replace(/=+$/, ""), b.toString("base64url")];
};

const allGithub = (text: string) => githubPatterns().flatMap((p) => githubMatches(text, p));

describe("GitHub custom patterns (keyward patterns --format github)", () => {
  it("is a patterns.yml of advanced-security/secret-scanning-custom-patterns", () => {
    const doc = parse(renderGithub()) as { name: string; patterns: GithubPattern[] };
    expect(doc.name).toBe("Genesys Cloud");
    expect(doc.patterns).toEqual(githubPatterns());
    for (const p of doc.patterns) {
      expect(Object.keys(p.regex)).toEqual(expect.arrayContaining(["version", "pattern", "start", "end"]));
      for (const re of [p.regex.pattern, p.regex.start, p.regex.end, ...(p.regex.additional_match ?? []), ...(p.regex.additional_not_match ?? [])]) {
        expect([re, portabilityProblems(re)]).toEqual([re, []]);
      }
    }
  });

  const formsOf = (p: { secret: string; client_id: string | null }) => [p.secret, ...(p.client_id ? basicForms(p.client_id, p.secret) : [])];
  const exported = Object.entries(labels.positives).flatMap(([path, planted]) => planted.filter((p) => !p.missed_by?.includes("github")).map((p) => [path, p] as const));
  it.each(exported)("finds the credential in %s", (path, planted) => {
    const found = allGithub(fixture("positives", path));
    expect(found.some((f) => formsOf(planted).includes(f))).toBe(true);
  });

  it.each(labels.decoys.filter((d) => !d.flagged_by?.includes("github")).map((d) => d.path))("finds nothing in the decoy %s", (path) => {
    // Lock files are excluded by path in keyward and gitleaks; GitHub has no path filter, so they are left out here.
    if (path === "package-lock.json") return;
    expect(allGithub(fixture("decoys", path))).toEqual([]);
  });

  it("keeps the known gaps known: what the labels say GitHub misses or flags, it really does", () => {
    for (const [path, planted] of Object.entries(labels.positives)) {
      for (const p of planted.filter((x) => x.missed_by?.includes("github")))
        expect([path, allGithub(fixture("positives", path)).some((f) => formsOf(p).includes(f))]).toEqual([path, false]);
    }
    for (const d of labels.decoys.filter((x) => x.flagged_by?.includes("github"))) expect([d.path, allGithub(fixture("decoys", d.path)).length > 0]).toEqual([d.path, true]);
  });

  it("excludes digitless and identifier-shaped values that sit right after a client-secret key", () => {
    const text = [
      'clientSecret = "GetEmailsSettingsThreadingAsyncWithHttpInfo"',
      'clientSecret = "PostAnalyticsConversationsDetailsJobsAsync2"',
      "client_secret=should_reject_expired_secret_when_rotated_9",
      "CLIENT_SECRET=__WEBPACK_IMPORTED_MODULE_3_purecloud_pla01",
    ].join("\n");
    expect(allGithub(text)).toEqual([]);
  });
});

type TomlTable = Record<string, unknown>;
type TomlRule = TomlTable & { allowlists: TomlTable[]; required: TomlTable[] };

/** Just enough TOML for the file keyward writes: [[tables]], key = string | number | boolean | [strings]. */
function parseToml(text: string): { title?: string; rules: TomlRule[] } {
  const doc: { title?: string; rules: TomlRule[] } = { rules: [] };
  let target: TomlTable = doc as unknown as TomlTable;
  const value = (src: string): [unknown, string] => {
    src = src.trimStart();
    if (src.startsWith("'''")) {
      const end = src.indexOf("'''", 3);
      return [src.slice(3, end), src.slice(end + 3)];
    }
    if (src.startsWith('"')) {
      const m = /^"(?:[^"\\]|\\.)*"/.exec(src)!;
      return [JSON.parse(m[0]), src.slice(m[0].length)];
    }
    if (src.startsWith("[")) {
      const items: unknown[] = [];
      let rest = src.slice(1).trimStart();
      while (!rest.startsWith("]")) {
        const [item, after] = value(rest);
        items.push(item);
        rest = after.trimStart().replace(/^,/, "").trimStart();
      }
      return [items, rest.slice(1)];
    }
    if (src.startsWith("true")) return [true, src.slice(4)];
    if (src.startsWith("false")) return [false, src.slice(5)];
    const m = /^[-0-9.]+/.exec(src);
    if (!m) throw new Error(`bad TOML value: ${src.slice(0, 20)}`);
    return [Number(m[0]), src.slice(m[0].length)];
  };
  for (const line of text.split("\n")) {
    if (!line.trim() || line.startsWith("#")) continue;
    if (line === "[[rules]]") {
      doc.rules.push({ allowlists: [], required: [] });
      target = doc.rules.at(-1)!;
    } else if (line === "[[rules.allowlists]]" || line === "[[rules.required]]") {
      const list = doc.rules.at(-1)![line === "[[rules.allowlists]]" ? "allowlists" : "required"];
      list.push({});
      target = list.at(-1)!;
    } else {
      const m = /^([A-Za-z]+) = (.*)$/.exec(line);
      if (!m) throw new Error(`bad TOML line: ${line}`);
      const [v, rest] = value(m[2]!);
      if (rest.trim()) throw new Error(`trailing text in: ${line}`);
      target[m[1]!] = v;
    }
  }
  return doc;
}

describe("gitleaks and TruffleHog exports", () => {
  const expected = captureRegexes();
  const rules = loadRules();

  it("writes a gitleaks TOML config that parses and carries keyward's regexes, keywords, composite rules and exclusions", () => {
    const doc = parseToml(renderGitleaks());
    expect(doc.title).toContain("Genesys");
    expect(doc.rules.map((r) => [r.id, r.regex, r.secretGroup, r.keywords])).toEqual(expected.map((e) => [e.id, e.regex, 1, e.keywords]));
    const byId = new Map(doc.rules.map((r) => [r.id as string, r]));
    expect(byId.get("genesys-oauth-client-secret")!.entropy).toBe(rules.doc.secret.entropy_min);
    // The Genesys rule is gated by key names and requires the Genesys context nearby; the generic pair requires a client id.
    expect(byId.get("genesys-oauth-client-secret")!.required).toEqual([{ id: "genesys-context", withinLines: rules.doc.exports.context_within_lines }]);
    expect(byId.get("oauth-client-credentials-pair")!.required).toEqual([{ id: "oauth-client-id", withinLines: rules.doc.client_id.pair_within_lines }]);
    expect([byId.get("genesys-context")!.skipReport, byId.get("oauth-client-id")!.skipReport]).toEqual([true, true]);
    const secretAllowlist = byId.get("genesys-oauth-client-secret")!.allowlists.find((a) => a.regexTarget === "secret")!;
    expect(secretAllowlist.regexes).toEqual(expect.arrayContaining([...rules.doc.secret.not_match, "^[A-Za-z_-]{43}$"]));
    expect(secretAllowlist.stopwords).toEqual(rules.doc.allowlist.stopwords.map((w) => String(w).toLowerCase()));
    for (const r of doc.rules)
      for (const a of r.allowlists) for (const re of [...((a.regexes as string[]) ?? []), ...((a.paths as string[]) ?? [])]) expect(() => new RegExp(re)).not.toThrow();
  });

  it("writes TruffleHog custom detectors that parse and carry the same regexes", () => {
    const doc = parse(renderTrufflehog()) as {
      detectors: Array<{ name: string; keywords: string[]; regex: Record<string, string>; entropy?: number; exclude_regexes_capture?: string[] }>;
    };
    const reported = expected.filter((e) => !e.auxiliary);
    expect(doc.detectors.map((d) => d.regex.secret)).toEqual(reported.map((e) => e.regex));
    for (const d of doc.detectors) expect(d.keywords.length).toBeGreaterThan(0);
    // The generic pair: a client-id regex beside the secret's, and no entropy floor (TruffleHog would apply it to the UUID too).
    const pair = doc.detectors.find((d) => d.name === "OauthClientCredentialsPair")!;
    expect(Object.keys(pair.regex).sort()).toEqual(["client_id", "secret"]);
    expect(pair.entropy).toBeUndefined();
    for (const re of pair.exclude_regexes_capture ?? [])
      expect(["6f1c2a4e-8d3b-4c7a-9e21-5b0f3d8a7c14", re, new RegExp(re).test("6f1c2a4e-8d3b-4c7a-9e21-5b0f3d8a7c14")]).toEqual([
        "6f1c2a4e-8d3b-4c7a-9e21-5b0f3d8a7c14",
        re,
        false,
      ]);
  });

  it("uses RE2-portable regexes whose group 1 finds the corpus in JavaScript too", () => {
    for (const e of expected) expect([e.id, portabilityProblems(e.regex, { allowCapture: true })]).toEqual([e.id, []]);
    const find = (text: string) => expected.filter((e) => !e.auxiliary).flatMap((e) => [...text.matchAll(new RegExp(e.regex, "g"))].map((m) => m[1]!));
    for (const [path, planted] of Object.entries(labels.positives)) {
      for (const p of planted.filter((x) => !x.missed_by?.includes("gitleaks"))) {
        // gitleaks decodes base64 itself; in JavaScript the decoded forms are left out here.
        if (p.missed_by?.includes("github")) continue;
        const b = p.client_id ? Buffer.from(`${p.client_id}:${p.secret}`) : undefined;
        const forms = [p.secret, ...(b ? [b.toString("base64"), b.toString("base64").replace(/=+$/, ""), b.toString("base64url")] : [])];
        expect([path, find(fixture("positives", path)).some((f) => forms.includes(f))]).toEqual([path, true]);
      }
    }
  });
});
