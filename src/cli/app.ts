import { describeError, exitCodeOf, UsageError } from "../core/errors.js";
import { ExitCode } from "../core/exit-codes.js";
import { renderHelp, synopsis, type CommandSpec } from "./command-spec.js";
import { processIo, type CliIo } from "./io.js";

/** What a command module exports: its declaration (flags, variables, exit codes) and its entry point. */
export interface CommandModule {
  spec: CommandSpec;
  run(args: string[], io: CliIo): Promise<number>;
}

/**
 * Each command lives in its own module and is loaded only when asked for (keeps `rotate` start-up light); the
 * top-level usage loads them all to list their declarations. A new command is one line here plus its module.
 */
export const COMMANDS: Record<string, () => Promise<CommandModule>> = {
  rotate: () => import("./rotate.js"),
  "audit-state": () => import("./audit-state.js"),
  scan: () => import("./scan.js"),
  patterns: () => import("./patterns.js"),
  sandbox: () => import("./sandbox.js"),
  janitor: () => import("./janitor.js"),
  status: () => import("./status.js"),
};

/** The exit codes every command shares, summarised for the top-level usage (README "Exit codes" has the table). */
const EXIT_SUMMARY = `Exit codes: 0 ok · 1 some clients failed (scan: findings; audit-state: a secret not proven dead) · 2 usage/configuration
            3 regenerated but not stored · 4 stored but verification failed · 5 conflict with a concurrent change
            6 interrupted after finishing what was in flight · 7 scan incomplete (part of the history unreadable)
            129/130/143 stopped by SIGHUP/SIGINT/SIGTERM before any change`;

/** `keyward help`: every command's synopsis and summary, generated from the declarations. */
export async function topLevelUsage(): Promise<string> {
  const specs: CommandSpec[] = [];
  // One at a time: the order is the list's, and jest's ESM loader trips over concurrent dynamic imports.
  for (const load of Object.values(COMMANDS)) specs.push((await load()).spec);
  const width = Math.max(...specs.map((s) => s.name.length)) + 2;
  return [
    "keyward — keeps Genesys Cloud OAuth client secrets out of Terraform state",
    "",
    "Commands:",
    ...specs.map((s) => `  ${s.name.padEnd(width)}${s.summary}`),
    `  ${"help".padEnd(width)}this list; \`keyward help <command>\` (or \`<command> --help\`): its flags, variables and exit codes`,
    `  ${"--version".padEnd(width)}print the version`,
    "",
    "Usage:",
    ...specs.flatMap(synopsis),
    "",
    EXIT_SUMMARY,
    "",
  ].join("\n");
}

declare const __KEYWARD_VERSION__: string | undefined;
const VERSION = typeof __KEYWARD_VERSION__ === "string" ? __KEYWARD_VERSION__ : "dev";

const HELP_WORDS = new Set(["help", "--help", "-h"]);

/** Runs one command line and returns its exit code; never throws. */
export async function runCli(argv: string[], io: CliIo = processIo()): Promise<number> {
  const [command, ...args] = argv;
  try {
    if (command === undefined) {
      io.stderr(await topLevelUsage());
      return ExitCode.Usage;
    }
    if (HELP_WORDS.has(command)) {
      const [topic, ...extra] = args;
      if (topic === undefined) {
        io.stdout(await topLevelUsage());
        return ExitCode.Ok;
      }
      // `keyward help rotate` prints what `keyward rotate --help` prints.
      const load = Object.hasOwn(COMMANDS, topic) ? COMMANDS[topic] : undefined;
      if (!load) throw unknownCommand(topic);
      if (extra.length > 0) throw new UsageError(`help: one command at a time (got "${args.join(" ")}")`, { hint: `run \`keyward help ${topic}\`` });
      io.stdout(renderHelp((await load()).spec));
      return ExitCode.Ok;
    }
    if (command === "--version" || command === "version" || command === "-V" || command === "-v") {
      io.stdout(`keyward ${VERSION}\n`);
      return ExitCode.Ok;
    }
    const load = Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined;
    if (!load) throw unknownCommand(command);
    return await (await load()).run(args, io);
  } catch (err) {
    // The one place an error becomes text and an exit code.
    io.stderr(`keyward: ${describeError(err)}\n`);
    return exitCodeOf(err);
  }
}

function unknownCommand(name: string): UsageError {
  const known = Object.keys(COMMANDS);
  const near = known.find((k) => k.startsWith(name.slice(0, 3)) && name.length >= 3);
  return new UsageError(`unknown command "${name}"`, { hint: `${near ? `did you mean \`keyward ${near}\`? ` : ""}the commands are ${known.join(", ")}; run \`keyward help\`` });
}
