import { writeFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { UsageError } from "../core/errors.js";
import { ExitCode } from "../core/exit-codes.js";
import { renderGithub, renderGitleaks, renderTrufflehog } from "../scan/export.js";
import type { CliIo } from "./io.js";

const USAGE = "usage: keyward patterns --format github|gitleaks|trufflehog [--output FILE]";

/** `keyward patterns`: keyward's Genesys rules as GitHub custom patterns, a gitleaks config or TruffleHog detectors. */
export async function run(args: string[], io: CliIo): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({ args, strict: true, allowPositionals: false, options: { format: { type: "string" }, output: { type: "string", short: "o" }, help: { type: "boolean", short: "h" } } }));
  } catch (err) {
    throw new UsageError(`patterns: ${(err as Error).message}`, { hint: USAGE });
  }
  if (values.help) {
    io.stdout(`${USAGE}\n`);
    return ExitCode.Ok;
  }
  const render = { github: renderGithub, gitleaks: renderGitleaks, trufflehog: renderTrufflehog }[values.format ?? ""];
  if (!render) throw new UsageError(`patterns: --format must be github, gitleaks or trufflehog${values.format ? `, got "${values.format}"` : ""}`, { hint: USAGE });
  const text = render();
  if (values.output) {
    await writeFile(values.output, text, "utf8").catch((err: NodeJS.ErrnoException) => {
      throw new UsageError(`patterns: cannot write ${values.output} (${err.code ?? err.message})`);
    });
  }
  else io.stdout(text);
  return ExitCode.Ok;
}
