import { SecretsError, secretsReasonFor, toSecretsError, type SecretsErrorReason } from "../../src/secrets/errors.js";

/** What the AWS SDK throws: a name, an HTTP status, a fault side and sometimes a Node error code. */
const sdk = (name: string, status: number | undefined, message = "", extra: { code?: string; $fault?: string } = {}) => ({
  name,
  message,
  ...(status === undefined ? {} : { $metadata: { httpStatusCode: status } }),
  ...extra,
});

describe("the Secrets Manager failure classes", () => {
  it.each<[string, ReturnType<typeof sdk>, string, SecretsErrorReason]>([
    [
      "a wrong secret access key",
      sdk("InvalidSignatureException", 400, "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method."),
      "GetSecretValue",
      "secrets-signature-mismatch",
    ],
    [
      "a malformed signature",
      sdk("IncompleteSignatureException", 400, "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header."),
      "GetSecretValue",
      "secrets-signature-mismatch",
    ],
    ["an unsigned request", sdk("MissingAuthenticationTokenException", 400, "Request is missing Authentication Token"), "GetSecretValue", "secrets-signature-mismatch"],
    [
      "an access key id AWS does not know",
      sdk("UnrecognizedClientException", 400, "The security token included in the request is invalid."),
      "DescribeSecret",
      "secrets-access-key-unknown",
    ],
    ["an invalid client token id", sdk("InvalidClientTokenId", 403, "The security token included in the request is invalid."), "DescribeSecret", "secrets-access-key-unknown"],
    [
      "a signature outside the clock window",
      sdk("InvalidSignatureException", 400, "Signature expired: 20260101T000000Z is now earlier than 20260101T001000Z (20260101T002500Z - 15 min.)"),
      "DescribeSecret",
      "secrets-clock-skew",
    ],
    ["an expired session token", sdk("ExpiredTokenException", 400, "The security token included in the request is expired"), "DescribeSecret", "secrets-credentials-expired"],
    [
      "an IAM denial",
      sdk("AccessDeniedException", 400, "User: arn:aws:iam::1:user/ci is not authorized to perform: secretsmanager:PutSecretValue"),
      "PutSecretValue",
      "secrets-access-denied",
    ],
    ["a KMS denial through Secrets Manager", sdk("AccessDeniedException", 400, "Access to KMS is not allowed"), "GetSecretValue", "secrets-kms-access-denied"],
    ["a KMS denial by name", sdk("KMSAccessDeniedException", 400, "no"), "GetSecretValue", "secrets-kms-access-denied"],
    [
      "a key that cannot decrypt",
      sdk("DecryptionFailure", 400, "Secrets Manager can't decrypt the protected secret text using the provided KMS key."),
      "GetSecretValue",
      "secrets-kms-key-unusable",
    ],
    [
      "a key that cannot encrypt",
      sdk("EncryptionFailure", 400, "Secrets Manager can't encrypt the protected secret text using the provided KMS key."),
      "PutSecretValue",
      "secrets-kms-key-unusable",
    ],
    ["a disabled key", sdk("KMSDisabledException", 400, "arn:aws:kms:…:key/x is disabled."), "GetSecretValue", "secrets-kms-key-unusable"],
    ["a key pending deletion", sdk("KMSInvalidStateException", 400, "arn:aws:kms:…:key/x is pending deletion."), "GetSecretValue", "secrets-kms-key-unusable"],
    ["a disabled key said in an invalid request", sdk("InvalidRequestException", 400, "The KMS key is disabled."), "PutSecretValue", "secrets-kms-key-unusable"],
    ["a missing secret", sdk("ResourceNotFoundException", 400, "Secrets Manager can't find the specified secret."), "DescribeSecret", "secret-not-found"],
    [
      "a secret marked for deletion",
      sdk("InvalidRequestException", 400, "You can't perform this operation on the secret because it was marked for deletion."),
      "PutSecretValue",
      "secret-scheduled-for-deletion",
    ],
    ["a name taken", sdk("ResourceExistsException", 400, "exists"), "CreateSecret", "secret-exists"],
    ["a reused request token", sdk("ResourceExistsException", 400, "exists"), "PutSecretValue", "secret-version-conflict"],
    ["throttling (400)", sdk("ThrottlingException", 400, "Rate exceeded"), "PutSecretValue", "secrets-throttled"],
    ["throttling (429)", sdk("SecretsManagerServiceException", 429), "PutSecretValue", "secrets-throttled"],
    ["an internal error", sdk("InternalServiceError", 500, "An error occurred on the server side.", { $fault: "server" }), "PutSecretValue", "secrets-server-error"],
    ["service unavailable", sdk("ServiceUnavailable", 503, "Service is unavailable."), "PutSecretValue", "secrets-server-error"],
    ["a gateway 502", sdk("SecretsManagerServiceException", 502), "GetSecretValue", "secrets-server-error"],
    ["a refused connection", sdk("Error", undefined, "connect ECONNREFUSED 127.0.0.1:1", { code: "ECONNREFUSED" }), "DescribeSecret", "secrets-unreachable"],
    ["an unknown host", sdk("Error", undefined, "getaddrinfo ENOTFOUND secretsmanager.xx-nowhere-1.amazonaws.com", { code: "ENOTFOUND" }), "DescribeSecret", "secrets-unreachable"],
    ["a reset connection", sdk("Error", undefined, "socket hang up", { code: "ECONNRESET" }), "DescribeSecret", "secrets-unreachable"],
    ["no answer in time", sdk("TimeoutError", undefined, "Connection timed out after 1000 ms"), "DescribeSecret", "secrets-timeout"],
    ["a connect timeout", sdk("Error", undefined, "connect ETIMEDOUT", { code: "ETIMEDOUT" }), "DescribeSecret", "secrets-timeout"],
    ["no region", sdk("Error", undefined, "Region is missing"), "DescribeSecret", "secrets-config"],
    ["no credentials", sdk("CredentialsProviderError", undefined, "Could not load credentials from any providers"), "DescribeSecret", "secrets-config"],
    ["a bad parameter", sdk("InvalidParameterException", 400, "bad"), "PutSecretValue", "secrets-invalid-request"],
  ])("%s is its own class", (_what, err, operation, reason) => {
    expect(secretsReasonFor(err, operation)).toBe(reason);
    const mapped = toSecretsError(err, operation, "keyward/x");
    expect(mapped).toBeInstanceOf(SecretsError);
    expect(mapped.reason).toBe(reason);
    expect(mapped.message).toMatch(new RegExp(`^Secrets Manager ${operation} on keyward/x: `));
  });

  const ALL: SecretsErrorReason[] = [
    "secret-not-found",
    "secret-scheduled-for-deletion",
    "secret-exists",
    "secret-version-conflict",
    "secrets-access-key-unknown",
    "secrets-signature-mismatch",
    "secrets-clock-skew",
    "secrets-credentials-expired",
    "secrets-access-denied",
    "secrets-kms-access-denied",
    "secrets-kms-key-unusable",
    "secrets-throttled",
    "secrets-server-error",
    "secrets-unreachable",
    "secrets-timeout",
    "secrets-invalid-request",
    "secrets-config",
  ];

  it("gives every class its own fix line and its own problem", () => {
    const errors = ALL.map((reason) => new SecretsError("m", reason, { operation: "PutSecretValue", secretId: "keyward/x", awsName: "X" }));
    expect(new Set(errors.map((e) => e.hint)).size).toBe(ALL.length);
    expect(new Set(errors.map((e) => e.problem)).size).toBe(ALL.length);
  });

  it("retries only what can pass by itself, and makes credentials, permissions and keys configuration errors (exit 2)", () => {
    const retryable = ALL.filter((reason) => new SecretsError("m", reason).retryable).sort();
    expect(retryable).toEqual(["secrets-server-error", "secrets-throttled", "secrets-timeout", "secrets-unreachable"]);
    const usage = ALL.filter((reason) => new SecretsError("m", reason).exitCode === 2).sort();
    expect(usage).toEqual([
      "secrets-access-denied",
      "secrets-access-key-unknown",
      "secrets-clock-skew",
      "secrets-config",
      "secrets-credentials-expired",
      "secrets-kms-access-denied",
      "secrets-kms-key-unusable",
      "secrets-signature-mismatch",
    ]);
  });

  it("never sends a signature problem to --secret-id or to IAM, nor a server error to the network", () => {
    const hint = (reason: SecretsErrorReason) => new SecretsError("m", reason, { operation: "PutSecretValue" }).hint!;
    for (const reason of ["secrets-signature-mismatch", "secrets-access-key-unknown"] as const) expect(hint(reason)).not.toMatch(/--secret-id|IAM|secretsmanager:/);
    expect(hint("secrets-server-error")).not.toMatch(/AWS_REGION|unreachable|network/);
    expect(hint("secrets-access-denied")).toContain("secretsmanager:PutSecretValue");
    expect(hint("secrets-kms-access-denied")).toContain("kms:GenerateDataKey");
  });
});
