import { KeywardError } from "../core/errors.js";
import { ExitCode } from "../core/exit-codes.js";

/**
 * Every class of Secrets Manager failure, each with its own fix line. The table below is the one place that maps a
 * reason to its wording, retry and exit code (README "Configuration" describes the variables they name).
 */
export type SecretsErrorReason =
  | "secret-not-found"
  | "secret-scheduled-for-deletion"
  | "secret-exists"
  | "secret-version-conflict"
  /** The access key id is not one AWS knows (UnrecognizedClientException, InvalidClientTokenId). */
  | "secrets-access-key-unknown"
  /** The request was signed with a secret key that does not belong to the access key id (InvalidSignatureException, SignatureDoesNotMatch). */
  | "secrets-signature-mismatch"
  /** The signature's time is too far from AWS's clock ("Signature expired"). */
  | "secrets-clock-skew"
  /** Temporary credentials (a session token) expired or were revoked. */
  | "secrets-credentials-expired"
  /** The identity is known but IAM (or the secret's resource policy) does not allow the action. */
  | "secrets-access-denied"
  /** The identity may not use the secret's KMS key ("Access to KMS is not allowed"). */
  | "secrets-kms-access-denied"
  /** The secret's KMS key cannot be used: disabled, pending deletion, gone (DecryptionFailure, EncryptionFailure, KMS*Exception). */
  | "secrets-kms-key-unusable"
  | "secrets-throttled"
  /** Secrets Manager answered 5xx (InternalServiceError, ServiceUnavailable). */
  | "secrets-server-error"
  /** No answer at all: DNS, refused or reset connection. */
  | "secrets-unreachable"
  /** The request got no answer within the per-request timeout. */
  | "secrets-timeout"
  | "secrets-invalid-request"
  /** The AWS SDK could not even start: no region, no credentials in the default chain. */
  | "secrets-config";

interface ReasonRow {
  /** The fix line (`fix: …`). */
  hint: (ctx: { operation: string; secretId: string; awsName: string }) => string;
  /** In a few words, what went wrong, for messages that wrap this error (e.g. "not stored: …"). */
  problem: string;
  retryable: boolean;
  /** Configuration problems (credentials, permissions, keys) are exit 2; a failed run is exit 1. */
  exitCode: ExitCode;
}

const CREDENTIALS = "the AWS credentials (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN, or AWS_PROFILE)";

const REASONS: Record<SecretsErrorReason, ReasonRow> = {
  "secret-not-found": {
    hint: () => "create the secret container (Terraform does it in keyward's stacks) or pass --create-secret; check that AWS_REGION is the secret's region",
    problem: "the secret does not exist",
    retryable: false,
    exitCode: ExitCode.Failed,
  },
  "secret-scheduled-for-deletion": {
    hint: ({ secretId }) => `restore it (\`aws secretsmanager restore-secret --secret-id ${secretId}\`) or point --secret-id at another secret`,
    problem: "the secret is scheduled for deletion",
    retryable: false,
    exitCode: ExitCode.Failed,
  },
  "secret-exists": {
    hint: () => "a secret with that name already exists; pass it as --secret-id without --create-secret",
    problem: "a secret with that name already exists",
    retryable: false,
    exitCode: ExitCode.Failed,
  },
  "secret-version-conflict": {
    hint: () => "a retry reused a ClientRequestToken with a different value; re-run keyward rotate",
    problem: "a version conflict",
    retryable: false,
    exitCode: ExitCode.Failed,
  },
  "secrets-access-key-unknown": {
    hint: () => `AWS does not know the access key id: check ${CREDENTIALS}; the key may be deleted or belong to another partition`,
    problem: "AWS rejected the access key id",
    retryable: false,
    exitCode: ExitCode.Usage,
  },
  "secrets-signature-mismatch": {
    hint: () => "the secret access key does not belong to the access key id: check AWS_SECRET_ACCESS_KEY (or the profile's aws_secret_access_key) against AWS_ACCESS_KEY_ID",
    problem: "AWS rejected the request signature (wrong secret access key)",
    retryable: false,
    exitCode: ExitCode.Usage,
  },
  "secrets-clock-skew": {
    hint: () => "this machine's clock is more than 5 minutes off: synchronise it (NTP) and re-run",
    problem: "AWS rejected the request time (clock skew)",
    retryable: false,
    exitCode: ExitCode.Usage,
  },
  "secrets-credentials-expired": {
    hint: () => "the temporary AWS credentials expired: refresh them (aws sso login, re-assume the role, or renew AWS_SESSION_TOKEN) and re-run",
    problem: "the AWS session credentials expired",
    retryable: false,
    exitCode: ExitCode.Usage,
  },
  "secrets-access-denied": {
    hint: ({ operation }) =>
      `the AWS identity may not call secretsmanager:${operation} on this secret: allow it in the identity's IAM policy (and the secret's resource policy, if it has one); README "Rotating" lists every action keyward needs`,
    problem: "the AWS identity lacks a Secrets Manager permission",
    retryable: false,
    exitCode: ExitCode.Usage,
  },
  "secrets-kms-access-denied": {
    hint: ({ operation }) =>
      `the AWS identity may not use the secret's KMS key: allow ${operation === "GetSecretValue" ? "kms:Decrypt" : "kms:GenerateDataKey and kms:Decrypt"} on it, in the key policy and the identity's policy`,
    problem: "the AWS identity may not use the secret's KMS key",
    retryable: false,
    exitCode: ExitCode.Usage,
  },
  "secrets-kms-key-unusable": {
    hint: () =>
      "the secret's KMS key is disabled, pending deletion or gone: enable it (`aws kms enable-key`, or cancel its deletion), or re-encrypt the secret under a usable key (`aws secretsmanager update-secret --kms-key-id …`)",
    problem: "the secret's KMS key cannot be used",
    retryable: false,
    exitCode: ExitCode.Usage,
  },
  "secrets-throttled": {
    hint: () => "Secrets Manager is throttling this account: retry later, lower --concurrency, or spread the runs out",
    problem: "Secrets Manager was throttling",
    retryable: true,
    exitCode: ExitCode.Failed,
  },
  "secrets-server-error": {
    hint: () => "Secrets Manager had an internal error (keyward already retried): re-run later; check the AWS Health Dashboard if it persists",
    problem: "Secrets Manager answered with a server error",
    retryable: true,
    exitCode: ExitCode.Failed,
  },
  "secrets-unreachable": {
    hint: () => "could not reach Secrets Manager: check AWS_REGION, AWS_ENDPOINT_URL_SECRETS_MANAGER / AWS_ENDPOINT_URL, and network, proxy and firewall access",
    problem: "Secrets Manager was unreachable",
    retryable: true,
    exitCode: ExitCode.Failed,
  },
  "secrets-timeout": {
    hint: () => "Secrets Manager did not answer in time: check the network path; KEYWARD_HTTP_TIMEOUT_SECONDS sets how many seconds keyward waits for each request",
    problem: "Secrets Manager did not answer in time",
    retryable: true,
    exitCode: ExitCode.Failed,
  },
  "secrets-invalid-request": {
    hint: ({ awsName }) => `Secrets Manager refused the request (${awsName}): check the --secret-id value and the secret's state`,
    problem: "Secrets Manager refused the request",
    retryable: false,
    exitCode: ExitCode.Failed,
  },
  "secrets-config": {
    hint: () =>
      "set AWS_REGION and credentials for the AWS SDK's default chain (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_PROFILE, or a role); AWS_ENDPOINT_URL_SECRETS_MANAGER points it at another endpoint",
    problem: "the AWS SDK has no region or credentials",
    retryable: false,
    exitCode: ExitCode.Usage,
  },
};

/** A Secrets Manager failure, mapped from the AWS SDK's exception names. Never carries a secret value. */
export class SecretsError extends KeywardError {
  declare readonly reason: SecretsErrorReason;
  readonly awsName: string;
  readonly status: number | undefined;
  /** In a few words, what went wrong (for a message that wraps this error). */
  readonly problem: string;

  constructor(
    message: string,
    reason: SecretsErrorReason,
    details: { awsName?: string; status?: number; cause?: unknown; exitCode?: ExitCode; operation?: string; secretId?: string } = {},
  ) {
    const row = REASONS[reason];
    super(message, {
      reason,
      retryable: row.retryable,
      hint: row.hint({ operation: details.operation ?? "the operation", secretId: details.secretId ?? "…", awsName: details.awsName ?? "error" }),
      cause: details.cause,
      exitCode: details.exitCode ?? row.exitCode,
    });
    this.awsName = details.awsName ?? "";
    this.status = details.status;
    this.problem = row.problem;
  }
}

const SERVER_NAMES = new Set(["InternalServiceError", "InternalFailure", "ServiceUnavailable", "ServiceUnavailableException"]);
const THROTTLE_NAMES = new Set(["ThrottlingException", "Throttling", "TooManyRequestsException", "RequestLimitExceeded"]);
const NETWORK_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "EPIPE", "EHOSTUNREACH", "ENETUNREACH", "ENOTFOUND", "EAI_AGAIN"]);
const UNKNOWN_KEY_NAMES = new Set(["UnrecognizedClientException", "InvalidClientTokenId", "InvalidAccessKeyId"]);
const SIGNATURE_NAMES = new Set([
  "InvalidSignatureException",
  "SignatureDoesNotMatch",
  "IncompleteSignatureException",
  "IncompleteSignature",
  "MissingAuthenticationTokenException",
  "MissingAuthenticationToken",
]);
const EXPIRED_NAMES = new Set(["ExpiredTokenException", "ExpiredToken", "RequestExpired"]);
const KMS_DENIED_NAMES = new Set(["KMSAccessDeniedException"]);
const KMS_UNUSABLE_NAMES = new Set([
  "DecryptionFailure",
  "EncryptionFailure",
  "KMSDisabledException",
  "KMSInvalidStateException",
  "KMSNotFoundException",
  "DisabledException",
  "KMSInternalException",
]);

/** The reason for what the AWS SDK threw. Pure: decided from the error's name, status, code and message only. */
export function secretsReasonFor(
  err: { name?: string; code?: string; message?: string; $metadata?: { httpStatusCode?: number }; $fault?: string },
  operation: string,
): SecretsErrorReason {
  const name = err.name ?? "Error";
  const message = err.message ?? "";
  const status = err.$metadata?.httpStatusCode;
  if (/Region is missing|Could not load credentials|credential.*not.*found/i.test(message) || name === "CredentialsProviderError") return "secrets-config";
  if (name === "ResourceNotFoundException") return "secret-not-found";
  if (name === "ResourceExistsException") return operation === "CreateSecret" ? "secret-exists" : "secret-version-conflict";
  if (name === "InvalidRequestException" && /marked for deletion|scheduled for deletion|deleted/i.test(message)) return "secret-scheduled-for-deletion";
  if (UNKNOWN_KEY_NAMES.has(name)) return "secrets-access-key-unknown";
  if (/Signature expired|clock skew|RequestTimeTooSkewed/i.test(message) || name === "RequestTimeTooSkewed") return "secrets-clock-skew";
  if (SIGNATURE_NAMES.has(name)) return "secrets-signature-mismatch";
  if (EXPIRED_NAMES.has(name)) return "secrets-credentials-expired";
  if (KMS_DENIED_NAMES.has(name) || ((name === "AccessDeniedException" || name === "AccessDenied") && /\bKMS\b|kms:/i.test(message))) return "secrets-kms-access-denied";
  if (KMS_UNUSABLE_NAMES.has(name) || (/\bKMS\b/i.test(message) && /disabled|pending deletion|pendingdeletion|not found|does not exist/i.test(message)))
    return "secrets-kms-key-unusable";
  if (name === "AccessDeniedException" || name === "AccessDenied") return "secrets-access-denied";
  if (THROTTLE_NAMES.has(name) || status === 429) return "secrets-throttled";
  if (SERVER_NAMES.has(name) || (status !== undefined && status >= 500) || err.$fault === "server") return "secrets-server-error";
  if (name === "TimeoutError" || name === "RequestTimeout" || err.code === "ETIMEDOUT" || name === "AbortError") return "secrets-timeout";
  if ((err.code && NETWORK_CODES.has(err.code)) || status === undefined) return "secrets-unreachable";
  return "secrets-invalid-request";
}

/** Maps whatever the AWS SDK threw to a SecretsError; the message names the operation and the secret id only. */
export function toSecretsError(err: unknown, operation: string, secretId: string): SecretsError {
  if (err instanceof SecretsError) return err;
  const e = (err ?? {}) as { name?: string; code?: string; message?: string; $metadata?: { httpStatusCode?: number }; $fault?: string };
  const name = e.name ?? "Error";
  const status = e.$metadata?.httpStatusCode;
  const reason = secretsReasonFor(e, operation);
  const where = `Secrets Manager ${operation} on ${secretId}`;
  const details = { awsName: name, cause: err, operation, secretId, ...(status === undefined ? {} : { status }) };
  const firstLine = (e.message ?? name).split("\n")[0];
  const said: Record<SecretsErrorReason, string> = {
    "secret-not-found": "secret not found",
    "secret-scheduled-for-deletion": "the secret is scheduled for deletion",
    "secret-exists": "a secret with this name already exists",
    "secret-version-conflict": "version conflict for the rotation's ClientRequestToken",
    "secrets-access-key-unknown": `the access key id is not valid (${name})`,
    "secrets-signature-mismatch": `the request signature does not match (${name}: wrong secret access key?)`,
    "secrets-clock-skew": `the request time is outside AWS's window (${name})`,
    "secrets-credentials-expired": `the credentials expired (${name})`,
    "secrets-access-denied": `access denied (${name})`,
    "secrets-kms-access-denied": `access to the secret's KMS key denied (${name})`,
    "secrets-kms-key-unusable": `the secret's KMS key cannot be used (${name})`,
    "secrets-throttled": `throttled (${name})`,
    "secrets-server-error": `server error${status === undefined ? "" : ` ${status}`} (${name})`,
    "secrets-unreachable": `endpoint unreachable (${e.code ?? name})`,
    "secrets-timeout": `no answer in time (${e.code ?? name})`,
    "secrets-invalid-request": name,
    "secrets-config": `AWS SDK configuration incomplete (${firstLine})`,
  };
  return new SecretsError(`${where}: ${said[reason]}`, reason, details);
}
