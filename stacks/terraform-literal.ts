// Literal strings from the configuration must reach Terraform as literals. Terraform evaluates `${...}`
// (interpolation) and `%{...}` (template directive) inside every string of a `.tf.json` file, so a client named
// `Export ${file("/etc/hostname")}` would read a local file at plan time. Escaping: `${` -> `$${`, `%{` -> `%%{`
// (Terraform turns them back into the literal text). `$${` written in the configuration stays literal too: it
// becomes `$$${`, which Terraform reads as `$` followed by an escaped `${`.
import { UsageError } from "../src/core/errors.js";
import type { KeywardStacksConfig } from "./config.js";

/** A literal string as a Terraform string: `${` -> `$${`, `%{` -> `%%{`. Refuses cdktf token markers. */
export function terraformLiteral(value: string): string {
  if (value.includes("TfToken[")) {
    throw new UsageError(`configuration value ${JSON.stringify(value)} contains a cdktf token marker ("TfToken[")`, {
      hint: "remove it: cdktf would replace it with another resource's value",
    });
  }
  // Replacer functions: in a replacement *string*, "$$" would mean a single "$".
  return value.replace(/\$\{/g, () => "$${").replace(/%\{/g, () => "%%{");
}

function escapeDeep(value: unknown): unknown {
  if (typeof value === "string") return terraformLiteral(value);
  if (Array.isArray(value)) return value.map(escapeDeep);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [terraformLiteral(k), escapeDeep(v)]));
  }
  return value;
}

/**
 * The configuration with every string (and map key, e.g. tag names) escaped by {@link terraformLiteral}, for
 * the stacks to put into Terraform. `rotateCommand` is the exception: it is a Terraform string by design (its
 * author escapes it, `config.ts` refuses an unescaped `${` or `%{`), so it passes unchanged.
 */
export function escapeConfigLiterals(config: KeywardStacksConfig): KeywardStacksConfig {
  const escaped = escapeDeep(config) as { -readonly [K in keyof KeywardStacksConfig]: KeywardStacksConfig[K] };
  if (config.rotateCommand !== undefined) escaped.rotateCommand = config.rotateCommand;
  else delete escaped.rotateCommand;
  return escaped;
}
