import { randomUUID } from "node:crypto";
import { appendFileSync } from "node:fs";

/**
 * Appends `name=value` to a GitHub Actions environment file (`$GITHUB_OUTPUT`, `$GITHUB_ENV`) in the heredoc form
 * with a random delimiter that the value does not contain. The one writer of these files in keyward (rotate's
 * `--github-output` and the scan Action both use it). Mode 0600 when the file is created.
 */
export function appendActionsFile(file: string, name: string, value: string): void {
  let delimiter = `ghadelimiter_${randomUUID()}`;
  while (value.includes(delimiter)) delimiter = `ghadelimiter_${randomUUID()}`;
  appendFileSync(file, `${name}<<${delimiter}\n${value}\n${delimiter}\n`, { encoding: "utf8", mode: 0o600 });
}
