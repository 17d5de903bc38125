import { registerClientSecret } from "../core/redact.js";

/**
 * The JSON document keyward keeps in Secrets Manager for one OAuth client (README "Secret value format"), and the
 * document the admin and janitor credentials are read from. `clientId`, `clientSecret` and `region` are the
 * contract; the rest is informational. Defined once: the rotation, the janitor, the Lambdas, the sandbox and the
 * stacks' documentation all use this shape.
 */
export interface StoredCredentials {
  clientId: string;
  clientSecret: string;
  /** `GENESYSCLOUD_REGION` value, e.g. `us-east-1`. */
  region: string;
  /** ISO time of the rotation that produced this value. */
  rotatedAt?: string;
  /** Always `keyward`. */
  rotatedBy?: string;
  /** Optional gateway (only for emulators / proxies); same meaning as the provider's gateway block. */
  gateway?: { host: string; port?: string; protocol?: string; pathName?: string; pathValue?: string };
  /**
   * Alternating rotation (README "Alternating clients"): the other client of the pair. `clientId` is the client this
   * document's secret belongs to (the current one); the next rotation regenerates `pairedClientId` and makes it
   * current, so `clientId`'s secret keeps working until the rotation after. Absent for single-client rotation.
   */
  pairedClientId?: string;
}

export function serializeStoredCredentials(value: StoredCredentials): string {
  registerClientSecret(value.clientId, value.clientSecret);
  return JSON.stringify(value);
}

/** Parses a stored value; returns undefined when it is not a keyward credential document. */
export function parseStoredCredentials(text: string): StoredCredentials | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!parsed || typeof parsed !== "object") return undefined;
  const v = parsed as Record<string, unknown>;
  if (typeof v.clientId !== "string" || typeof v.clientSecret !== "string" || typeof v.region !== "string") return undefined;
  registerClientSecret(v.clientId, v.clientSecret);
  return v as unknown as StoredCredentials;
}
