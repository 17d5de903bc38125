import type { RotationRules, SecretsManagerTag } from "./types.js";

/**
 * A secret value: exactly one of the two is set. `binary` is the base64 text of SecretBinary. Neither is set only for
 * the version a rotation starts with (RotateSecret attaches AWSPENDING to it; the rotation function's createSecret
 * step gives it its value).
 */
export interface SecretValue {
  string?: string;
  binary?: string;
}

/** One immutable version of a secret; only its labels change. */
export interface VersionRecord {
  id: string;
  value: SecretValue;
  stages: Set<string>;
  createdMs: number;
  lastAccessedMs?: number;
}

/** A secret as the store keeps it. Times are epoch milliseconds. */
export interface SecretRecord {
  name: string;
  arn: string;
  description?: string;
  kmsKeyId?: string;
  createdMs: number;
  lastChangedMs: number;
  lastAccessedMs?: number;
  /** Set while scheduled for deletion: when DeleteSecret was called. */
  deletedMs?: number;
  /** Set while scheduled for deletion: when the secret disappears. */
  deletionMs?: number;
  tags: SecretsManagerTag[];
  /** Oldest first. */
  versions: VersionRecord[];
  /** The ClientRequestToken of the CreateSecret call, so a retried create is a no-op. */
  createToken?: string;
  rotationEnabled?: boolean;
  rotationLambdaArn?: string;
  rotationRules?: RotationRules;
  /** When rotation was last configured (NextRotationDate counts from it until a rotation succeeds). */
  rotationConfiguredMs?: number;
  lastRotatedMs?: number;
}
