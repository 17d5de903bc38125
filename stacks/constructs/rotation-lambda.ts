import { App, AssetType, Fn, TerraformAsset, type TerraformProvider } from "cdktf";
import { Construct } from "constructs";
import { join } from "node:path";
import { UsageError } from "../../src/core/errors.js";
import { CloudwatchLogGroup } from "../bindings/aws/cloudwatch-log-group.js";
import { IamRole } from "../bindings/aws/iam-role.js";
import { IamRolePolicy } from "../bindings/aws/iam-role-policy.js";
import { policyDocument, type IamPolicyStatement } from "../bindings/aws/iam-policy.js";
import { rotationLambdaStatements } from "../policies.js";
import { LambdaFunction } from "../bindings/aws/lambda-function.js";
import { LambdaFunctionEventInvokeConfig } from "../bindings/aws/lambda-function-event-invoke-config.js";
import { bundleLambda, LAMBDA_BUNDLE_FILE, ROTATION_LAMBDA_ENTRY } from "./lambda-bundle.js";

/** Lambda runtimes the ESM bundle is built for. */
export type RotationLambdaRuntime = "nodejs22.x" | "nodejs20.x";

export interface RotationLambdaOptions {
  /** Lambda function name (also names the role, the policy and the `/aws/lambda/<name>` log group). */
  readonly functionName: string;
  /** ARN of the Secrets Manager secret holding the admin OAuth credentials, read with GetSecretValue at runtime. */
  readonly adminSecretArn: string;
  /** Exactly the client secrets the function may rotate (Describe/Get/PutSecretValue). At least one. */
  readonly managedSecretArns: readonly string[];
  /** CMK of the admin secret, if it has one: adds `kms:Decrypt` on that key only. */
  readonly adminSecretKmsKeyArn?: string;
  /** CMKs of the managed secrets, if any: adds `kms:Decrypt` + `kms:GenerateDataKey` on those keys only. */
  readonly managedSecretsKmsKeyArns?: readonly string[];
  /** AWS region of the secrets; used for the `kms:ViaService` condition. */
  readonly awsRegion: string;
  /** KEYWARD_CONCURRENCY: clients rotated in parallel per invocation (the handler's default is 4). */
  readonly concurrency?: number;
  /** KEYWARD_ROTATE_ADMIN: the scheduled run rotates the admin client too, last, into its own secret. Default true. */
  readonly rotateAdminClient?: boolean;
  /** Default 30. */
  readonly logRetentionInDays?: number;
  /** CMK for the log group (`kms_key_id`); its key policy must let `logs.<region>.amazonaws.com` use it. */
  readonly logKmsKeyArn?: string;
  /** KEYWARD_LOG_LEVEL; default `info`. */
  readonly logLevel?: string;
  /** Default `nodejs22.x`. */
  readonly runtime?: RotationLambdaRuntime;
  /** Default `arm64`. */
  readonly architecture?: "arm64" | "x86_64";
  /** MB; default 256. */
  readonly memorySize?: number;
  /** Seconds; default 120 (one regenerate + put + verify per client, sequentially). */
  readonly timeout?: number;
  /**
   * Reserved concurrency. Default 1: two invocations never rotate at once (a second one is throttled, and with
   * no retries dropped), so two runs can never regenerate the same client into each other's secrets.
   */
  readonly reservedConcurrentExecutions?: number;
  /**
   * Retries of a failed asynchronous invocation (EventBridge Scheduler invokes asynchronously). Default 0: a retry
   * re-runs the whole manifest, regenerating every client again; the next schedule is the retry.
   */
  readonly maximumRetryAttempts?: 0 | 1 | 2;
  /** Handler entry; default `src/rotation/lambda.ts`, the same sources the CLI is built from. */
  readonly entry?: string;
  /** Where the bundle is written; default `<app outdir>/.keyward-bundles/<construct path>`. */
  readonly bundleDir?: string;
  readonly tags?: { [key: string]: string };
  readonly provider?: TerraformProvider;
}

/**
 * The scheduled-rotation Lambda: esbuild bundle of `src/rotation/lambda.ts` as a `TerraformAsset` zip, its log
 * group (with retention), its execution role and one inline least-privilege policy:
 *
 * - `secretsmanager:GetSecretValue` on the admin credentials secret only;
 * - `secretsmanager:DescribeSecret`, `GetSecretValue` (to verify AWSCURRENT after writing), `PutSecretValue` and
 *   `TagResource` (`keyward rotate` tags its target `keyward:client-id`) on exactly the managed client secrets;
 * - `secretsmanager:ListSecrets` on `*` (it cannot be scoped to resources; it lists names and tags, never values),
 *   so a run can find every secret tagged with its client's id and refuse to rotate one client into two secrets;
 * - `logs:CreateLogStream`, `logs:PutLogEvents` on its own log group and that group's streams only;
 * - `kms:Decrypt` (+ `kms:GenerateDataKey` for the managed secrets) on configured CMKs only, via Secrets Manager.
 *
 * Asynchronous invocations are not retried (`aws_lambda_function_event_invoke_config`, maximum_retry_attempts 0)
 * and reserved concurrency is 1, so one schedule tick rotates each client at most once.
 *
 * The function's environment holds the admin secret's ARN (KEYWARD_ADMIN_SECRET_ARN), never credentials: the
 * handler reads that secret (a `{"clientId","clientSecret","region"}` document) with GetSecretValue at run time.
 */
export class RotationLambda extends Construct {
  public readonly function: LambdaFunction;
  public readonly role: IamRole;
  public readonly policy: IamRolePolicy;
  public readonly logGroup: CloudwatchLogGroup;
  public readonly invokeConfig: LambdaFunctionEventInvokeConfig;
  public readonly asset: TerraformAsset;
  /** The statements of the execution role's inline policy, as rendered into `policy`. */
  public readonly policyStatements: readonly IamPolicyStatement[];
  public readonly functionArn: string;
  public readonly functionName: string;
  public readonly roleArn: string;
  public readonly logGroupArn: string;

  constructor(scope: Construct, id: string, options: RotationLambdaOptions) {
    super(scope, id);
    if (options.managedSecretArns.length === 0) {
      throw new UsageError("RotationLambda needs at least one managed secret ARN to rotate");
    }
    const provider = options.provider;
    const runtime = options.runtime ?? "nodejs22.x";

    // An absolute path: TerraformAsset would resolve a relative one against cdktf.json's directory, not the cwd.
    const bundleDir = bundleLambda({
      entry: options.entry ?? ROTATION_LAMBDA_ENTRY,
      outdir: options.bundleDir ?? join(App.of(this).outdir, ".keyward-bundles", this.node.path.replace(/\//g, "_")),
      target: runtime === "nodejs20.x" ? "node20" : "node22",
    });
    this.asset = new TerraformAsset(this, "bundle", { path: bundleDir, type: AssetType.ARCHIVE });

    this.logGroup = new CloudwatchLogGroup(this, "logs", {
      name: `/aws/lambda/${options.functionName}`,
      retentionInDays: options.logRetentionInDays ?? 30,
      kmsKeyId: options.logKmsKeyArn,
      tags: options.tags,
      provider,
    });

    this.role = new IamRole(this, "role", {
      name: options.functionName,
      description: "keyward scheduled rotation: reads the admin secret, writes the managed client secrets",
      assumeRolePolicy: policyDocument([
        {
          sid: "LambdaAssumeRole",
          actions: ["sts:AssumeRole"],
          principals: [{ type: "Service", identifiers: ["lambda.amazonaws.com"] }],
        },
      ]),
      tags: options.tags,
      provider,
    });

    // The policy is generated in one place (stacks/policies.ts), which the README's production guide renders too.
    const statements = rotationLambdaStatements({
      adminSecretArn: options.adminSecretArn,
      managedSecretArns: options.managedSecretArns,
      logGroupArn: this.logGroup.arn,
      awsRegion: options.awsRegion,
      ...(options.adminSecretKmsKeyArn ? { adminSecretKmsKeyArn: options.adminSecretKmsKeyArn } : {}),
      ...(options.managedSecretsKmsKeyArns ? { managedSecretsKmsKeyArns: options.managedSecretsKmsKeyArns } : {}),
      rotateAdminClient: options.rotateAdminClient ?? true,
    });
    this.policyStatements = statements;
    this.policy = new IamRolePolicy(this, "policy", {
      name: "keyward-rotation",
      role: this.role.name,
      policy: policyDocument(statements),
      provider,
    });

    const variables: { [key: string]: string } = {
      KEYWARD_ADMIN_SECRET_ARN: options.adminSecretArn,
      KEYWARD_LOG_LEVEL: options.logLevel ?? "info",
    };
    if (options.concurrency !== undefined) variables.KEYWARD_CONCURRENCY = String(options.concurrency);
    variables.KEYWARD_ROTATE_ADMIN = String(options.rotateAdminClient ?? true);

    this.function = new LambdaFunction(this, "function", {
      functionName: options.functionName,
      description: "keyward: rotates Genesys Cloud OAuth client secrets into Secrets Manager",
      role: this.role.arn,
      runtime,
      architectures: [options.architecture ?? "arm64"],
      handler: `${LAMBDA_BUNDLE_FILE.replace(/\.m?js$/, "")}.handler`,
      filename: this.asset.path,
      sourceCodeHash: Fn.filebase64sha256(this.asset.path),
      memorySize: options.memorySize ?? 256,
      // Lambda's maximum: the handler starts no regenerate with less than its worst case (~84 s) left, so a fleet needs room.
      timeout: options.timeout ?? 900,
      reservedConcurrentExecutions: options.reservedConcurrentExecutions ?? 1,
      environment: { variables },
      tags: options.tags,
      provider,
      // The log group must exist (with its retention) before the function can create it implicitly.
      dependsOn: [this.logGroup, this.policy],
    });

    this.invokeConfig = new LambdaFunctionEventInvokeConfig(this, "async-invoke", {
      functionName: this.function.functionName,
      maximumRetryAttempts: options.maximumRetryAttempts ?? 0,
      provider,
    });

    this.functionArn = this.function.arn;
    this.functionName = options.functionName;
    this.roleArn = this.role.arn;
    this.logGroupArn = this.logGroup.arn;
  }
}
