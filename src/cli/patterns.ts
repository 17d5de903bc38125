import { writeFile } from "node:fs/promises";
import { UsageError } from "../core/errors.js";
import { ExitCode } from "../core/exit-codes.js";
import { renderGithub, renderGitleaks, renderTrufflehog } from "../scan/export.js";
import { defineCommand, parseCommand, renderHelp } from "./command-spec.js";
import { USAGE_EXIT } from "./env-docs.js";
import type { CliIo } from "./io.js";

/** `keyward patterns`'s grammar (parser and help are generated from it). */
export const spec = defineCommand({
  name: "patterns",
  summary: "export keyward's Genesys rules for GitHub secret scanning, gitleaks or TruffleHog",
  usage: ["patterns --format github|gitleaks|trufflehog [--output FILE]"],
  flags: {
    format: {
      type: "choice",
      choices: ["github", "gitleaks", "trufflehog"],
      description: "GitHub custom patterns (patterns.yml), a gitleaks config or TruffleHog custom detectors (required)",
    },
    output: { type: "string", value: "FILE", short: "o", description: "write to FILE instead of stdout" },
  },
  env: [],
  exitCodes: [
    { code: 0, meaning: "written" },
    { ...USAGE_EXIT, meaning: `${USAGE_EXIT.meaning}; --output not writable` },
  ],
});

/** `keyward patterns`: keyward's Genesys rules as GitHub custom patterns, a gitleaks config or TruffleHog detectors. */
export async function run(args: string[], io: CliIo): Promise<number> {
  const parsed = parseCommand(spec, args);
  if (parsed.help) {
    io.stdout(renderHelp(spec));
    return ExitCode.Ok;
  }
  const { values } = parsed;
  if (values.format === undefined) throw new UsageError("patterns: --format is required", { hint: "give --format github, gitleaks or trufflehog" });
  const text = { github: renderGithub, gitleaks: renderGitleaks, trufflehog: renderTrufflehog }[values.format]();
  if (values.output) {
    await writeFile(values.output, text, "utf8").catch((err: NodeJS.ErrnoException) => {
      throw new UsageError(`patterns: cannot write ${values.output} (${err.code ?? err.message})`, { hint: "pick a writable --output path (its directory must exist)" });
    });
  } else io.stdout(text);
  return ExitCode.Ok;
}
