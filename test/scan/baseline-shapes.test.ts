import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseBaseline } from "../../src/scan/baseline.js";
import { runKeyward } from "../helpers/keyward-cli.js";
import { FIXTURES } from "./corpus.js";

const FP = "kwf1_0123456789abcdef";

describe("a scan baseline", () => {
  it.each([
    ["a v2 scan report", { schema: "keyward.scan/v2", findings: [{ fingerprint: FP }], stats: {} }],
    ["a v1 scan report", { version: 1, findings: [{ fingerprint: FP }], stats: {} }],
    ["a fingerprints file", { fingerprints: [FP] }],
    ["a JSON list", [FP]],
  ])("accepts %s", (_what, doc) => {
    expect([...parseBaseline(JSON.stringify(doc))]).toEqual([FP]);
  });

  it.each([
    ["an object without findings or fingerprints", { bogus: 1 }, /neither "findings" nor "fingerprints" \(its keys: "bogus"\)/],
    ["an empty object", {}, /neither "findings" nor "fingerprints"/],
    ["another report's schema", { schema: "keyward.rotate/v1", findings: [] }, /schema "keyward.rotate\/v1" is not a scan report/],
    ["findings that are not a list", { findings: { fingerprint: FP } }, /"findings" must be a list/],
    ["fingerprints that are not a list", { fingerprints: FP }, /"fingerprints" must be a list/],
    ["a finding without a fingerprint", { findings: [{ path: "a" }] }, /a finding in the report has no fingerprint/],
  ])("refuses %s (exit 2) and names the shapes it reads", (_what, doc, message) => {
    expect(() => parseBaseline(JSON.stringify(doc))).toThrow(
      expect.objectContaining({ exitCode: 2, message: expect.stringMatching(message), hint: expect.stringContaining('{"fingerprints": [...]}') }),
    );
  });

  it('is checked before anything is scanned: `keyward scan --baseline` of {"bogus":1} exits 2 with the reason', async () => {
    const dir = mkdtempSync(join(tmpdir(), "keyward-baseline-"));
    const file = join(dir, "baseline.json");
    writeFileSync(file, '{"bogus":1}');
    const run = await runKeyward(["scan", FIXTURES, "--baseline", file], {});
    rmSync(dir, { recursive: true, force: true });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--baseline: the JSON object has neither "findings" nor "fingerprints"/);
    expect(run.stdout).toBe("");
  });
});
