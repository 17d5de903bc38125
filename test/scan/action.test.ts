import { execFileSync, spawn } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { tempRepo, type TempRepo } from "./git-repo.js";
import { FIXTURES, labels, leaks, plantedForms } from "./corpus.js";

const ROOT = process.cwd();
const BUNDLE = join(ROOT, "action", "dist", "index.js");
const ID = "5b7d9f1a-3c5e-4a7b-8d9f-1a3c5e7b9d2f";
const SECRET = "Hq3Vz8Lm1_Xc6Tb0Wn5-Rk9Pf2Jd7Gs4Ya8Ue3Ki6Oo";
const SECRET2 = "pZ5xN2vB8mC4lK7jH0gF-dS3aQ9wE6rT1yU_iO8pLk2";
const FORMS = [SECRET, SECRET2, Buffer.from(`${ID}:${SECRET}`).toString("base64"), Buffer.from(`${ID}:${SECRET2}`).toString("base64")];
const creds = (secret: string) => `# genesys\nGENESYSCLOUD_OAUTHCLIENT_ID=${ID}\nGENESYSCLOUD_OAUTHCLIENT_SECRET=${secret}\n`;

function runAction(env: Record<string, string>, cwd: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BUNDLE], { cwd, env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

describe("the GitHub Action", () => {
  let repo: TempRepo;
  let runner: string;
  let base: string;
  let head: string;
  beforeAll(() => {
    repo = tempRepo();
    repo.write("README.md", "app\n");
    base = repo.commit("init");
    repo.write("deploy/genesys.env", creds(SECRET));
    repo.commit("add deploy settings", "leaker@example.com");
    repo.write("deploy/genesys.env", "# moved to the vault\n");
    repo.write("src/app.py", `import PureCloudPlatformClientV2\nsecret = "${SECRET2}"\n`);
    head = repo.commit("more");
  });
  afterAll(() => repo.remove());
  beforeEach(() => {
    runner = mkdtempSync(join(tmpdir(), "keyward-runner-"));
  });
  afterEach(() => rmSync(runner, { recursive: true, force: true }));

  function actionsEnv(eventName: string, payload: unknown, inputs: Record<string, string> = {}): Record<string, string> {
    writeFileSync(join(runner, "event.json"), JSON.stringify(payload));
    writeFileSync(join(runner, "output"), "");
    writeFileSync(join(runner, "summary.md"), "");
    return {
      GITHUB_ACTIONS: "true",
      GITHUB_EVENT_NAME: eventName,
      GITHUB_EVENT_PATH: join(runner, "event.json"),
      GITHUB_WORKSPACE: repo.dir,
      GITHUB_OUTPUT: join(runner, "output"),
      GITHUB_STEP_SUMMARY: join(runner, "summary.md"),
      GITHUB_REPOSITORY: "acme/app",
      "INPUT_SARIF-FILE": join(runner, "keyward.sarif"),
      ...Object.fromEntries(Object.entries(inputs).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, v])),
    };
  }

  it("scans a push range, masks every secret before any line that could show it, annotates, summarizes, writes SARIF and fails", async () => {
    const res = await runAction(actionsEnv("push", { before: base, after: head, commits: [{ id: head }] }), repo.dir);
    expect(res.code).toBe(1);
    const lines = res.stdout.split("\n");
    const lastMask = lines.map((l, i) => (l.startsWith("::add-mask::") ? i : -1)).reduce((a, b) => Math.max(a, b), -1);
    const firstFinding = lines.findIndex((l) => /::error|::notice|kwf1_|finding/.test(l));
    expect(lastMask).toBeGreaterThanOrEqual(0);
    expect(firstFinding).toBeGreaterThan(lastMask);
    const masked = lines.filter((l) => l.startsWith("::add-mask::")).map((l) => l.slice("::add-mask::".length));
    expect(masked).toEqual(expect.arrayContaining(FORMS.slice(0, 3)));

    const annotations = lines.filter((l) => l.startsWith("::error file="));
    expect(annotations).toHaveLength(2);
    expect(annotations.join("\n")).toContain("file=deploy/genesys.env,line=3,col=33");
    expect(lines).toContain("::error::keyward found 2 Genesys Cloud credentials");

    const summary = readFileSync(join(runner, "summary.md"), "utf8");
    expect(summary).toContain("## keyward scan");
    expect(summary).toContain("deploy/genesys.env:3");
    const sarifText = readFileSync(join(runner, "keyward.sarif"), "utf8");
    const sarif = JSON.parse(sarifText) as { version: string; runs: Array<{ results: unknown[] }> };
    expect(sarif.version).toBe("2.1.0");
    expect(sarif.runs[0]!.results).toHaveLength(2);
    const outputs = readFileSync(join(runner, "output"), "utf8");
    expect(outputs).toMatch(/^findings<<ghadelimiter_[0-9a-f-]+\n2\n/m);
    expect(outputs).toContain("sarif-file<<");

    const everythingButMasks = lines.filter((l) => !l.startsWith("::add-mask::"));
    expect(leaks([...everythingButMasks, res.stderr, summary, sarifText, outputs], FORMS)).toEqual([]);
  });

  it("scans a pull request's commits (base..head) and can report without failing", async () => {
    const res = await runAction(actionsEnv("pull_request", { pull_request: { base: { sha: base }, head: { sha: head }, commits: 2 } }, { "fail-on-findings": "false" }), repo.dir);
    expect(res.code).toBe(0);
    expect(res.stdout.split("\n").filter((l) => l.startsWith("::error file="))).toHaveLength(2);
    expect(readFileSync(join(runner, "output"), "utf8")).toMatch(/new-findings<<ghadelimiter_[0-9a-f-]+\n2\n/);
  });

  it("passes a push whose range adds nothing", async () => {
    const res = await runAction(actionsEnv("push", { before: head, after: head, commits: [] }), repo.dir);
    expect(res.code).toBe(0);
    expect(res.stdout).not.toContain("::add-mask::");
    expect(readFileSync(join(runner, "summary.md"), "utf8")).toContain("No Genesys Cloud credential found.");
  });

  it("fetches the commits a shallow checkout lacks", async () => {
    const clone = mkdtempSync(join(tmpdir(), "keyward-shallow-"));
    try {
      execFileSync("git", ["clone", "-q", "--depth=1", `file://${repo.dir}`, clone], { stdio: "ignore" });
      const env = { ...actionsEnv("push", { before: base, after: head, commits: [{ id: head }] }), GITHUB_WORKSPACE: clone };
      const res = await runAction(env, clone);
      expect(res.code).toBe(1);
      expect(res.stdout).toContain("keyward: fetching");
      expect(res.stdout.split("\n").filter((l) => l.startsWith("::error file="))).toHaveLength(2);
    } finally {
      rmSync(clone, { recursive: true, force: true });
    }
  });

  it("masks and never prints any credential of the whole corpus pushed at once", async () => {
    const corpus = tempRepo();
    try {
      corpus.write("README.md", "corpus\n");
      const before = corpus.commit("init");
      cpSync(join(FIXTURES, "positives"), join(corpus.dir, "positives"), { recursive: true });
      const after = corpus.commit("the corpus");
      const env = { ...actionsEnv("push", { before, after, commits: [{ id: after }] }), GITHUB_WORKSPACE: corpus.dir };
      const res = await runAction(env, corpus.dir);
      expect(res.code).toBe(1);
      const lines = res.stdout.split("\n");
      const masks = lines.filter((l) => l.startsWith("::add-mask::")).map((l) => l.slice("::add-mask::".length));
      for (const planted of Object.values(labels.positives).flat()) expect(masks).toContain(planted.secret);
      const annotations = lines.filter((l) => l.startsWith("::error file="));
      expect(annotations).toHaveLength(Object.values(labels.positives).flat().length);
      const rest = [
        ...lines.filter((l) => !l.startsWith("::add-mask::")),
        res.stderr,
        readFileSync(join(runner, "summary.md"), "utf8"),
        readFileSync(join(runner, "keyward.sarif"), "utf8"),
        readFileSync(join(runner, "output"), "utf8"),
      ];
      expect(leaks(rest, plantedForms())).toEqual([]);
    } finally {
      corpus.remove();
    }
  });

  it("is declared as a node24 action running the committed bundle", () => {
    const meta = parse(readFileSync(join(ROOT, "action.yml"), "utf8")) as { runs: { using: string; main: string }; inputs: Record<string, { default?: string }> };
    expect(meta.runs).toEqual({ using: "node24", main: "action/dist/index.js" });
    expect(meta.inputs["fail-on-findings"]?.default).toBe("true");
  });

  it("has a committed bundle identical to a fresh build (run `npm run build:action` when this fails)", () => {
    const out = mkdtempSync(join(tmpdir(), "keyward-action-build-"));
    try {
      execFileSync(process.execPath, [join(ROOT, "scripts", "build-action.mjs"), out], { cwd: ROOT, stdio: "ignore" });
      for (const file of ["index.js", "rules.yaml", "rules.json", "package.json"]) {
        expect([file, readFileSync(join(out, file), "utf8") === readFileSync(join(ROOT, "action", "dist", file), "utf8")]).toEqual([file, true]);
      }
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
