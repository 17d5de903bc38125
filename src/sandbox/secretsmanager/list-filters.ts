// ListSecrets `Filters`, with the semantics AWS documents (API_Filter, "Find secrets in Secrets Manager"):
// - `name`, `tag-key`, `tag-value`: prefix match, case-sensitive; `description`: prefix match, not case-sensitive;
// - `all`: the value is broken into words, each a case-insensitive prefix of a word of the name, description,
//   a tag key or a tag value (words split at punctuation, lower→upper case and letter↔digit changes);
// - a value starting with `!` negates it (the secret matches when the rest does NOT match);
// - several values of one filter: any may match (OR); several filters: all must match (AND).
// Tag filters are not correlated, as in AWS: `tag-key: a` + `tag-value: b` matches a secret with tag a=x and
// another tag y=b. Callers that need "tag a has value b" check the returned Tags themselves.
// `primary-region` and `owning-service` are answered too (this emulator has no replicas or owning services).
import { SecretsManagerError } from "./errors.js";
import type { SecretRecord } from "./secret-record.js";

export const FILTER_KEYS = ["description", "name", "tag-key", "tag-value", "primary-region", "owning-service", "all"] as const;
export type FilterKey = (typeof FILTER_KEYS)[number];
export interface ListFilter {
  readonly key: FilterKey;
  readonly values: readonly string[];
}

const VALUE_PATTERN = /^!?[a-zA-Z0-9 :_@/+=.\-!]*$/;

const validation = (message: string) => new SecretsManagerError("ValidationException", message);

/** Checks the wire `Filters` member (as AWS's model validation would) and returns typed filters. */
export function parseListFilters(raw: unknown[] | undefined): ListFilter[] {
  if (raw === undefined) return [];
  return raw.map((entry, i) => {
    const where = `filters.${i + 1}.member`;
    if (entry === null || typeof entry !== "object" || Array.isArray(entry))
      throw validation(`1 validation error detected: Value at '${where}' failed to satisfy constraint: Member must be a structure`);
    const { Key: key, Values: values } = entry as { Key?: unknown; Values?: unknown };
    if (typeof key !== "string" || !(FILTER_KEYS as readonly string[]).includes(key)) {
      throw validation(
        `1 validation error detected: Value '${String(key)}' at '${where}.key' failed to satisfy constraint: Member must satisfy enum value set: [${FILTER_KEYS.join(", ")}]`,
      );
    }
    if (!Array.isArray(values) || values.length < 1 || values.length > 10) {
      throw validation(`1 validation error detected: Value at '${where}.values' failed to satisfy constraint: Member must have length between 1 and 10`);
    }
    for (const value of values) {
      if (typeof value !== "string" || value.length > 512 || !VALUE_PATTERN.test(value)) {
        throw validation(
          `1 validation error detected: Value at '${where}.values' failed to satisfy constraint: Member must satisfy regular expression pattern: ${VALUE_PATTERN.source}`,
        );
      }
    }
    return { key: key as FilterKey, values: values as string[] };
  });
}

/** Lower-case words of a text, split the way the `all` search splits them. */
export function searchWords(text: string): string[] {
  return text
    .replace(/([a-z])([A-Z])/g, "$1 $2")
    .replace(/([A-Za-z])([0-9])|([0-9])([A-Za-z])/g, (_, a, b, c, d) => (a ? `${a} ${b}` : `${c} ${d}`))
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w.toLowerCase());
}

function positiveMatch(secret: SecretRecord, key: FilterKey, value: string, region: string): boolean {
  switch (key) {
    case "name":
      return secret.name.startsWith(value);
    case "description":
      return (secret.description ?? "").toLowerCase().startsWith(value.toLowerCase());
    case "tag-key":
      return secret.tags.some((t) => t.Key.startsWith(value));
    case "tag-value":
      return secret.tags.some((t) => t.Value.startsWith(value));
    case "primary-region":
      return region.startsWith(value);
    case "owning-service":
      return false;
    case "all": {
      const haystack = [secret.name, secret.description ?? "", ...secret.tags.flatMap((t) => [t.Key, t.Value])].flatMap(searchWords);
      return searchWords(value).some((word) => haystack.some((candidate) => candidate.startsWith(word)));
    }
  }
}

function valueMatches(secret: SecretRecord, key: FilterKey, value: string, region: string): boolean {
  return value.startsWith("!") ? !positiveMatch(secret, key, value.slice(1), region) : positiveMatch(secret, key, value, region);
}

/** Whether a secret passes every filter. */
export function matchesFilters(secret: SecretRecord, filters: readonly ListFilter[], region: string): boolean {
  return filters.every((f) => f.values.some((value) => valueMatches(secret, f.key, value, region)));
}
