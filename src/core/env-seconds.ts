import { UsageError } from "./errors.js";

/** A number of seconds from an environment variable (e.g. KEYWARD_HTTP_TIMEOUT_SECONDS): `fallback` when unset, exit 2 when out of range. */
export function secondsFromEnv(env: Record<string, string | undefined>, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  const value = /^\d+(\.\d+)?$/.test(raw) ? Number(raw) : NaN;
  if (!(value >= min && value <= max))
    throw new UsageError(`${name}="${raw}" is not a number of seconds from ${min} to ${max}.`, { hint: `set ${name} to seconds (default ${fallback}), or unset it` });
  return value;
}
