import { describeError, exitCodeOf, UsageError } from "../core/errors.js";
import { ExitCode } from "../core/exit-codes.js";
import { processIo, type CliIo } from "./io.js";

export const USAGE = `keyward — keeps Genesys Cloud OAuth client secrets out of Terraform state

Usage:
  keyward rotate --client-id <uuid> --secret-id <name|arn> [--create-secret] [--dry-run] [--json] [--github-output <name>]
  keyward rotate --client-name <exact name> --secret-id <name|arn> [...]
  keyward rotate --manifest <file.json|file.yaml> [--concurrency N] [--create-secret] [--dry-run] [--json]
  keyward sandbox [--port N] [--env-out PATH] [--force]
  keyward help | --version

Exit codes: 0 ok · 1 some clients failed · 2 usage/configuration · 3 regenerated but not stored · 4 stored but verification failed
`;

/** Each command lives in its own module and is loaded only when asked for (keeps \`rotate\` start-up light). */
const COMMANDS: Record<string, () => Promise<{ run(args: string[], io: CliIo): Promise<number> }>> = {
  rotate: () => import("./rotate.js"),
  sandbox: () => import("./sandbox.js"),
};

declare const __KEYWARD_VERSION__: string | undefined;
const VERSION = typeof __KEYWARD_VERSION__ === "string" ? __KEYWARD_VERSION__ : "dev";

/** Runs one command line and returns its exit code; never throws. */
export async function runCli(argv: string[], io: CliIo = processIo()): Promise<number> {
  const [command, ...args] = argv;
  try {
    if (!command || command === "help" || command === "--help" || command === "-h") {
      io.stdout(USAGE);
      return command ? ExitCode.Ok : ExitCode.Usage;
    }
    if (command === "--version" || command === "version") {
      io.stdout(`keyward ${VERSION}\n`);
      return ExitCode.Ok;
    }
    const load = COMMANDS[command];
    if (!load) throw new UsageError(`unknown command "${command}"`, { hint: "run `keyward help` for the commands" });
    return await (await load()).run(args, io);
  } catch (err) {
    // The one place an error becomes text and an exit code.
    io.stderr(`keyward: ${describeError(err)}\n`);
    return exitCodeOf(err);
  }
}

