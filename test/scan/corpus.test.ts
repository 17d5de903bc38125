import { detect, detectBuffer } from "../../src/scan/detect.js";
import { secretOf } from "../../src/scan/finding.js";
import { loadRules } from "../../src/scan/rules.js";
import { scanText, scanTexts } from "../../src/scan/scan.js";
import { filesUnder, fixture, labels } from "./corpus.js";

const rules = loadRules();
const confidenceOf = (ruleId: string) => rules.doc.rules.find((r) => r.id === ruleId)!.confidence;

describe("the labeled corpus (test/fixtures/scan)", () => {
  it("labels every fixture file, and only those", () => {
    expect(filesUnder("positives")).toEqual(Object.keys(labels.positives).sort());
    expect(filesUnder("decoys")).toEqual(labels.decoys.map((d) => d.path).sort());
    expect(filesUnder("examples")).toEqual(labels.examples.flatMap((e) => filesUnder("examples").filter((f) => f.startsWith(`${e.dir}/`))).sort());
    expect(Object.keys(labels.positives).length).toBeGreaterThanOrEqual(40);
  });

  it.each(Object.entries(labels.positives))("finds every credential planted in %s, each with its own client id", (path, planted) => {
    const findings = scanText(fixture("positives", path), path);
    const found = findings.map((f) => ({ secret: secretOf(f), client_id: f.clientId }));
    const bySecret = (a: { secret: string }, b: { secret: string }) => a.secret.localeCompare(b.secret);
    expect(found.sort(bySecret)).toEqual(planted.map((p) => ({ secret: p.secret, client_id: p.client_id })).sort(bySecret));
    for (const p of planted) {
      const f = findings.find((x) => secretOf(x) === p.secret)!;
      if (p.rule_id) expect([path, f.ruleId, f.confidence]).toEqual([path, p.rule_id, confidenceOf(p.rule_id)]);
      if (p.decoded) expect([path, f.decoded]).toEqual([path, p.decoded]);
      // The paired id is also the strongest candidate, and every candidate is a canonical UUID.
      if (p.client_id) expect(f.candidates[0]?.clientId).toBe(p.client_id);
      for (const c of f.candidates) expect(c.clientId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    }
  });

  it.each(labels.decoys.map((d) => d.path))("reports nothing in the decoy %s", (path) => {
    expect(scanText(fixture("decoys", path), path)).toEqual([]);
  });

  it.each(labels.examples.map((e) => [e.dir, e] as const))("reports the value repeated through the documentation in %s once, as an example that does not fail", (dir, example) => {
    const files = filesUnder("examples").filter((f) => f.startsWith(`${dir}/`));
    expect(files).toHaveLength(example.files);
    const findings = scanTexts(files.map((path) => ({ path, text: fixture("examples", path) })));
    expect(findings.map((f) => [secretOf(f), f.clientId, f.example, f.occurrences])).toEqual([[example.secret, example.client_id, true, example.files]]);
  });

  it("finds the same through the byte prefilter as in the decoded text, for every file of the corpus", () => {
    const all = [
      ...filesUnder("positives").map((f) => ["positives", f] as const),
      ...filesUnder("decoys").map((f) => ["decoys", f] as const),
      ...filesUnder("examples").map((f) => ["examples", f] as const),
    ];
    for (const [kind, path] of all) {
      const text = fixture(kind, path);
      expect([path, detectBuffer(Buffer.from(text, "utf8"), rules)]).toEqual([path, detect(text, rules)]);
    }
  });

  it("names the region of the host next to a finding", () => {
    const [finding] = scanText(fixture("positives", "curl/token-u.sh"), "curl/token-u.sh");
    expect(finding?.region).toBe("eu-west-1");
  });

  it("tells the tiers apart: Genesys context is high confidence, a generic client-credentials pair medium", () => {
    const tiers = Object.keys(labels.positives).flatMap((path) => scanText(fixture("positives", path), path).map((f) => f.confidence));
    expect(new Set(tiers)).toEqual(new Set(["high", "medium"]));
  });
});
