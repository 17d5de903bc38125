import { leakedSecrets, runKeyward } from "../helpers/keyward-cli.js";
import { useSandboxKit } from "../helpers/sandbox.js";
import { CLI_TIMEOUT_MS, closedPort, errorFixTools, outcome, SLOW } from "./error-fixes-kit.js";

/** AWS failure classes name their own fix (the shared tools: error-fixes-kit.ts). */
const kit = useSandboxKit();
const { rotate, injectAws } = errorFixTools(kit);

describe("AWS failures name their own fix", () => {
  it(
    "a wrong secret access key is a signature mismatch (exit 2): check AWS_SECRET_ACCESS_KEY, not --secret-id",
    async () => {
      const run = await rotate("bad-secret-key", { AWS_SECRET_ACCESS_KEY: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYWRONGKEY1" });
      expect(run.code).toBe(2);
      const o = outcome(run.stderr);
      expect(o).toMatchObject({ exit: 2, reason: "secrets-signature-mismatch" });
      expect(o.fix).toMatch(/AWS_SECRET_ACCESS_KEY/);
      expect(run.stderr).not.toMatch(/--secret-id value|IAM|secretsmanager:/);
    },
    SLOW,
  );

  it(
    "an access key id AWS does not know is its own class (exit 2): check the credentials, not IAM permissions",
    async () => {
      const run = await rotate("bad-access-key", { AWS_ACCESS_KEY_ID: "AKIAIOSFODNN7WRONGID" });
      expect(run.code).toBe(2);
      const o = outcome(run.stderr);
      expect(o).toMatchObject({ exit: 2, reason: "secrets-access-key-unknown" });
      expect(o.fix).toMatch(/access key id: check .*AWS_ACCESS_KEY_ID/);
      expect(run.stderr).not.toMatch(/IAM policy|secretsmanager:/);
    },
    SLOW,
  );

  it(
    "an IAM denial names the action to allow (exit 2)",
    async () => {
      injectAws({
        route: "DescribeSecret",
        errorStatus: 400,
        errorType: "AccessDeniedException",
        errorMessage:
          "User: arn:aws:iam::000000000000:user/ci is not authorized to perform: secretsmanager:DescribeSecret because no identity-based policy allows the secretsmanager:DescribeSecret action",
      });
      const run = await rotate("denied");
      expect(run.code).toBe(2);
      const o = outcome(run.stderr);
      expect(o).toMatchObject({ exit: 2, reason: "secrets-access-denied" });
      expect(o.fix).toMatch(/may not call secretsmanager:DescribeSecret .*IAM policy/);
    },
    SLOW,
  );

  it(
    "a secret that does not exist (without --create-secret) says to create it (exit 1)",
    async () => {
      const run = await rotate("missing", {}, []);
      expect(run.code).toBe(1);
      const o = outcome(run.stderr);
      expect(o.exit).toBe(1);
      expect(o.reason).toMatch(/^secret-(missing|not-found)$/);
      expect(o.fix).toMatch(/--create-secret/);
    },
    SLOW,
  );

  it(
    "KMS access denied on read names kms:Decrypt on the key (exit 2), not Secrets Manager permissions",
    async () => {
      // A secret holding a value: the preflight reads it (GetSecretValue) before anything changes.
      const client = await kit.createClient("fix-kms-read");
      expect((await runKeyward(["rotate", "--client-id", client.id, "--secret-id", "fixes/kms-read", "--create-secret"], kit.env, { timeoutMs: CLI_TIMEOUT_MS })).code).toBe(0);
      injectAws({ route: "GetSecretValue", errorStatus: 400, errorType: "AccessDeniedException", errorMessage: "Access to KMS is not allowed" });
      const run = await runKeyward(["rotate", "--client-id", client.id, "--secret-id", "fixes/kms-read"], kit.env, { timeoutMs: CLI_TIMEOUT_MS });
      kit.collectStoredSecrets();
      expect(leakedSecrets([run.stdout, run.stderr], kit.minted)).toEqual([]);
      expect(run.code).toBe(2);
      const o = outcome(run.stderr);
      expect(o).toMatchObject({ exit: 2, reason: "secrets-kms-access-denied" });
      expect(o.fix).toMatch(/KMS key: allow kms:Decrypt/);
      expect(o.fix).not.toMatch(/secretsmanager:/);
    },
    SLOW,
  );

  it.each([
    ["DecryptionFailure", "Secrets Manager can't decrypt the protected secret text using the provided KMS key."],
    ["KMSInvalidStateException", "arn:aws:kms:us-east-1:000000000000:key/1234abcd-12ab-34cd-56ef-1234567890ab is pending deletion."],
  ])(
    "an unusable KMS key on read (%s) says to enable or replace the key (exit 2)",
    async (type, message) => {
      const client = await kit.createClient(`fix-kms-${type}`);
      expect((await runKeyward(["rotate", "--client-id", client.id, "--secret-id", `fixes/kms-${type}`, "--create-secret"], kit.env, { timeoutMs: CLI_TIMEOUT_MS })).code).toBe(0);
      injectAws({ route: "GetSecretValue", errorStatus: 400, errorType: type, errorMessage: message });
      const run = await runKeyward(["rotate", "--client-id", client.id, "--secret-id", `fixes/kms-${type}`], kit.env, { timeoutMs: CLI_TIMEOUT_MS });
      kit.collectStoredSecrets();
      expect(run.code).toBe(2);
      const o = outcome(run.stderr);
      expect(o).toMatchObject({ exit: 2, reason: "secrets-kms-key-unusable" });
      expect(o.fix).toMatch(/KMS key is disabled, pending deletion or gone: enable it/);
    },
    SLOW,
  );

  it(
    "an unusable KMS key on write (EncryptionFailure) is exit 3 whose fix says to fix the key first",
    async () => {
      injectAws({
        route: "PutSecretValue",
        errorStatus: 400,
        errorType: "EncryptionFailure",
        errorMessage:
          "Secrets Manager can't encrypt the protected secret text using the provided KMS key. Check that the KMS key is available, enabled, and not in an invalid state.",
      });
      const run = await rotate("kms-write");
      expect(run.code).toBe(3);
      expect(run.stderr).toMatch(/could not be stored/);
      expect(run.stderr).toMatch(/the secret's KMS key cannot be used\).*; first: the secret's KMS key is disabled, pending deletion or gone/);
      expect(run.stderr).not.toMatch(/unreachable|AWS_REGION/);
    },
    SLOW,
  );

  it(
    "a 500 on PutSecretValue is a server error (exit 3), never 'unreachable: check AWS_REGION'",
    async () => {
      injectAws({ route: "PutSecretValue", errorStatus: 500 });
      const run = await rotate("server-error");
      expect(run.code).toBe(3);
      expect(run.stderr).toMatch(/once Secrets Manager accepts writes again \(Secrets Manager answered with a server error\)/);
      expect(run.stderr).not.toMatch(/unreachable|AWS_REGION|first:/);
    },
    SLOW,
  );

  it(
    "throttling on PutSecretValue says so (exit 3), with no configuration fix",
    async () => {
      injectAws({ route: "PutSecretValue", errorStatus: 400, errorType: "ThrottlingException", errorMessage: "Rate exceeded" });
      const run = await rotate("throttled");
      expect(run.code).toBe(3);
      expect(run.stderr).toMatch(/\(Secrets Manager was throttling\)/);
      expect(run.stderr).not.toMatch(/unreachable|AWS_REGION|first:/);
    },
    SLOW,
  );

  it(
    "a throttled read before any change is its own class (exit 1): retry later or lower --concurrency",
    async () => {
      injectAws({ route: "DescribeSecret", errorStatus: 400, errorType: "ThrottlingException", errorMessage: "Rate exceeded" });
      const run = await rotate("throttled-read");
      expect(run.code).toBe(1);
      const o = outcome(run.stderr);
      expect(o).toMatchObject({ exit: 1, reason: "secrets-throttled" });
      expect(o.fix).toMatch(/throttling .*lower --concurrency/);
    },
    SLOW,
  );

  it(
    "an endpoint nothing listens on is unreachable (exit 1): check AWS_REGION and the endpoint variables",
    async () => {
      const run = await rotate("unreachable", { AWS_ENDPOINT_URL_SECRETS_MANAGER: `http://127.0.0.1:${await closedPort()}` });
      expect(run.code).toBe(1);
      const o = outcome(run.stderr);
      expect(o).toMatchObject({ exit: 1, reason: "secrets-unreachable" });
      expect(o.fix).toMatch(/AWS_REGION, AWS_ENDPOINT_URL_SECRETS_MANAGER/);
    },
    SLOW,
  );

  it(
    "an endpoint that never answers is a timeout (exit 1) naming KEYWARD_HTTP_TIMEOUT_SECONDS",
    async () => {
      injectAws({ route: "DescribeSecret", hang: true, errorRate: 0 });
      const run = await rotate("timeout", { KEYWARD_HTTP_TIMEOUT_SECONDS: "1" });
      expect(run.code).toBe(1);
      const o = outcome(run.stderr);
      expect(o).toMatchObject({ exit: 1, reason: "secrets-timeout" });
      expect(o.fix).toMatch(/KEYWARD_HTTP_TIMEOUT_SECONDS/);
    },
    SLOW,
  );
});
