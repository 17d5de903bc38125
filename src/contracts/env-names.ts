/**
 * keyward's environment variables that name Secrets Manager secrets, in one scheme: `<NAME>_ARN` is the ARN of a
 * secret holding what `<NAME>` would hold. `KEYWARD_ADMIN_SECRET_ARN` holds the credential document
 * (src/contracts/credential-document.ts) of the Genesys client keyward acts as — the admin client for `rotate`,
 * `status` and the rotation Lambda, the janitor's own client for the janitor. Old names are still read, with one
 * deprecation line.
 */
export const ADMIN_SECRET_ARN_ENV = "KEYWARD_ADMIN_SECRET_ARN";
export const WEBHOOK_SECRET_ENV = "KEYWARD_WEBHOOK_SECRET";
export const WEBHOOK_SECRET_ARN_ENV = "KEYWARD_WEBHOOK_SECRET_ARN";

/** Deprecated spelling → the name that replaced it. */
export const DEPRECATED_ENV_NAMES: Readonly<Record<string, string>> = {
  KEYWARD_JANITOR_CREDENTIALS_ARN: ADMIN_SECRET_ARN_ENV,
};

/**
 * Reads `name`, or else a deprecated spelling of it (calling `warn` once with the deprecation line). When both are set
 * to different values, the new name wins and `warn` says so.
 */
export function readEnvName(env: Record<string, string | undefined>, name: string, warn: (line: string) => void = () => undefined): string | undefined {
  const value = env[name]?.trim() || undefined;
  for (const [old, current] of Object.entries(DEPRECATED_ENV_NAMES)) {
    if (current !== name) continue;
    const oldValue = env[old]?.trim() || undefined;
    if (oldValue === undefined) continue;
    if (value === undefined) {
      warn(`${old} is deprecated: use ${name} (same value)`);
      return oldValue;
    }
    if (oldValue !== value) warn(`${old} is deprecated and ignored: ${name} is set`);
  }
  return value;
}
