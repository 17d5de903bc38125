import { readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { runKeyward } from "../helpers/keyward-cli.js";
import { tempRepo, type TempRepo } from "./git-repo.js";

const ID = "3d6f8a1c-2b4e-4c7d-9a0f-5e1b3c7d9f2a";
const SECRETS = [
  "R7qLw2Zx9_KpVn4Tb-8YcHs3Jm6Fd1Qg5Ue0Ai7XoWk",
  "mB4nV8cX2zL6kJ0hG-fD5sA9pO3iU7yT1rE_wQxZ4aS",
  "wFe4Nv3DXqEheU16mgEjDw2coYv6r8CenuJlBKcPpkw",
  "bEbeVw2yStxNq38XbzPK-Bx5gh6FUFQa7mRPFL_cYc8",
];
const leak = (secret: string) => `GENESYSCLOUD_OAUTHCLIENT_ID=${ID}\nGENESYSCLOUD_OAUTHCLIENT_SECRET=${secret}\n`;

interface Report {
  findings: Array<{ path: string; commit: string | null; secretPrefix: string }>;
  stats: { skipped: { objects: number }; incomplete: boolean };
}

/** Deletes the loose object of `path` as committed in `commit`: git can no longer read that blob. */
function loseBlob(repo: TempRepo, commit: string, path: string): string {
  const blob = repo.git("rev-parse", `${commit}:${path}`).trim();
  rmSync(join(repo.dir, ".git", "objects", blob.slice(0, 2), blob.slice(2)));
  return blob;
}

describe("a history with an unreadable object", () => {
  let repo: TempRepo;
  let second: string;
  let lost: string;
  beforeAll(() => {
    repo = tempRepo();
    repo.write("first.env", leak(SECRETS[0]!));
    repo.commit("first");
    repo.write("readable.env", leak(SECRETS[1]!));
    repo.write("broken.txt", "a file whose blob goes missing\n");
    second = repo.commit("second");
    repo.write("third.env", leak(SECRETS[2]!));
    repo.commit("third");
    lost = loseBlob(repo, second, "broken.txt");
  });
  afterAll(() => repo.remove());

  it("warns, skips the object, reports every finding of the rest (the same commit's other files too), and says the scan is incomplete", async () => {
    const res = await runKeyward(["scan", "--git", repo.dir, "--format", "json"], {});
    expect(res.code).toBe(1);
    const report = JSON.parse(res.stdout) as Report;
    expect(report.findings.map((f) => f.path).sort()).toEqual(["first.env", "readable.env", "third.env"]);
    expect(report.stats.skipped.objects).toBe(1);
    expect(report.stats.incomplete).toBe(true);
    expect(res.stderr).toContain("warning: git could not read broken.txt in commit");
    expect(res.stderr).toContain(lost.slice(0, 7));
  });

  it("exits 7, never 0, when nothing is found in what could be read", async () => {
    const clean = tempRepo();
    try {
      clean.write("notes.txt", "nothing here\n");
      const c = clean.commit("one");
      clean.write("more.txt", "still nothing\n");
      clean.commit("two");
      loseBlob(clean, c, "notes.txt");
      const res = await runKeyward(["scan", "--git", clean.dir], {});
      expect(res.code).toBe(7);
      expect(res.stdout).toMatch(/1 unreadable git object \(the scan is incomplete\)/);
    } finally {
      clean.remove();
    }
  });

  it("still fails for a bad revision (exit 2), as before", async () => {
    const res = await runKeyward(["scan", "--range", "nope..HEAD", repo.dir], {});
    expect(res.code).toBe(2);
  });
});

describe("ignored files", () => {
  let repo: TempRepo;
  beforeAll(() => {
    repo = tempRepo();
    repo.write(".gitignore", ".env\n*.tfstate\nsecrets/\n");
    repo.write("app.js", "console.log('hello');\n");
    repo.write(".env", leak(SECRETS[0]!));
    repo.write("terraform.tfstate", JSON.stringify({ version: 4, note: leak(SECRETS[1]!) }));
    repo.write("secrets/prod.env", leak(SECRETS[2]!));
    repo.commit("init");
  });
  afterAll(() => repo.remove());
  const paths = async (args: string[]) => {
    const res = await runKeyward(["scan", ...args, "--format", "json"], {}, { cwd: repo.dir });
    return (JSON.parse(res.stdout) as Report).findings.map((f) => f.path).sort();
  };

  it("leaves out what .gitignore leaves out by default", async () => {
    expect(await paths(["."])).toEqual([]);
  });

  it("scans ignored files too with --no-ignore (.env, *.tfstate: where credentials live)", async () => {
    expect(await paths([".", "--no-ignore"])).toEqual([".env", "secrets/prod.env", "terraform.tfstate"]);
    // Nothing from .git itself.
    expect(readdirSync(join(repo.dir, ".git")).length).toBeGreaterThan(0);
  });

  it("always scans a path named on the command line: an ignored file, an ignored directory", async () => {
    expect(await paths([".env", "terraform.tfstate"])).toEqual([".env", "terraform.tfstate"]);
    expect(await paths(["secrets"])).toEqual(["secrets/prod.env"]);
  });
});

describe("a history larger than git's pipe", () => {
  it("reads the patches in many chunks and keeps every line number", async () => {
    const repo = tempRepo();
    try {
      // Lines of every length, so lines are cut at chunk edges in every place; secrets near the start, the middle, the end.
      const lines = Array.from({ length: 60_000 }, (_, i) => `line ${i} ${"x".repeat(i % 97)}`);
      const at = [3, 31_337, 59_990];
      at.forEach((n, k) => {
        lines[n] = `GENESYSCLOUD_OAUTHCLIENT_SECRET=${SECRETS[k]!}`;
      });
      repo.write("big.txt", `${lines.join("\n")}\n`);
      repo.commit("big");
      const res = await runKeyward(["scan", "--git", repo.dir, "--format", "json"], {});
      expect(res.code).toBe(1);
      const report = JSON.parse(res.stdout) as { findings: Array<{ line: number; secretPrefix: string }> };
      expect(report.findings.map((f) => [f.line, f.secretPrefix])).toEqual(at.map((n, k) => [n + 1, `${SECRETS[k]!.slice(0, 4)}…`]));
    } finally {
      repo.remove();
    }
  });
});
