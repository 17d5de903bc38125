import { SecretsManagerError } from "./errors.js";
import { FaultSettingsError } from "./fault-plan.js";
import type { SecretsManagerPermissions } from "./types.js";

/** The default key of a secret created without `KmsKeyId`. */
export const DEFAULT_KMS_KEY = "aws/secretsmanager";

/** Operations that encrypt a value (KMS GenerateDataKey) and that decrypt one (KMS Decrypt). */
const ENCRYPTING = new Set(["CreateSecret", "PutSecretValue"]);
const DECRYPTING = new Set(["GetSecretValue"]);

/**
 * What the caller's IAM identity (and the KMS key policies) allow, as the control API sets it: `deny` lists
 * operations refused with `AccessDeniedException` (optionally only on secrets whose name starts with `secretPrefix`),
 * `kmsKeys` lists keys the caller may not use for `GenerateDataKey` (writing a value) or `Decrypt` (reading one).
 * Everything else is allowed, as with the sandbox's one key pair.
 */
export class PermissionPlan {
  private settings: SecretsManagerPermissions = {};
  readonly counters = { denied: 0, kmsDenied: 0 };

  set(value: unknown): void {
    this.settings = parsePermissions(value);
  }

  clear(): void {
    this.settings = {};
  }

  current(): SecretsManagerPermissions {
    return JSON.parse(JSON.stringify(this.settings)) as SecretsManagerPermissions;
  }

  /**
   * Throws the error AWS answers when `operation` on `secret` is not allowed. `hasValue`: the request carries a
   * value to encrypt (CreateSecret without one needs no data key).
   */
  check(
    operation: string,
    secret: { name: string; arn: string; kmsKeyId?: string } | undefined,
    requested: { secretId: string | undefined; kmsKeyId?: string; hasValue: boolean },
  ): void {
    const name = secret?.name ?? requested.secretId ?? "";
    const resource = secret?.arn ?? `arn:aws:secretsmanager:*:*:secret:${name}`;
    for (const rule of this.settings.deny ?? []) {
      if (rule.operation !== operation && rule.operation !== "*") continue;
      if (rule.secretPrefix !== undefined && !name.startsWith(rule.secretPrefix)) continue;
      this.counters.denied++;
      throw new SecretsManagerError(
        "AccessDeniedException",
        `User: arn:aws:sts::000000000000:assumed-role/keyward-sandbox/keyward is not authorized to perform: secretsmanager:${operation} on resource: ${resource} with an explicit deny in an identity-based policy`,
      );
    }
    const key = secret?.kmsKeyId ?? requested.kmsKeyId ?? DEFAULT_KMS_KEY;
    const keyRule = this.settings.kmsKeys?.[key];
    if (!keyRule) return;
    const needs = ENCRYPTING.has(operation) && requested.hasValue ? "GenerateDataKey" : DECRYPTING.has(operation) ? "Decrypt" : undefined;
    if (!needs || !keyRule.deny.includes(needs)) return;
    this.counters.kmsDenied++;
    // What Secrets Manager answers when the caller may not use the key is not in the reference: AccessDeniedException
    // "Access to KMS is not allowed" by default, EncryptionFailure / DecryptionFailure on request.
    if (keyRule.error === "KmsFailure") {
      throw needs === "GenerateDataKey"
        ? new SecretsManagerError(
            "EncryptionFailure",
            "Secrets Manager can't encrypt the protected secret text using the provided KMS key. Check that the KMS key is available, enabled, and not in an invalid state.",
          )
        : new SecretsManagerError("DecryptionFailure", "Secrets Manager can't decrypt the protected secret text using the provided KMS key.");
    }
    throw new SecretsManagerError("AccessDeniedException", "Access to KMS is not allowed");
  }
}

function parsePermissions(value: unknown): SecretsManagerPermissions {
  if (value === null || typeof value !== "object" || Array.isArray(value)) throw new FaultSettingsError("permissions must be an object");
  const p = value as Record<string, unknown>;
  const unknown = Object.keys(p).filter((k) => k !== "deny" && k !== "kmsKeys");
  if (unknown.length) throw new FaultSettingsError(`unknown permission setting(s): ${unknown.join(", ")}`);
  const out: SecretsManagerPermissions = {};
  if (p.deny !== undefined) {
    if (!Array.isArray(p.deny)) throw new FaultSettingsError("deny must be a list of {operation, secretPrefix?}");
    out.deny = p.deny.map((rule) => {
      const r = (rule ?? {}) as Record<string, unknown>;
      if (typeof r.operation !== "string" || r.operation === "") throw new FaultSettingsError("each deny rule needs an operation (an operation name, or *)");
      if (r.secretPrefix !== undefined && typeof r.secretPrefix !== "string") throw new FaultSettingsError("secretPrefix must be a string");
      const extra = Object.keys(r).filter((k) => k !== "operation" && k !== "secretPrefix");
      if (extra.length) throw new FaultSettingsError(`unknown deny rule field(s): ${extra.join(", ")}`);
      return { operation: r.operation, ...(r.secretPrefix !== undefined ? { secretPrefix: r.secretPrefix as string } : {}) };
    });
  }
  if (p.kmsKeys !== undefined) {
    if (p.kmsKeys === null || typeof p.kmsKeys !== "object" || Array.isArray(p.kmsKeys)) throw new FaultSettingsError("kmsKeys must be an object of key id -> {deny, error?}");
    out.kmsKeys = {};
    for (const [key, rule] of Object.entries(p.kmsKeys as Record<string, unknown>)) {
      const r = (rule ?? {}) as Record<string, unknown>;
      if (!Array.isArray(r.deny) || r.deny.some((d) => d !== "GenerateDataKey" && d !== "Decrypt")) {
        throw new FaultSettingsError(`kmsKeys["${key}"].deny must list "GenerateDataKey" and/or "Decrypt"`);
      }
      if (r.error !== undefined && r.error !== "AccessDeniedException" && r.error !== "KmsFailure")
        throw new FaultSettingsError(`kmsKeys["${key}"].error must be "AccessDeniedException" or "KmsFailure"`);
      out.kmsKeys[key] = {
        deny: [...(r.deny as Array<"GenerateDataKey" | "Decrypt">)],
        ...(r.error !== undefined ? { error: r.error as "AccessDeniedException" | "KmsFailure" } : {}),
      };
    }
  }
  return out;
}
