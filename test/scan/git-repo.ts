import { execFileSync } from "node:child_process";
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

/** A throw-away git repository with a fixed identity, for git-mode tests. */
export interface TempRepo {
  dir: string;
  git(...args: string[]): string;
  write(path: string, text: string): void;
  commit(message: string, email?: string): string;
  remove(): void;
}

export function tempRepo(): TempRepo {
  const dir = mkdtempSync(join(tmpdir(), "keyward-scan-repo-"));
  const env = { ...process.env, GIT_CONFIG_NOSYSTEM: "1", GIT_AUTHOR_NAME: "Dev", GIT_COMMITTER_NAME: "Dev", GIT_COMMITTER_EMAIL: "dev@example.com" };
  const git = (...args: string[]) => execFileSync("git", args, { cwd: dir, env, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  git("init", "-q", "-b", "main");
  git("config", "user.name", "Dev");
  git("config", "user.email", "dev@example.com");
  git("config", "commit.gpgsign", "false");
  return {
    dir,
    git,
    write(path, text) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), text);
    },
    commit(message, email = "dev@example.com") {
      git("add", "-A");
      execFileSync("git", ["commit", "-q", "--allow-empty", "-m", message], { cwd: dir, env: { ...env, GIT_AUTHOR_EMAIL: email }, stdio: "ignore" });
      return git("rev-parse", "HEAD").trim();
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
