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
    injected: { unavailable: number; throttle: number; latency: number; error: number; reset: number; hang: number };
  };
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
