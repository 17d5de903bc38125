import { secretOf } from "../../src/scan/finding.js";
import { scanText } from "../../src/scan/scan.js";
import { filesUnder, fixture, labels } from "./corpus.js";

describe("the labeled corpus (test/fixtures/scan)", () => {
  it("labels every fixture file, and only those", () => {
    expect(filesUnder("positives")).toEqual(Object.keys(labels.positives).sort());
    expect(filesUnder("decoys")).toEqual(labels.decoys.map((d) => d.path).sort());
    expect(Object.keys(labels.positives).length).toBeGreaterThanOrEqual(25);
  });

  it.each(Object.entries(labels.positives))("finds every credential planted in %s, paired", (path, planted) => {
    const findings = scanText(fixture("positives", path), path);
    const found = findings.map((f) => ({ secret: secretOf(f), client_id: f.clientId }));
    expect(found.sort((a, b) => a.secret.localeCompare(b.secret))).toEqual(planted.map((p) => ({ secret: p.secret, client_id: p.client_id })).sort((a, b) => a.secret.localeCompare(b.secret)));
  });

  it.each(labels.decoys.map((d) => d.path))("reports nothing in the decoy %s", (path) => {
    expect(scanText(fixture("decoys", path), path)).toEqual([]);
  });

  it("names the region of the host next to a finding", () => {
    const [finding] = scanText(fixture("positives", "curl/token-u.sh"), "curl/token-u.sh");
    expect(finding?.region).toBe("eu-west-1");
  });
});
