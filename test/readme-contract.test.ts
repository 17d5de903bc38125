import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { ExitCode } from "../src/core/exit-codes.js";
import { spec as rotateSpec } from "../src/cli/rotate.js";
import { topLevelUsage } from "../src/cli/app.js";
import { acceptedFlags } from "../src/cli/command-spec.js";

/** The README's contract sections say exactly what the code does. */
const readme = () => readFile(join(process.cwd(), "README.md"), "utf8");
const section = (text: string, heading: string) => {
  const start = text.indexOf(`\n## ${heading}\n`);
  expect(start).toBeGreaterThan(-1);
  const end = text.indexOf("\n## ", start + 4);
  return text.slice(start, end === -1 ? undefined : end);
};
// `--no-install` is npx's own flag (`npx --no-install keyward …`), not keyward's.
const flagsIn = (text: string) => new Set([...text.matchAll(/--[a-z][a-z-]+/g)].map((m) => m[0]).filter((flag) => flag !== "--no-install"));

describe("the README's exit-code table", () => {
  it("lists every exit code keyward can return, and no other", async () => {
    const table = section(await readme(), "Exit codes");
    const documented = new Set<number>();
    for (const row of table.matchAll(/^\| ([\d, ]+) \|/gm)) for (const code of row[1]!.split(",")) documented.add(Number(code.trim()));
    expect([...documented].sort((a, b) => a - b)).toEqual([...new Set(Object.values(ExitCode))].sort((a, b) => a - b));
  });

  it("is the one the CLI's help summarises", async () => {
    const usage = await topLevelUsage();
    const summary = usage.slice(usage.indexOf("Exit codes:"));
    for (const code of Object.values(ExitCode)) expect(summary).toMatch(new RegExp(`(^|[^0-9])${code}([^0-9]|$)`));
  });
});

describe("the README's rotate usage", () => {
  it("names exactly the flags `keyward rotate` accepts", async () => {
    const rotate = section(await readme(), "Rotating: `keyward rotate`");
    const usageBlock = /```sh\n([\s\S]*?)```/.exec(rotate)![1]!;
    const usageFlags = flagsIn(rotateSpec.usage.join("\n"));
    expect(flagsIn(usageBlock)).toEqual(usageFlags);
    for (const flag of flagsIn(rotate)) expect(acceptedFlags(rotateSpec)).toContain(flag);
  });

  it("documents every environment variable the rotate path reads", async () => {
    const config = section(await readme(), "Configuration");
    for (const name of [
      "KEYWARD_HTTP_TIMEOUT_SECONDS",
      "KEYWARD_DEADLINE_SECONDS",
      "KEYWARD_LOG_LEVEL",
      "KEYWARD_ALLOW_INSECURE_GATEWAY",
      "KEYWARD_ALLOW_INSECURE_AWS_ENDPOINT",
      "AWS_ENDPOINT_URL_SECRETS_MANAGER",
      "AWS_ENDPOINT_URL",
    ]) {
      expect(config).toContain(name);
    }
  });
});

describe("the README's command-line section", () => {
  it("lists every JSON report schema keyward prints", async () => {
    const { REPORT_SCHEMAS } = await import("../src/contracts/report-schemas.js");
    const cli = section(await readme(), "The command line");
    for (const schema of Object.values(REPORT_SCHEMAS)) expect(cli).toContain(`\`${schema}\``);
  });

  it("spells the shared flags the way every command declares them", async () => {
    const cli = section(await readme(), "The command line");
    for (const flag of ["--format text|json", "--json", "--concurrency N", "--jobs", "--verify", "--no-verify", "--env-out"]) expect(cli).toContain(flag);
  });
});
