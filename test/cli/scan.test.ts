import { execFileSync, spawn, spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { KEYWARD_BIN, runKeyward } from "../helpers/keyward-cli.js";
import { FIXTURES, leaks } from "../scan/corpus.js";
import { tempRepo, type TempRepo } from "../scan/git-repo.js";

const ID = "3d6f8a1c-2b4e-4c7d-9a0f-5e1b3c7d9f2a";
const SECRET = "R7qLw2Zx9_KpVn4Tb-8YcHs3Jm6Fd1Qg5Ue0Ai7XoWk";
const SECRET2 = "mB4nV8cX2zL6kJ0hG-fD5sA9pO3iU7yT1rE_wQxZ4aS";
const envFile = (id: string, secret: string) => `GENESYSCLOUD_OAUTHCLIENT_ID=${id}\nGENESYSCLOUD_OAUTHCLIENT_SECRET=${secret}\n`;
const mine = [SECRET, SECRET2, Buffer.from(`${ID}:${SECRET}`).toString("base64")];

interface JsonReport {
  schema: string;
  findings: Array<Record<string, unknown> & { path: string; line: number; commit: string | null; fingerprint: string; baseline: string }>;
  stats: { files: number; skipped: Record<string, number> };
}

describe("keyward scan on files", () => {
  it("finds the corpus, exits 1, and prints no secret in text, JSON or SARIF", async () => {
    const outputs: string[] = [];
    for (const format of ["text", "json", "sarif"]) {
      const res = await runKeyward(["scan", join(FIXTURES, "positives"), "--format", format, "--jobs", "1"], {});
      expect([format, res.code]).toEqual([format, 1]);
      outputs.push(res.stdout, res.stderr);
    }
    expect(leaks(outputs)).toEqual([]);
    const json = JSON.parse(outputs[2]!) as JsonReport;
    expect(json.findings.length).toBeGreaterThanOrEqual(28);
    expect(json.schema).toBe("keyward.scan/v2");
    expect(Object.keys(json.findings[0]!).sort()).toEqual([
      "authorEmail",
      "baseline",
      "candidates",
      "clientId",
      "column",
      "commit",
      "confidence",
      "decoded",
      "example",
      "fingerprint",
      "line",
      "occurrences",
      "path",
      "region",
      "ruleId",
      "secretPrefix",
      "verdict",
    ]);
    expect(new Set(json.findings.map((f) => f.verdict))).toEqual(new Set(["unverified"]));
    const sarif = JSON.parse(outputs[4]!) as {
      version: string;
      runs: Array<{
        tool: { driver: { rules: unknown[] } };
        results: Array<{ locations: Array<{ physicalLocation: { region: Record<string, unknown> } }>; partialFingerprints: Record<string, string> }>;
      }>;
    };
    expect(sarif.version).toBe("2.1.0");
    expect(sarif.runs[0]!.results).toHaveLength(json.findings.length);
    expect(outputs[4]).not.toContain("snippet");
    expect(sarif.runs[0]!.results[0]!.partialFingerprints["keywardSecret/v1"]).toMatch(/^kwf1_/);
  });

  it("exits 0 on the decoys", async () => {
    const res = await runKeyward(["scan", join(FIXTURES, "decoys")], {});
    expect(res.stderr).toBe("");
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/0 findings/);
  });

  it("reads stdin for -", async () => {
    const res = spawnSync(process.execPath, ["--", KEYWARD_BIN, "scan", "-", "--format", "json"], {
      input: envFile(ID, SECRET),
      encoding: "utf8",
      env: { PATH: process.env.PATH },
    });
    expect(res.status).toBe(1);
    const json = JSON.parse(res.stdout) as JsonReport;
    expect(json.findings).toMatchObject([{ path: "-", line: 2, column: 33, clientId: ID }]);
    expect(leaks([res.stdout, res.stderr], mine)).toEqual([]);
  });

  it("gives the same findings with worker threads as without", async () => {
    const one = await runKeyward(["scan", FIXTURES, "--format", "json", "--jobs", "1"], {});
    const two = await runKeyward(["scan", FIXTURES, "--format", "json", "--jobs", "2"], {});
    const [a, b] = [JSON.parse(one.stdout) as JsonReport & { stats: { workers: number } }, JSON.parse(two.stdout) as JsonReport & { stats: { workers: number } }];
    // --jobs 2: this thread and one worker thread.
    expect([a.stats.workers, b.stats.workers]).toEqual([0, 1]);
    expect(b.findings).toEqual(a.findings);
    expect(b.findings.length).toBeGreaterThan(25);
  });

  describe("in a work tree", () => {
    let repo: TempRepo;
    beforeEach(() => {
      repo = tempRepo();
    });
    afterEach(() => repo.remove());

    it("respects .gitignore and counts binary and huge files it skips", async () => {
      repo.write(".gitignore", "ignored/\n*.secret\n");
      repo.write("ignored/creds.env", envFile(ID, SECRET));
      repo.write("local.secret", envFile(ID, SECRET));
      repo.write("app/creds.env", envFile(ID, SECRET));
      repo.write("blob.bin", `\0\0${envFile(ID, SECRET2)}`);
      repo.write("huge.txt", "x".repeat(11 * 1024 * 1024) + envFile(ID, SECRET2));
      repo.write("app/big.txt", `${"filler line\n".repeat(250_000)}${envFile(ID, SECRET2)}`); // 3 MB: streamed
      const res = await runKeyward(["scan", ".", "--format", "json"], {}, { cwd: repo.dir });
      const json = JSON.parse(res.stdout) as JsonReport;
      expect(json.findings.map((f) => [f.path, f.line])).toEqual([
        ["app/big.txt", 250_002],
        ["app/creds.env", 2],
      ]);
      expect(json.stats.skipped).toMatchObject({ binary: 1, large: 1 });
    });

    it("walks a plain folder with its .gitignore when it is not a repository", async () => {
      const dir = mkdtempSync(join(tmpdir(), "keyward-plain-"));
      try {
        writeFileSync(join(dir, ".gitignore"), "*.local\n");
        writeFileSync(join(dir, "a.local"), envFile(ID, SECRET));
        writeFileSync(join(dir, "b.env"), envFile(ID, SECRET2));
        const res = await runKeyward(["scan", dir, "--format", "json"], { GIT_CEILING_DIRECTORIES: tmpdir() });
        expect((JSON.parse(res.stdout) as JsonReport).findings.map((f) => f.path.split("/").at(-1))).toEqual(["b.env"]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it("keeps a baselined finding out of the exit code, even after its line moved", async () => {
      repo.write("creds.env", envFile(ID, SECRET));
      const first = await runKeyward(["scan", ".", "--format", "json", "--output", "report.json"], {}, { cwd: repo.dir });
      expect(first.code).toBe(1);
      expect(first.stderr).toContain("report in report.json");
      repo.write("creds.env", `# moved down\n\n\n${envFile(ID, SECRET)}`);
      const again = await runKeyward(["scan", "creds.env", "--format", "json", "--baseline", "report.json"], {}, { cwd: repo.dir });
      expect(again.code).toBe(0);
      expect((JSON.parse(again.stdout) as JsonReport).findings).toMatchObject([{ line: 5, baseline: "baselined" }]);
      repo.write("creds.env", `${envFile(ID, SECRET)}${envFile(ID, SECRET2)}`);
      const fresh = await runKeyward(["scan", "creds.env", "--format", "json", "--baseline", "report.json"], {}, { cwd: repo.dir });
      expect(fresh.code).toBe(1);
      expect((JSON.parse(fresh.stdout) as JsonReport).findings.map((f) => f.baseline)).toEqual(["baselined", "new"]);
      expect(leaks([readFileSync(join(repo.dir, "report.json"), "utf8"), first.stdout, again.stdout, fresh.stdout], mine)).toEqual([]);
    });
  });
});

describe("keyward scan on git history", () => {
  let repo: TempRepo;
  let added: string;
  let deleted: string;
  let later: string;
  beforeAll(() => {
    repo = tempRepo();
    repo.write("README.md", "hello\n");
    repo.commit("init");
    repo.write("config/genesys.env", `# settings\n${envFile(ID, SECRET)}`);
    added = repo.commit("add genesys settings", "leaker@example.com");
    repo.write("config/genesys.env", "# moved to the vault\n");
    deleted = repo.commit("remove the secret");
    repo.write("other.env", envFile(ID, SECRET2));
    later = repo.commit("another one");
  });
  afterAll(() => repo.remove());

  it("finds a secret committed and then deleted, with its commit and author", async () => {
    const res = await runKeyward(["scan", "--git", "--format", "json"], {}, { cwd: repo.dir });
    expect(res.code).toBe(1);
    const findings = (JSON.parse(res.stdout) as JsonReport).findings;
    expect(findings).toEqual(
      expect.arrayContaining([expect.objectContaining({ path: "config/genesys.env", line: 3, commit: added, authorEmail: "leaker@example.com", clientId: ID })]),
    );
    expect(findings).toHaveLength(2);
    expect(leaks([res.stdout, res.stderr], mine)).toEqual([]);
  });

  it("reports only lines added in --range, and --since REV means REV..HEAD", async () => {
    const range = await runKeyward(["scan", "--range", `${deleted}..${later}`, "--format", "json"], {}, { cwd: repo.dir });
    expect((JSON.parse(range.stdout) as JsonReport).findings.map((f) => [f.path, f.commit])).toEqual([["other.env", later]]);
    const deletion = await runKeyward(["scan", "--range", `${added}..${deleted}`], {}, { cwd: repo.dir });
    expect(deletion.code).toBe(0);
    const since = await runKeyward(["scan", "--since", added, "--format", "json"], {}, { cwd: repo.dir });
    expect((JSON.parse(since.stdout) as JsonReport).findings.map((f) => f.commit)).toEqual([later]);
  });

  it("fails with exit 2 on an unknown revision", async () => {
    const res = await runKeyward(["scan", "--range", "nope..HEAD"], {}, { cwd: repo.dir });
    expect(res.code).toBe(2);
    expect(res.stderr).toContain("fix:");
  });
});

describe("keyward scan --staged as a pre-commit hook", () => {
  it("refuses a real git commit that stages a secret, and lets a clean one through", () => {
    const repo = tempRepo();
    try {
      const hook = join(repo.dir, ".git", "hooks", "pre-commit");
      writeFileSync(hook, `#!/bin/sh\nexec "${process.execPath}" -- "${KEYWARD_BIN}" scan --staged\n`);
      chmodSync(hook, 0o755);
      repo.write("notes.txt", "nothing here\n");
      repo.write("deploy/genesys.env", `# deploy\n${envFile(ID, SECRET)}`);
      repo.git("add", "-A");
      const refused = spawnSync("git", ["commit", "-m", "leak"], { cwd: repo.dir, encoding: "utf8" });
      expect(refused.status).not.toBe(0);
      expect(refused.stdout + refused.stderr).toContain("deploy/genesys.env:3");
      expect(leaks([refused.stdout, refused.stderr], mine)).toEqual([]);
      expect(() => repo.git("rev-parse", "HEAD")).toThrow();
      repo.git("rm", "-q", "--cached", "deploy/genesys.env");
      const accepted = spawnSync("git", ["commit", "-m", "clean"], { cwd: repo.dir, encoding: "utf8" });
      expect(accepted.status).toBe(0);
      expect(execFileSync("git", ["log", "--format=%s"], { cwd: repo.dir, encoding: "utf8" }).trim()).toBe("clean");
    } finally {
      repo.remove();
    }
  });
});

describe("keyward scan usage errors", () => {
  it.each([
    [["--since", "a", "--range", "a..b"], "cannot be combined"],
    [["--staged", "--git"], "--staged"],
    [["--format", "xml"], "--format"],
    [["--jobs", "0"], "--jobs"],
    [["--range", "HEAD"], "A..B"],
    [["--git", "-"], "stdin"],
    [["/no/such/path"], "no such file"],
    [["--post-to-janitor", "http://janitor.example.com/hook", "--verify"], "unencrypted"],
    [["--post-to-janitor", "https://janitor.example.com/hook"], "--verify"],
    [["--bogus"], "unknown flag --bogus"],
    [["--since", "nope"], 'unknown revision "nope": no commit, branch or tag of that name'],
    [["--range", "HEAD..nope2"], 'unknown revision "nope2"'],
  ])("exits 2 for %j", async (args, message) => {
    const res = await runKeyward(["scan", ...args], {});
    expect(res.code).toBe(2);
    expect(res.stderr).toContain(message);
    // git's usage text never stands in for the diagnosis.
    expect(res.stderr).not.toContain("git <command>");
  });

  it("checks --output before scanning: a missing directory exits 2 without reading the input", async () => {
    // Standard input stays open: a scan that started would wait on it forever, so exiting proves nothing was read.
    const child = spawn(process.execPath, ["--", KEYWARD_BIN, "scan", "-", "--format", "sarif", "--output", "/nonexistent-keyward-dir/x.sarif"], {
      env: { PATH: process.env.PATH },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    child.stdin.destroy();
    const run = { code, stderr };
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(
      /cannot write the report to \/nonexistent-keyward-dir\/x\.sarif: the directory \/nonexistent-keyward-dir does not exist\n {2}fix: .*nothing was scanned/,
    );
    expect(run.stderr).not.toMatch(/ENOENT/);
    const dir = mkdtempSync(join(tmpdir(), "keyward-output-"));
    const onDir = await runKeyward(["scan", FIXTURES, "--output", dir], {});
    rmSync(dir, { recursive: true, force: true });
    expect(onDir.code).toBe(2);
    expect(onDir.stderr).toMatch(/it is a directory/);
  });

  it("outside a repository, --since says so (exit 2) instead of blaming the revision", async () => {
    const dir = mkdtempSync(join(tmpdir(), "keyward-not-a-repo-"));
    const res = await runKeyward(["scan", "--since", "HEAD"], { GIT_CEILING_DIRECTORIES: tmpdir() }, { cwd: dir });
    rmSync(dir, { recursive: true, force: true });
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/not a git repository/);
    expect(res.stderr).toMatch(/fix: run inside a git repository, or pass its path/);
  });
});

describe("keyward scan's documentation examples and decoded findings", () => {
  it("reports a value repeated through documentation once, as an example, and exits 0", async () => {
    const res = await runKeyward(["scan", join(FIXTURES, "examples"), "--format", "json"], {});
    expect(res.code).toBe(0);
    const report = JSON.parse(res.stdout) as { findings: Array<{ example: boolean; occurrences: number }> };
    expect(report.findings.map((f) => [f.example, f.occurrences])).toEqual([[true, 4]]);
    expect((await runKeyward(["scan", join(FIXTURES, "examples")], {})).stdout).toContain("example (the same value in 4 documentation files; does not fail the scan)");
  });

  it("says what a secret was decoded from, and the rule's confidence", async () => {
    const res = await runKeyward(["scan", join(FIXTURES, "positives", "kubernetes")], {});
    expect(res.code).toBe(1);
    expect(res.stdout).toContain("confidence medium, decoded: base64");
  });

  it("streams a file larger than the read buffer and still pairs the id", async () => {
    const dir = mkdtempSync(join(tmpdir(), "keyward-big-"));
    try {
      writeFileSync(join(dir, "big.txt"), `${"ordinary line of text\n".repeat(120_000)}# genesys\nclient_id=${ID}\nclient_secret=${SECRET}\n`);
      const res = await runKeyward(["scan", dir, "--format", "json"], {});
      expect(res.code).toBe(1);
      expect((JSON.parse(res.stdout) as JsonReport).findings.map((f) => [f.line, f.clientId])).toEqual([[120_003, ID]]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("keyward patterns", () => {
  it.each(["github", "gitleaks", "trufflehog"])("prints the %s export", async (format) => {
    const res = await runKeyward(["patterns", "--format", format], {});
    expect(res.code).toBe(0);
    expect(res.stdout).toContain("[Cc][Ll][Ii][Ee][Nn][Tt][_-]?[Ss][Ee][Cc][Rr][Ee][Tt]");
    expect(res.stdout).toContain("[A-Za-z0-9_-]{43}");
  });
  it("exits 2 without a known format", async () => {
    expect((await runKeyward(["patterns"], {})).code).toBe(2);
  });
});
