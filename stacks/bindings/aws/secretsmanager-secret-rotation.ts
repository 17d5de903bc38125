// Hand-written binding of `aws_secretsmanager_secret_rotation` (hashicorp/aws 6.x,
// `website/docs/r/secretsmanager_secret_rotation.html.markdown`): Secrets Manager's own rotation of a secret, with a
// Lambda rotation function and a schedule.
import type { Construct } from "constructs";
import { SchemaResource, type ResourceMetaArguments, type Schema } from "../base.js";

export interface SecretsmanagerSecretRotationRotationRules {
  /** Days between scheduled rotations. Give this or `scheduleExpression`. */
  readonly automaticallyAfterDays?: number;
  /** `rate(N days)`, `rate(N hours)` or `cron(...)`. Give this or `automaticallyAfterDays`. */
  readonly scheduleExpression?: string;
  /** The rotation window, e.g. `3h`. */
  readonly duration?: string;
}

export interface SecretsmanagerSecretRotationConfig extends ResourceMetaArguments {
  /** ARN (or name) of the secret. */
  readonly secretId: string;
  /** ARN of the Lambda function that rotates it. */
  readonly rotationLambdaArn?: string;
  /** Default true: rotate once as soon as rotation is configured. */
  readonly rotateImmediately?: boolean;
  readonly rotationRules: SecretsmanagerSecretRotationRotationRules;
  /** Per-resource region override (AWS provider 6.x). */
  readonly region?: string;
}

const schema: Schema = {
  region: { kind: "string" },
  rotate_immediately: { kind: "boolean" },
  rotation_lambda_arn: { kind: "string" },
  rotation_rules: {
    kind: "block",
    collection: "list",
    maxOne: true,
    storageClassType: "SecretsmanagerSecretRotationRotationRulesList",
    attributes: { automatically_after_days: { kind: "number" }, duration: { kind: "string" }, schedule_expression: { kind: "string" } },
  },
  secret_id: { kind: "string" },
};

/** `aws_secretsmanager_secret_rotation`. */
export class SecretsmanagerSecretRotation extends SchemaResource<SecretsmanagerSecretRotationConfig> {
  public static readonly tfResourceType = "aws_secretsmanager_secret_rotation";

  constructor(scope: Construct, id: string, config: SecretsmanagerSecretRotationConfig) {
    super(scope, id, { terraformResourceType: SecretsmanagerSecretRotation.tfResourceType, providerName: "aws", schema, config });
  }

  /** Whether Secrets Manager rotation is enabled for the secret. */
  public get rotationEnabled(): string {
    return this.getStringAttribute("rotation_enabled");
  }
}
