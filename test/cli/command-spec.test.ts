import { COMMANDS, runCli, topLevelUsage } from "../../src/cli/app.js";
import { acceptedFlags, defineCommand, formatFlag, parseCommand, renderHelp, type CommandSpec } from "../../src/cli/command-spec.js";
import type { CliIo } from "../../src/cli/io.js";
import { UsageError } from "../../src/core/errors.js";

/** Runs the CLI in-process and captures what it prints. */
async function cli(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const io: CliIo = { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), maskCommand: () => undefined, env: {}, stderrIsTty: false };
  const code = await runCli(argv, io);
  return { code, stdout, stderr };
}

const demo = defineCommand({
  name: "demo",
  summary: "a command to test the grammar",
  usage: ["demo [FILE...] [--format text|json|sarif]"],
  positionals: { name: "FILE...", description: "inputs", max: 2 },
  flags: {
    format: formatFlag(["json", "sarif"]),
    verify: { type: "boolean", negatable: true, default: false, description: "check each pair" },
    concurrency: { type: "integer", value: "N", min: 1, max: 64, default: 4, aliases: ["jobs"], short: "j", description: "workers" },
    output: { type: "string", value: "FILE", short: "o", description: "where to write" },
    tag: { type: "string", value: "T", multiple: true, description: "a repeatable flag" },
    since: { type: "string", value: "REV", description: "a revision" },
  },
  env: [{ name: "DEMO_VAR", description: "read by demo" }],
  exitCodes: [
    { code: 0, meaning: "ok" },
    { code: 2, meaning: "usage" },
  ],
});

const parsed = (args: string[]) => {
  const result = parseCommand(demo, args);
  if (result.help) throw new Error("help");
  return result;
};
const usageError = (args: string[]): UsageError => {
  try {
    parseCommand(demo, args);
  } catch (err) {
    if (err instanceof UsageError) return err;
    throw err;
  }
  throw new Error(`no usage error for ${args.join(" ")}`);
};

describe("the command grammar", () => {
  it("gives every flag its declared default when absent", () => {
    expect(parsed([]).values).toEqual({ format: "text", verify: false, concurrency: 4, output: undefined, tag: [], since: undefined });
    expect(parsed([]).given.size).toBe(0);
  });

  it("reads --name value, --name=value and the declared short form alike", () => {
    expect(parsed(["--output", "a.json"]).values.output).toBe("a.json");
    expect(parsed(["--output=a.json"]).values.output).toBe("a.json");
    expect(parsed(["-o", "a.json"]).values.output).toBe("a.json");
    expect(parsed(["--output=x=y"]).values.output).toBe("x=y");
  });

  it("takes --json as --format json, and refuses it beside another --format", () => {
    expect(parsed(["--json"]).values.format).toBe("json");
    expect(parsed(["--json", "--format", "json"]).values.format).toBe("json");
    expect(usageError(["--json", "--format", "sarif"]).message).toMatch(/--json and --format contradict each other/);
  });

  it("takes an alias (--jobs, -j) as the flag it stands for", () => {
    expect(parsed(["--jobs", "2"]).values.concurrency).toBe(2);
    expect(parsed(["-j", "3"]).values.concurrency).toBe(3);
    expect(parsed(["--concurrency=5"]).given.has("concurrency")).toBe(true);
  });

  it("accepts --verify and --no-verify for a negatable flag", () => {
    expect(parsed(["--verify"]).values.verify).toBe(true);
    expect(parsed(["--no-verify"]).values.verify).toBe(false);
    expect(usageError(["--verify", "--no-verify"]).message).toMatch(/--verify and --no-verify contradict/);
    expect(usageError(["--verify=yes"]).message).toMatch(/--verify takes no value/);
  });

  it("collects a repeatable flag in order", () => {
    expect(parsed(["--tag", "a", "--tag=b"]).values.tag).toEqual(["a", "b"]);
  });

  it("keeps positionals, `-` (standard input) and everything after `--`", () => {
    expect(parsed(["a", "-"]).positionals).toEqual(["a", "-"]);
    expect(parsed(["--", "--output"]).positionals).toEqual(["--output"]);
    expect(usageError(["a", "b", "c"]).message).toMatch(/too many arguments/);
  });

  it.each([
    [["--frobnicate"], /unknown flag --frobnicate/, /run `keyward help demo`/],
    [["--ouptut", "x"], /unknown flag --ouptut/, /did you mean --output\?/],
    [["--format", "xml"], /--format must be text, json or sarif, got "xml"/, /./],
    [["--concurrency", "0"], /--concurrency must be a whole number from 1 to 64, got "0"/, /./],
    [["--jobs", "2.5"], /--jobs must be a whole number from 1 to 64, got "2.5"/, /./],
    [["--output"], /--output needs a value \(FILE\)/, /write --output FILE/],
    [["--since", "-x"], /--since needs a value/, /--since=-x/],
    [["--output", ""], /--output is empty/, /give --output a value/],
    [["--output", "a", "--output", "b"], /--output and --output contradict/, /give --output once/],
    [["-x"], /unknown flag -x/, /./],
  ])("refuses %j with exit 2 and a fix", (args, message, hint) => {
    const err = usageError(args);
    expect(err.exitCode).toBe(2);
    expect(err.message).toMatch(message);
    expect(err.hint).toMatch(hint);
  });

  it("answers --help or -h anywhere before `--`, whatever else is wrong", () => {
    expect(parseCommand(demo, ["--frobnicate", "--help"])).toEqual({ help: true });
    expect(parseCommand(demo, ["-h"])).toEqual({ help: true });
    expect(parseCommand(demo, ["--", "--help"]).help).toBe(false);
  });

  it("refuses a declaration that spells a flag --env-file, or claims one spelling twice", () => {
    const bad = (flags: CommandSpec["flags"]) => () => defineCommand({ name: "x", summary: "x", usage: ["x"], flags, env: [], exitCodes: [] });
    expect(bad({ "env-file": { type: "string", value: "PATH", description: "no" } })).toThrow(/--env-file/);
    expect(bad({ out: { type: "string", value: "PATH", description: "x", aliases: ["env-file"] } })).toThrow(/--env-file/);
    expect(bad({ a: { type: "boolean", description: "x", short: "h" } })).toThrow(/-h is declared twice/);
    expect(bad({ json: { type: "boolean", description: "x" }, format: formatFlag(["json"]) })).toThrow(/--json is declared twice/);
  });

  it("prints usage, every flag on one line with its default and aliases, the variables and the exit codes", () => {
    const help = renderHelp(demo);
    expect(help).toMatch(/^keyward demo — a command to test the grammar\n\nUsage:\n {2}keyward demo \[FILE\.\.\.\]/);
    const line = (text: string) => help.split("\n").filter((l) => l.startsWith(`  ${text}`));
    expect(line("--format text|json|sarif")).toEqual([expect.stringMatching(/report format \[default: text; --json = --format json\]$/)]);
    expect(line("--[no-]verify")).toEqual([expect.stringMatching(/check each pair \[default: off\]$/)]);
    expect(line("-j, --concurrency N")).toEqual([expect.stringMatching(/workers \[default: 4; alias --jobs\]$/)]);
    expect(line("-o, --output FILE")).toHaveLength(1);
    expect(help).toMatch(/Environment:\n {2}DEMO_VAR +read by demo\n/);
    expect(help).toMatch(/Exit codes:\n {2}0 +ok\n {2}2 +usage\n/);
  });
});

describe("every keyward command", () => {
  const names = Object.keys(COMMANDS);

  it.each(names)("`keyward help %s` and `keyward %s --help` print the same full help, exit 0", async (name) => {
    const viaHelp = await cli(["help", name]);
    const viaFlag = await cli([name, "--help"]);
    expect(viaHelp.code).toBe(0);
    expect(viaFlag).toEqual(viaHelp);
    const { spec } = await COMMANDS[name]!();
    const lines = viaHelp.stdout.split("\n");
    // Every flag has exactly one line, which says something about it.
    for (const flag of Object.keys(spec.flags)) {
      const own = lines.filter((l) => new RegExp(`^ {2}(-[a-z], )?--(\\[no-\\])?${flag}\\b`).test(l));
      expect({ flag, lines: own.length }).toEqual({ flag, lines: 1 });
      expect(own[0]!.replace(/^ {2}\S.*?\s{2,}/, "").length).toBeGreaterThan(10);
    }
    expect(viaHelp.stdout).toMatch(/\nEnvironment:\n/);
    for (const env of spec.env) expect(viaHelp.stdout).toContain(env.name);
    expect(viaHelp.stdout).toMatch(/\nExit codes:\n {2}0 /);
    expect(viaHelp.stdout).toMatch(/\n {2}2 +usage or configuration/);
  });

  it.each(names)("`keyward %s --no-such-flag` exits 2 naming the flag", async (name) => {
    const run = await cli(name === "janitor" ? [name, "serve", "--no-such-flag"] : [name, "--no-such-flag"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(new RegExp(`keyward: ${name}: unknown flag --no-such-flag\\n {2}fix: .*keyward help ${name}`));
  });

  it("declares --format text|json wherever it reports, --json as its alias, and sarif only for scan", async () => {
    for (const name of ["rotate", "audit-state", "scan"]) {
      const { spec } = await COMMANDS[name]!();
      const format = spec.flags.format;
      expect(format).toMatchObject({ type: "choice", default: "text", presets: { json: "json" } });
      expect((format as { choices: readonly string[] }).choices.includes("sarif")).toBe(name === "scan");
    }
  });

  it("spells parallelism --concurrency (with --jobs kept), verification --verify/--no-verify, and nothing --env-file", async () => {
    for (const name of names) {
      const { spec } = await COMMANDS[name]!();
      const flags = acceptedFlags(spec);
      expect(flags).not.toContain("--env-file");
      if (flags.includes("--jobs")) expect(flags).toContain("--concurrency");
      if (flags.includes("--verify") || flags.includes("--no-verify")) expect(flags).toEqual(expect.arrayContaining(["--verify", "--no-verify"]));
    }
    expect(acceptedFlags((await COMMANDS.scan!()).spec)).toEqual(expect.arrayContaining(["--concurrency", "--jobs", "--verify", "--no-verify"]));
    expect(acceptedFlags((await COMMANDS["audit-state"]!()).spec)).toEqual(expect.arrayContaining(["--verify", "--no-verify"]));
  });

  it("`keyward sandbox --env-file` is refused (exit 2) and points at --env-out", async () => {
    const run = await cli(["sandbox", "--env-file", "x.env"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/unknown flag --env-file\n {2}fix: use --env-out/);
  });
});

describe("the top level", () => {
  it("lists every command with its summary and synopsis (`keyward help`, exit 0)", async () => {
    const run = await cli(["help"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(await topLevelUsage());
    for (const name of Object.keys(COMMANDS)) {
      const { spec } = await COMMANDS[name]!();
      expect(run.stdout).toContain(`  ${name} `);
      for (const u of spec.usage) expect(run.stdout).toContain(u.trim());
    }
  });

  it("prints the usage on stderr and exits 2 without a command", async () => {
    const run = await cli([]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("Commands:");
  });

  it.each([
    [["frobnicate"], /unknown command "frobnicate"/],
    [["help", "foo"], /unknown command "foo"/],
    [["--help", "foo"], /unknown command "foo"/],
    [["help", "rotate", "scan"], /one command at a time/],
    [["constructor"], /unknown command "constructor"/],
    [["help", "toString"], /unknown command "toString"/],
  ])("%j exits 2", async (argv, message) => {
    const run = await cli(argv);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stdout).toBe("");
  });
});
