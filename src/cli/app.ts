import { describeError, exitCodeOf, UsageError } from "../core/errors.js";
import { ExitCode } from "../core/exit-codes.js";
import { processIo, type CliIo } from "./io.js";

export const USAGE = `keyward — keeps Genesys Cloud OAuth client secrets out of Terraform state

Usage:
  keyward rotate --client-id <uuid> --secret-id <name|arn> [--create-secret] [--dry-run] [--json] [--github-output <name>] [--take-over] [--rotate-self]
  keyward rotate --client-name <exact name> --secret-id <name|arn> [...]
  keyward rotate --manifest <file.json|file.yaml> [--concurrency N] [--create-secret] [--dry-run] [--json] [--take-over] [--rotate-self]
  keyward audit-state [FILE|-]... [--json] [--no-verify]
  keyward sandbox [--port N] [--env-out PATH] [--force]
  keyward janitor serve [--port N] [--host 127.0.0.1]
  keyward scan [PATH...|-] [--git] [--since REV | --range A..B] [--staged] [--format text|json|sarif] [--output FILE]
               [--verify] [--baseline FILE] [--jobs N] [--post-to-janitor URL]
  keyward patterns --format github|gitleaks|trufflehog [--output FILE]
  keyward help [command] | --version | -V

Exit codes: 0 ok · 1 some clients failed · 2 usage/configuration · 3 regenerated but not stored · 4 stored but verification failed
            5 conflict with a concurrent change · 6 interrupted after finishing what was in flight · 129/130/143 stopped by SIGHUP/SIGINT/SIGTERM before any change
            (scan: 0 clean · 1 findings · 2 error; audit-state: 0 nothing live · 1 a secret not proven dead · 2 error)
`;

/** Each command lives in its own module and is loaded only when asked for (keeps \`rotate\` start-up light). */
const COMMANDS: Record<string, () => Promise<{ run(args: string[], io: CliIo): Promise<number> }>> = {
  rotate: () => import("./rotate.js"),
  "audit-state": () => import("./audit-state.js"),
  sandbox: () => import("./sandbox.js"),
  janitor: () => import("./janitor.js"),
  scan: () => import("./scan.js"),
  patterns: () => import("./patterns.js"),
};

declare const __KEYWARD_VERSION__: string | undefined;
const VERSION = typeof __KEYWARD_VERSION__ === "string" ? __KEYWARD_VERSION__ : "dev";

/** Runs one command line and returns its exit code; never throws. */
export async function runCli(argv: string[], io: CliIo = processIo()): Promise<number> {
  const [command, ...args] = argv;
  try {
    if ((command === "help" || command === "--help" || command === "-h") && args[0] && COMMANDS[args[0]]) {
      // `keyward help rotate` is `keyward rotate --help`.
      return await (await COMMANDS[args[0]]!()).run(["--help"], io);
    }
    if (!command || command === "help" || command === "--help" || command === "-h") {
      io.stdout(USAGE);
      return command ? ExitCode.Ok : ExitCode.Usage;
    }
    if (command === "--version" || command === "version" || command === "-V" || command === "-v") {
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

