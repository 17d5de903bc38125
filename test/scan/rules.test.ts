import { randomBytes } from "node:crypto";
import { GENESYS_REGIONS } from "../../src/genesys/regions.js";
import { detect, isSecretValue, shannonEntropy } from "../../src/scan/detect.js";
import { loadRules } from "../../src/scan/rules.js";
import { portabilityProblems } from "../../src/scan/portable-regex.js";

const rules = loadRules();

describe("the rules file", () => {
  it("lists the 18 regions of src/genesys/regions.ts", () => {
    expect(rules.doc.regions).toEqual(GENESYS_REGIONS.map((r) => ({ name: r.name, domain: r.domain })));
  });

  it("keeps every regex within what Hyperscan, RE2 and JavaScript all accept", () => {
    const regexes = [
      rules.doc.secret.regex,
      rules.doc.client_id.regex,
      ...rules.doc.secret.must_match,
      ...rules.doc.allowlist.paths,
      ...rules.doc.rules.flatMap((r) => (r.regex ? [r.regex] : [])),
    ];
    for (const re of regexes) {
      expect([re, portabilityProblems(re)]).toEqual([re, []]);
      expect(() => new RegExp(re)).not.toThrow();
    }
  });

  it("gives each rule samples on both sides", () => {
    for (const rule of rules.doc.rules) {
      expect(rule.samples.positives.length).toBeGreaterThan(0);
      expect(rule.samples.negatives.length).toBeGreaterThan(0);
    }
  });

  const positives = rules.doc.rules.flatMap((rule) => rule.samples.positives.map((sample) => [rule.id, sample] as const));
  it.each(positives)("%s finds its positive sample %#", (ruleId, sample) => {
    const found = detect(sample, rules);
    expect(found.map((f) => f.ruleId)).toContain(ruleId);
  });

  const negatives = rules.doc.rules.flatMap((rule) => rule.samples.negatives.map((sample) => [rule.id, sample] as const));
  it.each(negatives)("%s stays silent on its negative sample %#", (_ruleId, sample) => {
    expect(detect(sample, rules)).toEqual([]);
  });
});

describe("the portability check", () => {
  it.each([
    ["(?=x)", "lookahead"],
    ["(?!x)", "negative lookahead"],
    ["(?<=x)", "lookbehind"],
    ["(?<!x)", "negative lookbehind"],
    ["(?<name>x)", "named group"],
    ["(a)\\1", "backreference"],
    ["(x)", "capturing group"],
    ["(?i)abc", "inline flag"],
    ["a++", "possessive"],
    ["(?>a)", "atomic group"],
    ["\\Z", "\\Z"],
    ["\\K", "\\K"],
  ])("rejects %s (%s)", (re) => {
    expect(portabilityProblems(re).length).toBeGreaterThan(0);
  });
  it("accepts escaped look-alikes and character classes", () => {
    expect(portabilityProblems("\\(\\?=[(?!]\\\\1")).toEqual([]);
    expect(portabilityProblems("(?:a|b){1,3}?[^0-9A-Za-z_+/-]\\z")).toEqual([]);
  });
});

describe("secret values", () => {
  it("accepts random 32-byte base64url values (the entropy floor and the class checks lose almost none)", () => {
    let rejected = 0;
    for (let i = 0; i < 2000; i++) if (!isSecretValue(randomBytes(32).toString("base64url"), rules)) rejected++;
    // Expected ≈ 1.4 (a value without a digit, an upper- or a lower-case letter); 20 is far outside chance.
    expect(rejected).toBeLessThan(20);
  });

  it.each([
    ["repeated characters", "a".repeat(43)],
    ["a sequence", "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQ"],
    ["a placeholder", "your-client-secret-goes-here-1234567890ABCD"],
    ["no digit", "kQzXbNwPmRtYvLsJhGfDcAeUiOpKjHgFdSaZxCvBnMq"],
    ["the wrong length", randomBytes(33).toString("base64url")],
  ])("rejects %s", (_name, value) => {
    expect(isSecretValue(value, rules)).toBe(false);
  });

  it("measures Shannon entropy", () => {
    expect(shannonEntropy("aaaa")).toBe(0);
    expect(shannonEntropy("abcd")).toBe(2);
  });
});

describe("detection details", () => {
  const ID = "6f1c2a4e-8d3b-4c7a-9e21-5b0f3d8a7c14";
  const SECRET = "Ct5zrCxDsD1Upz7YJ5r9pLmN6WG1nUchdZtN63FIq3w";

  it("reports line and column of the secret, the paired id and the region of the nearest host", () => {
    const text = `# genesys\nregion_host = "api.mypurecloud.jp"\nclient_id = "${ID}"\n\nclient_secret = "${SECRET}"\n`;
    expect(detect(text, rules)).toEqual([
      {
        ruleId: "genesys-oauth-client-secret",
        secret: SECRET,
        clientId: ID,
        candidates: [{ clientId: ID, provenance: "structural" }],
        region: "ap-northeast-1",
        confidence: "high",
        decoded: [],
        index: text.indexOf(SECRET),
        length: 43,
        line: 5,
        column: 18,
      },
    ]);
  });

  it("pairs only within the configured number of lines, preferring the same line", () => {
    const far = `genesys\nid=${ID}\n${"\n".repeat(6)}secret=${SECRET}`;
    expect(detect(far, rules)[0]?.clientId).toBeUndefined();
    const other = "11111111-2222-4333-8444-555555555555";
    const sameLine = `genesys\nid=${ID}\n${other}:${SECRET}`;
    expect(detect(sameLine, rules)[0]?.clientId).toBe(other);
  });

  it("needs a Genesys word within the window, before or after", () => {
    expect(detect(`genesys${" ".repeat(390)}=${SECRET}`, rules)).toHaveLength(1);
    expect(detect(`genesys${" ".repeat(420)}=${SECRET}`, rules)).toHaveLength(0);
    expect(detect(`${SECRET} ${" ".repeat(380)}purecloud`, rules)).toHaveLength(1);
  });

  it("decodes URL-encoded and JSON-escaped text with positions in the original", () => {
    const basic = Buffer.from(`${ID}:${SECRET}`).toString("base64");
    const text = `x\nAuthorization=Basic%20${encodeURIComponent(basic)}`;
    const [found] = detect(text, rules);
    expect(found).toMatchObject({ ruleId: "genesys-oauth-basic-credentials", clientId: ID, secret: SECRET, line: 2, column: 23 });
    expect(found?.decoded).toEqual(["url", "base64"]);
  });

  it("ignores lines marked keyward:allow", () => {
    expect(detect(`genesys ${SECRET} // keyward:allow`, rules)).toEqual([]);
  });
});

describe("the identifier shapes (secret.not_match)", () => {
  it("exclude almost no random secret: fewer than 1 in 2,000 of 40,000 random 32-byte values", () => {
    let excluded = 0;
    for (let i = 0; i < 40_000; i++) {
      const value = randomBytes(32).toString("base64url");
      if (rules.notMatch.some((re) => re.test(value))) excluded++;
    }
    // Expected ≈ 6 (each shape is at most ~1e-4); 20 is far outside chance.
    expect(excluded).toBeLessThan(20);
  });

  it.each([
    ["CamelCase words", "GetEmailsSettingsThreadingAsyncWithHttpInfo"],
    ["CamelCase with digits", "PostAnalyticsConversationsDetailsJobsAsync2"],
    ["snake_case test names", "should_reject_expired_secret_when_rotated_9"],
    ["Capitalised_Snake test names", "Rotates_The_Client_Secret_Without_Downtime2"],
    ["bundler symbols", "__WEBPACK_IMPORTED_MODULE_3_purecloud_pla01"],
  ])("exclude %s", (_name, value) => {
    expect(value).toHaveLength(43);
    expect(isSecretValue(value, rules)).toBe(false);
  });
});
