import { TerraformOutput, TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import { UsageError } from "../src/core/errors.js";
import { DataAwsCallerIdentity } from "./bindings/aws/data-caller-identity.js";
import { LambdaPermission } from "./bindings/aws/lambda-permission.js";
import { SecretsmanagerSecret } from "./bindings/aws/secretsmanager-secret.js";
import { SecretsmanagerSecretRotation, type SecretsmanagerSecretRotationRotationRules } from "./bindings/aws/secretsmanager-secret-rotation.js";
import { configureBackend, type StateBackendSettings } from "./backend.js";
import { keywardTags } from "./clients-stack.js";
import type { KeywardStacksConfig } from "./config.js";
import type { ManagedClient } from "./constructs/rotated-oauth-client.js";
import { RotationLambda } from "./constructs/rotation-lambda.js";
import { RotationSchedule, rotationManifest } from "./constructs/rotation-schedule.js";
import { awsProvider } from "./providers.js";
import { escapeConfigLiterals } from "./terraform-literal.js";

export interface ScheduledRotationStackOptions {
  readonly config: KeywardStacksConfig;
  readonly backend: StateBackendSettings;
  /**
   * The clients to rotate on schedule. References into another stack (e.g. `ClientsStack.scheduledClients`)
   * become cdktf cross-stack references (an output there, a `terraform_remote_state` here), so the IAM policy
   * names the exact secret ARNs.
   */
  readonly clients: readonly ManagedClient[];
  /**
   * Alternating pairs (`rotation: "alternating"`): rotated by Secrets Manager's own rotation, through the same Lambda
   * (`aws_secretsmanager_secret_rotation` per secret, with the schedule; `aws_lambda_permission` for
   * `secretsmanager.amazonaws.com` with the secret's ARN as source). Not in the schedule's manifest.
   */
  readonly secretsManagerRotated?: readonly ManagedClient[];
  /** Handler entry; default `src/rotation/lambda.ts`. */
  readonly lambdaEntry?: string;
  /** Bundle directory; default under the app's output directory. */
  readonly bundleDir?: string;
}

/**
 * Scheduled rotation: an EventBridge Scheduler schedule invokes the rotation Lambda with the manifest
 * `{"clients":[{"clientId","secretId"}]}` as input; the Lambda reads the admin OAuth credentials from the admin
 * secret (declared here, empty: put the `{"clientId","clientSecret","region"}` document into it out of band) and
 * writes each client's new secret. IAM: see {@link RotationLambda} and {@link RotationSchedule}.
 */
export class ScheduledRotationStack extends TerraformStack {
  public readonly adminSecret: SecretsmanagerSecret;
  public readonly rotationLambda: RotationLambda;
  public readonly schedule: RotationSchedule;
  /** The schedule's input (JSON, with Terraform references inside). */
  public readonly manifest: string;
  /** Secrets Manager's own rotation of each alternating pair's secret. */
  public readonly secretRotations: readonly SecretsmanagerSecretRotation[];

  constructor(scope: Construct, id: string, options: ScheduledRotationStackOptions) {
    super(scope, id);
    // Every literal from the configuration reaches Terraform escaped (see terraform-literal.ts).
    const config = escapeConfigLiterals(options.config);
    const scheduled = config.scheduledRotation;
    if (!scheduled) throw new UsageError("scheduled rotation is disabled in the configuration (scheduledRotation: false)");
    const pairs = options.secretsManagerRotated ?? [];
    if (options.clients.length + pairs.length === 0) {
      throw new UsageError("scheduled rotation has no clients", { hint: 'set "scheduledRotation": false, or include at least one client' });
    }
    configureBackend(this, options.backend, config.awsRegion);
    awsProvider(this, config, keywardTags(config));

    const adminKms = scheduled.adminSecretKmsKeyArn ?? config.secretKmsKeyArn;
    this.adminSecret = new SecretsmanagerSecret(this, "admin-credentials", {
      name: scheduled.adminSecretName,
      description: 'keyward admin OAuth client for scheduled rotation: put {"clientId","clientSecret","region"} here (never in Terraform)',
      kmsKeyId: adminKms,
      recoveryWindowInDays: config.recoveryWindowInDays,
    });

    this.rotationLambda = new RotationLambda(this, "rotation-lambda", {
      functionName: scheduled.functionName,
      adminSecretArn: this.adminSecret.arn,
      adminSecretKmsKeyArn: adminKms,
      managedSecretArns: [...options.clients, ...pairs].map((c) => c.secretArn),
      managedSecretsKmsKeyArns: config.secretKmsKeyArn ? [config.secretKmsKeyArn] : undefined,
      awsRegion: config.awsRegion,
      logRetentionInDays: scheduled.logRetentionInDays,
      logKmsKeyArn: scheduled.logKmsKeyArn,
      // Each secret's lock keeps two rotations of it apart; a second slot lets Secrets Manager invoke a rotation step
      // while the schedule's invocation runs (a throttled step is retried by Secrets Manager).
      reservedConcurrentExecutions: pairs.length > 0 ? 2 : 1,
      rotateAdminClient: scheduled.rotateAdminClient,
      maximumRetryAttempts: 0,
      logLevel: scheduled.logLevel,
      runtime: scheduled.runtime,
      architecture: scheduled.architecture,
      entry: options.lambdaEntry,
      bundleDir: options.bundleDir,
    });

    this.manifest = rotationManifest(options.clients);
    // The scheduler role may be assumed only on behalf of this account and the schedule's own group.
    const identity = new DataAwsCallerIdentity(this, "caller");
    this.schedule = new RotationSchedule(this, "schedule", {
      sourceAccount: identity.accountId,
      name: scheduled.functionName,
      functionArn: this.rotationLambda.functionArn,
      input: this.manifest,
      scheduleExpression: scheduled.scheduleExpression,
      scheduleExpressionTimezone: scheduled.scheduleExpressionTimezone,
      enabled: scheduled.enabled,
    });

    // Secrets Manager's own rotation of each alternating pair's secret, on the same schedule, through the same Lambda.
    this.secretRotations = pairs.map((pair, i) => {
      const permission = new LambdaPermission(this, `secretsmanager-invoke-${i}`, {
        statementId: `SecretsManagerRotation${i}`,
        action: "lambda:InvokeFunction",
        functionName: this.rotationLambda.functionName,
        principal: "secretsmanager.amazonaws.com",
        // Only for this secret (confused-deputy guard): Secrets Manager passes the secret's ARN as the source.
        sourceArn: pair.secretArn,
      });
      return new SecretsmanagerSecretRotation(this, `secret-rotation-${i}`, {
        secretId: pair.secretArn,
        rotationLambdaArn: this.rotationLambda.functionArn,
        rotationRules: secretsManagerSchedule(scheduled.scheduleExpression),
        dependsOn: [permission],
      });
    });

    new TerraformOutput(this, "admin-secret-arn", {
      value: this.adminSecret.arn,
      description: "Put the admin OAuth client document here (aws secretsmanager put-secret-value)",
    });
    new TerraformOutput(this, "rotation-function-arn", { value: this.rotationLambda.functionArn });
    new TerraformOutput(this, "schedule-arn", { value: this.schedule.scheduleArn });
  }
}

/**
 * Secrets Manager's rotation rules for the stack's schedule expression: `rate(N day(s))` becomes
 * `automatically_after_days`; `rate(N hour(s))` and `cron(...)` stay a `schedule_expression` (EventBridge's `at(...)`
 * is refused by the configuration for alternating clients).
 */
export function secretsManagerSchedule(expression: string): SecretsmanagerSecretRotationRotationRules {
  const days = /^rate\((\d+) days?\)$/.exec(expression);
  if (days) return { automaticallyAfterDays: Number(days[1]) };
  return { scheduleExpression: expression };
}
