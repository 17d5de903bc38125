import { invalidParameter, invalidRequest } from "./errors.js";
import { InputReader } from "./input-reader.js";
import type { SecretValue } from "./secret-record.js";
import type { SecretStore } from "./secret-store.js";
import { parseListFilters } from "./list-filters.js";

/** What an operation may ask of the emulator beyond the store: RotateSecret starts the rotation function. */
export interface OperationContext {
  /** Checks that a rotation function is registered for the ARN (else the AccessDeniedException AWS answers). */
  requireRotationFunction(lambdaArn: string): void;
  /** Runs the rotation's four steps after the answer is sent. */
  startRotation(run: { arn: string; name: string; token: string; lambdaArn: string }): void;
}

export type Operation = (store: SecretStore, input: InputReader, ctx: OperationContext) => unknown;

const NAME = {
  min: 1,
  max: 512,
  pattern: /^[A-Za-z0-9/_+=.@-]+$/,
  patternMessage: "Invalid name. Must be a valid name containing alphanumeric characters, or any of the following: -/_+=.@",
};
const SECRET_ID = { min: 1, max: 2048 };
const TOKEN = { min: 32, max: 64 };
const VERSION_ID = { min: 32, max: 64 };
const STAGE = { min: 1, max: 256 };
const MAX_SECRET_BYTES = 65_536;
const LAMBDA_ARN = {
  min: 1,
  max: 2048,
  pattern: /^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]+(:[A-Za-z0-9_$-]+)?$/,
  patternMessage: "RotationLambdaARN must be a Lambda function ARN.",
};

/** RotateSecret's `RotationRules`: AutomaticallyAfterDays 1–1000, or a ScheduleExpression; Duration `<n>h` (1–24). */
function readRotationRules(input: InputReader): { AutomaticallyAfterDays?: number; Duration?: string; ScheduleExpression?: string } | undefined {
  if (!input.has("RotationRules")) return undefined;
  const rules = new InputReader(input.object("RotationRules"));
  const days = rules.integer("AutomaticallyAfterDays", 1, 1000);
  const schedule = rules.string("ScheduleExpression", {
    min: 1,
    max: 256,
    pattern: /^(rate\(\d+ (hour|hours|day|days)\)|cron\(.+\))$/,
    patternMessage: "ScheduleExpression must be rate(...) or cron(...).",
  });
  const duration = rules.string("Duration", { min: 2, max: 3, pattern: /^([1-9]|1\d|2[0-4])h$/, patternMessage: "Duration must be 1h to 24h." });
  if (days !== undefined && schedule !== undefined) throw invalidParameter("You can't specify both AutomaticallyAfterDays and ScheduleExpression.");
  return {
    ...(days !== undefined ? { AutomaticallyAfterDays: days } : {}),
    ...(schedule !== undefined ? { ScheduleExpression: schedule } : {}),
    ...(duration !== undefined ? { Duration: duration } : {}),
  };
}

/** SecretString | SecretBinary; `required` demands one of them. Both at once is an InvalidParameterException. */
function readValue(input: InputReader, required: boolean): SecretValue | undefined {
  const string = input.string("SecretString", { max: MAX_SECRET_BYTES });
  const binary = input.base64("SecretBinary", MAX_SECRET_BYTES);
  if (string !== undefined && binary !== undefined) {
    throw invalidParameter("You can't specify both a binary secret value and a string secret value in the same secret.");
  }
  if (string !== undefined) return { string };
  if (binary !== undefined) return { binary };
  if (required) throw invalidRequest("You must provide either SecretString or SecretBinary.");
  return undefined;
}

function unsupported(input: InputReader, ...names: string[]): void {
  for (const name of names) if (input.has(name)) throw invalidParameter(`${name} is not supported by the Secrets Manager emulator.`);
}

/** The implemented operations, by X-Amz-Target operation name. Each validates its input, then calls the store. */
export const operations: Readonly<Record<string, Operation>> = {
  CreateSecret(store, input) {
    unsupported(input, "AddReplicaRegions");
    const value = readValue(input, false);
    const clientRequestToken = input.string("ClientRequestToken", TOKEN);
    const description = input.string("Description", { max: 2048 });
    const kmsKeyId = input.string("KmsKeyId", { max: 2048 });
    const tags = input.tags("Tags");
    return store.createSecret({
      name: input.requiredString("Name", NAME),
      ...(clientRequestToken !== undefined ? { clientRequestToken } : {}),
      ...(description !== undefined ? { description } : {}),
      ...(kmsKeyId !== undefined ? { kmsKeyId } : {}),
      ...(value ? { value } : {}),
      ...(tags ? { tags } : {}),
    });
  },

  PutSecretValue(store, input) {
    const secretId = input.requiredString("SecretId", SECRET_ID);
    const clientRequestToken = input.string("ClientRequestToken", TOKEN);
    const versionStages = input.stringList("VersionStages", { ...STAGE, maxItems: 20 });
    return store.putSecretValue({
      secretId,
      value: readValue(input, true)!,
      ...(clientRequestToken !== undefined ? { clientRequestToken } : {}),
      ...(versionStages ? { versionStages } : {}),
    });
  },

  GetSecretValue(store, input) {
    const versionId = input.string("VersionId", VERSION_ID);
    const versionStage = input.string("VersionStage", STAGE);
    return store.getSecretValue({
      secretId: input.requiredString("SecretId", SECRET_ID),
      ...(versionId !== undefined ? { versionId } : {}),
      ...(versionStage !== undefined ? { versionStage } : {}),
    });
  },

  DescribeSecret(store, input) {
    return store.describeSecret(input.requiredString("SecretId", SECRET_ID));
  },

  UpdateSecretVersionStage(store, input) {
    const removeFromVersionId = input.string("RemoveFromVersionId", VERSION_ID);
    const moveToVersionId = input.string("MoveToVersionId", VERSION_ID);
    return store.updateSecretVersionStage({
      secretId: input.requiredString("SecretId", SECRET_ID),
      versionStage: input.requiredString("VersionStage", STAGE),
      ...(removeFromVersionId !== undefined ? { removeFromVersionId } : {}),
      ...(moveToVersionId !== undefined ? { moveToVersionId } : {}),
    });
  },

  ListSecretVersionIds(store, input) {
    const maxResults = input.integer("MaxResults", 1, 100);
    const nextToken = input.string("NextToken", { min: 1, max: 4096 });
    return store.listSecretVersionIds({
      secretId: input.requiredString("SecretId", SECRET_ID),
      includeDeprecated: input.boolean("IncludeDeprecated") ?? false,
      ...(maxResults !== undefined ? { maxResults } : {}),
      ...(nextToken !== undefined ? { nextToken } : {}),
    });
  },

  ListSecrets(store, input) {
    const filters = parseListFilters(input.list("Filters"));
    const maxResults = input.integer("MaxResults", 1, 100);
    const nextToken = input.string("NextToken", { min: 1, max: 4096 });
    return store.listSecrets({
      includePlannedDeletion: input.boolean("IncludePlannedDeletion") ?? false,
      filters,
      ...(maxResults !== undefined ? { maxResults } : {}),
      ...(nextToken !== undefined ? { nextToken } : {}),
    });
  },

  DeleteSecret(store, input) {
    const secretId = input.requiredString("SecretId", SECRET_ID);
    const force = input.boolean("ForceDeleteWithoutRecovery") ?? false;
    if (force && input.has("RecoveryWindowInDays")) {
      throw invalidParameter("You can't use ForceDeleteWithoutRecovery in conjunction with RecoveryWindowInDays.");
    }
    const recoveryWindowInDays = input.integer("RecoveryWindowInDays", 7, 30, "The RecoveryWindowInDays value must be between 7 and 30 days (inclusive).");
    return store.deleteSecret({ secretId, forceDeleteWithoutRecovery: force, ...(recoveryWindowInDays !== undefined ? { recoveryWindowInDays } : {}) });
  },

  RestoreSecret(store, input) {
    return store.restoreSecret(input.requiredString("SecretId", SECRET_ID));
  },

  UpdateSecret(store, input) {
    const value = readValue(input, false);
    const clientRequestToken = input.string("ClientRequestToken", TOKEN);
    const description = input.string("Description", { max: 2048 });
    const kmsKeyId = input.string("KmsKeyId", { max: 2048 });
    return store.updateSecret({
      secretId: input.requiredString("SecretId", SECRET_ID),
      ...(clientRequestToken !== undefined ? { clientRequestToken } : {}),
      ...(description !== undefined ? { description } : {}),
      ...(kmsKeyId !== undefined ? { kmsKeyId } : {}),
      ...(value ? { value } : {}),
    });
  },

  GetResourcePolicy(store, input) {
    return store.getResourcePolicy(input.requiredString("SecretId", SECRET_ID));
  },

  TagResource(store, input) {
    const tags = input.tags("Tags");
    if (!tags) throw invalidParameter("Tags is required.");
    return store.tagResource(input.requiredString("SecretId", SECRET_ID), tags);
  },

  RotateSecret(store, input, ctx) {
    const clientRequestToken = input.string("ClientRequestToken", TOKEN);
    const rotationLambdaArn = input.string("RotationLambdaARN", LAMBDA_ARN);
    const rotationRules = readRotationRules(input);
    const rotateImmediately = input.boolean("RotateImmediately");
    const secretId = input.requiredString("SecretId", SECRET_ID);
    // AWS checks that it may invoke the function before anything changes.
    const lambdaArn = rotationLambdaArn ?? store.lookup(secretId)?.rotationLambdaArn;
    if (lambdaArn !== undefined && rotateImmediately !== false) ctx.requireRotationFunction(lambdaArn);
    const { wire, run } = store.startRotation({
      secretId,
      ...(clientRequestToken !== undefined ? { clientRequestToken } : {}),
      ...(rotationLambdaArn !== undefined ? { rotationLambdaArn } : {}),
      ...(rotationRules !== undefined ? { rotationRules } : {}),
      ...(rotateImmediately !== undefined ? { rotateImmediately } : {}),
    });
    if (run) ctx.startRotation(run);
    return wire;
  },

  UntagResource(store, input) {
    const keys = input.stringList("TagKeys", { min: 1, max: 128 });
    if (!keys) throw invalidParameter("TagKeys is required.");
    return store.untagResource(input.requiredString("SecretId", SECRET_ID), keys);
  },
};
