import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { runKeyward } from "../helpers/keyward-cli.js";
import { unquoteGitPath } from "../../src/scan/git.js";
import { artifactUri, renderSarif } from "../../src/scan/report.js";
import { scanText } from "../../src/scan/scan.js";
import { FIXTURES } from "./corpus.js";
import { tempRepo, type TempRepo } from "./git-repo.js";

const SECRET = "R7qLw2Zx9_KpVn4Tb-8YcHs3Jm6Fd1Qg5Ue0Ai7XoWk";
const ID = "3d6f8a1c-2b4e-4c7d-9a0f-5e1b3c7d9f2a";
const leak = `GENESYSCLOUD_OAUTHCLIENT_ID=${ID}\nGENESYSCLOUD_OAUTHCLIENT_SECRET=${SECRET}\n`;

/** The official SARIF 2.1.0 schema (OASIS, as shipped in @microsoft/jest-sarif), validated with Ajv (draft-04). */
const require = createRequire(import.meta.url);
const schema = JSON.parse(readFileSync(require.resolve("@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json"), "utf8")) as Record<string, unknown>;
const Ajv = require("ajv-draft-04") as typeof import("ajv-draft-04").default;
const addFormats = require("ajv-formats") as typeof import("ajv-formats").default;
// unicodeRegExp off: the schema's `language` pattern has a stray "]" that JavaScript refuses under the u flag.
const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
addFormats(ajv);
const validateSarif = ajv.compile(schema);

/** What RFC 3986 allows in a relative reference's path: unreserved, sub-delims, ":" "@" "/" and %XX escapes. */
const RFC3986_PATH = /^(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/]|%[0-9A-F]{2})*$/;

const AWKWARD = ["docs/a b.env", "x#y/frag#ment.env", "q?uery.env", "per%cent.env", "é 日本/設定.env", "tab\tname.env", "colon:first.env", "semi;colon's.env"];

describe("SARIF", () => {
  it("is valid SARIF 2.1.0 by the official schema for the whole corpus", async () => {
    const res = await runKeyward(["scan", FIXTURES, "--format", "sarif"], {});
    expect(res.code).toBe(1);
    const sarif = JSON.parse(res.stdout) as unknown;
    expect([validateSarif(sarif), validateSarif.errors ?? []]).toEqual([true, []]);
    // The validator bites: a run without its tool is refused.
    expect(validateSarif({ version: "2.1.0", runs: [{ results: [] }] })).toBe(false);
  });

  it.each(AWKWARD)("percent-encodes the artifact URI of %j per RFC 3986, and it decodes back to the path", (path) => {
    const uri = artifactUri(path);
    expect(uri).toMatch(RFC3986_PATH);
    expect(uri).not.toMatch(/[#?\s]/);
    // A path segment with a colon can never be the first segment of a relative reference (it would read as a scheme).
    expect(uri.split("/")[0]).not.toContain(":");
    expect(uri.split("/").map(decodeURIComponent).join("/")).toBe(path);
    const sarif = JSON.parse(renderSarif(scanText(leak, path), "test")) as {
      runs: Array<{ results: Array<{ locations: Array<{ physicalLocation: { artifactLocation: { uri: string } } }> }> }>;
    };
    expect(validateSarif(sarif)).toBe(true);
    expect(sarif.runs[0]!.results[0]!.locations[0]!.physicalLocation.artifactLocation.uri).toBe(uri);
  });

  it("marks documentation examples and baselined findings as notes, and carries confidence, decoded and candidates", () => {
    const findings = scanText(`# genesys\nclient_id=${ID}\nclient_secret=${SECRET}\n`, "a.env");
    findings[0]!.example = true;
    const sarif = JSON.parse(renderSarif(findings, "test")) as { runs: Array<{ results: Array<{ level: string; properties: Record<string, unknown> }> }> };
    expect(validateSarif(sarif)).toBe(true);
    expect(sarif.runs[0]!.results[0]!.level).toBe("note");
    expect(sarif.runs[0]!.results[0]!.properties).toMatchObject({ confidence: "high", decoded: [], example: true, candidates: [{ clientId: ID, provenance: "structural" }] });
  });
});

describe("git's paths", () => {
  it.each([
    ["a b.txt\t", "a b.txt"],
    ['"tab\\tname.txt"', "tab\tname.txt"],
    ['"q\\"uote\\\\.txt"', 'q"uote\\.txt'],
    ['"b/\\303\\251 \\346\\227\\245\\346\\234\\254.txt"\t', "b/é 日本.txt"],
    ["plain.txt", "plain.txt"],
  ])("unquotes %j as %j (core.quotePath, the TAB after a name with a space)", (raw, path) => {
    expect(unquoteGitPath(raw)).toBe(path);
  });

  let repo: TempRepo;
  const names = ["a b.env", "tab\tname.env", "é 日本.env", 'q"uote\\.env', "dir with space/x#y.env"];
  beforeAll(() => {
    repo = tempRepo();
    for (const name of names) repo.write(name, leak);
    repo.commit("awkward names");
  });
  afterAll(() => repo.remove());

  it.each([["false"], ["true"]])("reports the real file names in --git mode whatever core.quotePath (%s) says, in JSON and SARIF", async (quotePath) => {
    repo.git("config", "core.quotePath", quotePath);
    const json = await runKeyward(["scan", "--git", repo.dir, "--format", "json"], {});
    expect(json.code).toBe(1);
    const paths = (JSON.parse(json.stdout) as { findings: Array<{ path: string }> }).findings.map((f) => f.path);
    expect([...new Set(paths)].sort()).toEqual([...names].sort());
    const sarif = JSON.parse((await runKeyward(["scan", "--git", repo.dir, "--format", "sarif"], {})).stdout) as {
      runs: Array<{ results: Array<{ locations: Array<{ physicalLocation: { artifactLocation: { uri: string } } }> }> }>;
    };
    expect(validateSarif(sarif)).toBe(true);
    const uris = sarif.runs[0]!.results.map((r) => r.locations[0]!.physicalLocation.artifactLocation.uri);
    expect([...new Set(uris.map((u) => u.split("/").map(decodeURIComponent).join("/")))].sort()).toEqual([...names].sort());
    for (const uri of uris) expect(uri).toMatch(RFC3986_PATH);
  });
});
