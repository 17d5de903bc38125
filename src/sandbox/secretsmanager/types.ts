import type { FaultInjector, FaultRule } from "../common/faults.js";
import type { SigV4Credentials } from "../common/sigv4.js";

export interface SecretsManagerEmulatorOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Default `127.0.0.1`. */
  host?: string;
  /** Region used in ARNs. Default `us-east-1`. */
  region?: string;
  /** Account used in ARNs. Default `000000000000`. */
  accountId?: string;
  /** Milliseconds since the epoch; drives every date and the deletion windows. Default `Date.now`. */
  clock?: () => number;
  /**
   * The one access key pair the emulator accepts (every request must carry a valid SigV4 signature made with
   * it). Default: a fresh random pair, readable as `emulator.credentials`, so only whoever started the emulator
   * (or holds the sandbox's env file) can talk to it.
   */
  credentials?: SigV4Credentials;
  /** Rotation functions by Lambda ARN, invoked by `RotateSecret` (also settable with `control.setRotationFunction`). */
  rotationFunctions?: Record<string, RotationFunction>;
}

/** The event Secrets Manager invokes a rotation function with, once per step (AWS's rotation protocol). */
export interface RotationEvent {
  Step: "createSecret" | "setSecret" | "testSecret" | "finishSecret";
  /** The secret's ARN. */
  SecretId: string;
  /** The version the rotation creates (its id), attached to AWSPENDING when the rotation starts. */
  ClientRequestToken: string;
  RotationToken: string;
}

/** A rotation function as the emulator calls it: a rejection is a failed step (the rotation stops there). */
export type RotationFunction = (event: RotationEvent) => Promise<unknown>;

/** One rotation `RotateSecret` started, as `state()` shows it. */
export interface RotationRunState {
  secretName: string;
  token: string;
  lambdaArn: string;
  status: "running" | "succeeded" | "failed";
  steps: Array<{ step: RotationEvent["Step"]; ok: boolean; error?: string }>;
  startedDate: string;
  endedDate?: string;
}

/**
 * What the caller's identity may do (IAM and KMS key policies), set through the control API. Everything not denied
 * is allowed.
 */
export interface SecretsManagerPermissions {
  /** Operations answered with `AccessDeniedException` (explicit deny); `secretPrefix` limits a rule to those names. */
  deny?: Array<{ operation: string; secretPrefix?: string }>;
  /**
   * KMS keys (as the secret's `KmsKeyId` names them; `aws/secretsmanager` for the default key) the caller may not
   * use: `GenerateDataKey` (CreateSecret with a value, PutSecretValue) and/or `Decrypt` (GetSecretValue). `error`:
   * `AccessDeniedException` "Access to KMS is not allowed" (default) or `KmsFailure` (EncryptionFailure /
   * DecryptionFailure); which one AWS sends is not in the reference.
   */
  kmsKeys?: Record<string, { deny: Array<"GenerateDataKey" | "Decrypt">; error?: "AccessDeniedException" | "KmsFailure" }>;
}

/** Platform behaviours the reference leaves open, as options. */
export interface SecretsManagerSettings {
  /**
   * How a `CreateSecret` retried with the `ClientRequestToken` of the secret it already created (its answer was
   * lost) is answered: `idempotent` (the API reference: the same token and value is a no-op; the default) or
   * `resource-exists` (`ResourceExistsException`, as some implementations answer).
   */
  createSecretRetry: "idempotent" | "resource-exists";
}

/**
 * Coarse faults for whole operations. `true` lasts until cleared; `{ times: N }` affects the next N matching
 * requests only. When both are active, `unavailable` is used up first.
 */
export interface SecretsManagerFaults {
  /** 503 `ServiceUnavailable` (a server fault the AWS SDK retries). */
  unavailable?: boolean | { times: number };
  /** 400 `ThrottlingException` (a throttling error the AWS SDK retries). */
  throttle?: boolean | { times: number };
  /** Added before every matching request is answered. */
  latencyMs?: number;
  /**
   * The request is handled (the change is made) but its answer is lost: the connection is destroyed instead of
   * answering, so the SDK sees a reset and retries with the same ClientRequestToken.
   */
  dropAnswer?: boolean | { times: number };
  /** Operation names the above apply to, e.g. `["PutSecretValue"]`. Default: all operations. */
  operations?: string[];
}

export interface SecretsManagerTag {
  Key: string;
  Value: string;
}

/** One version as `state()` shows it: never its value. Dates are ISO 8601 strings. */
export interface SecretVersionState {
  id: string;
  stages: string[];
  createdDate: string;
}

/** One secret as `state()` shows it: never a value. Dates are ISO 8601 strings. */
export interface SecretState {
  name: string;
  arn: string;
  description?: string;
  kmsKeyId?: string;
  createdDate: string;
  lastChangedDate: string;
  lastAccessedDate?: string;
  /** When DeleteSecret scheduled the deletion (DescribeSecret's `DeletedDate`). */
  deletedDate?: string;
  /** When the scheduled deletion takes effect (DeleteSecret's `DeletionDate`). */
  deletionDate?: string;
  tags: SecretsManagerTag[];
  /** Oldest first, including versions without labels. */
  versions: SecretVersionState[];
  rotationEnabled: boolean;
  rotationLambdaArn?: string;
  rotationRules?: RotationRules;
  lastRotatedDate?: string;
}

/** DescribeSecret's `RotationRules`. */
export interface RotationRules {
  AutomaticallyAfterDays?: number;
  Duration?: string;
  ScheduleExpression?: string;
}

export interface SecretsManagerState {
  region: string;
  accountId: string;
  secrets: SecretState[];
  /** Requests received per operation name (every request with an `X-Amz-Target`, faulted ones included). */
  requests: Record<string, number>;
  faults: {
    /** What `setFaults` configured, with `times` showing what is left. */
    settings: SecretsManagerFaults;
    /** The FaultInjector's live rules. */
    rules: FaultRule[];
    /** How many requests each kind of fault affected since the last reset. */
    injected: { unavailable: number; throttle: number; latency: number; error: number; reset: number; hang: number; dropped: number; denied: number; kmsDenied: number };
  };
  permissions: SecretsManagerPermissions;
  settings: SecretsManagerSettings;
  /** Rotations started by RotateSecret, oldest first. */
  rotations: RotationRunState[];
}

export interface SecretsManagerControl {
  /** Replaces the coarse fault settings. Throws `FaultSettingsError` for a malformed value. */
  setFaults(f: SecretsManagerFaults): void;
  /** Clears the coarse settings and every FaultInjector rule. */
  clearFaults(): void;
  /** Per-operation rules (route key = operation name). `errorStatus` 500 → InternalServiceError, 503 → ServiceUnavailable, 429 → ThrottlingException. */
  faults: FaultInjector;
  /** Secrets without values, request counts and faults. Expired deletions are purged first. */
  state(): SecretsManagerState;
  /** Replaces what the caller may do. Throws `FaultSettingsError` for a malformed value. */
  setPermissions(p: SecretsManagerPermissions): void;
  /** Everything allowed again. */
  clearPermissions(): void;
  /** Changes some of the settings (the others stay). Throws `FaultSettingsError` for a malformed value. */
  setSettings(s: Partial<SecretsManagerSettings>): void;
  /** Registers (or, with undefined, removes) the rotation function RotateSecret invokes for a Lambda ARN. */
  setRotationFunction(lambdaArn: string, fn: RotationFunction | undefined): void;
  /** Resolves when no rotation started by RotateSecret is running. */
  rotationsIdle(): Promise<void>;
  /** Tests only: the plaintext at a stage (default AWSCURRENT), or undefined. A binary secret comes back as base64. */
  peek(secretId: string, stage?: string): string | undefined;
  /** Forgets every secret, request count and fault. */
  reset(): void;
}

export interface ControlResponse {
  status: number;
  body: unknown;
}

export interface SecretsManagerEmulator {
  /** `http://<host>:<port>`, for the SDK's `endpoint` or `AWS_ENDPOINT_URL_SECRETS_MANAGER`. */
  url: string;
  port: number;
  region: string;
  /** The access key pair requests must be signed with (see `SecretsManagerEmulatorOptions.credentials`). */
  credentials: SigV4Credentials;
  control: SecretsManagerControl;
  /**
   * The HTTP control API, for mounting on another server: `GET /state`, `PUT /faults` (SecretsManagerFaults),
   * `DELETE /faults`, `PUT /faults/rules` (FaultRule[] for the injector), `POST /reset`. Anything else is 404.
   */
  handleControl(method: string, path: string, body: unknown): Promise<ControlResponse>;
  close(): Promise<void>;
}
