import { App, AssetType, Fn, TerraformAsset, type TerraformProvider } from "cdktf";
import { Construct } from "constructs";
import { utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { CloudwatchLogGroup } from "../bindings/aws/cloudwatch-log-group.js";
import { policyDocument, type IamPolicyStatement } from "../bindings/aws/iam-policy.js";
import { writeOwnLogsStatement } from "../policies.js";
import { IamRole } from "../bindings/aws/iam-role.js";
import { IamRolePolicy } from "../bindings/aws/iam-role-policy.js";
import { LambdaFunction } from "../bindings/aws/lambda-function.js";
import { bundleLambda, LAMBDA_BUNDLE_FILE, PROJECT_ROOT } from "./lambda-bundle.js";

export const JANITOR_RECEIVER_ENTRY = join(PROJECT_ROOT, "src", "janitor", "lambda", "receiver.ts");
export const JANITOR_WORKER_ENTRY = join(PROJECT_ROOT, "src", "janitor", "lambda", "worker.ts");

export interface JanitorLambdaOptions {
  readonly functionName: string;
  readonly description: string;
  readonly entry: string;
  /** Statements besides writing its own logs (added here). */
  readonly statements: readonly IamPolicyStatement[];
  readonly environment: { [key: string]: string };
  /** Seconds. */
  readonly timeout: number;
  readonly memorySize?: number;
  readonly reservedConcurrentExecutions?: number;
  readonly logRetentionInDays: number;
  /** Extra files written into the bundle next to `index.mjs` (e.g. the policy file), name → content. */
  readonly files?: { readonly [name: string]: string };
  readonly bundleDir?: string;
  readonly tags?: { [key: string]: string };
  readonly provider?: TerraformProvider;
}

const FIXED_MTIME = new Date("2000-01-01T00:00:00Z");

/** One janitor Lambda: bundle asset, log group with retention, execution role with one inline least-privilege policy. */
export class JanitorLambda extends Construct {
  public readonly function: LambdaFunction;
  public readonly role: IamRole;
  public readonly policy: IamRolePolicy;
  public readonly logGroup: CloudwatchLogGroup;
  public readonly policyStatements: readonly IamPolicyStatement[];

  constructor(scope: Construct, id: string, options: JanitorLambdaOptions) {
    super(scope, id);
    const provider = options.provider;
    const dir = bundleLambda({
      entry: options.entry,
      outdir: options.bundleDir ?? join(App.of(this).outdir, ".keyward-bundles", this.node.path.replace(/\//g, "_")),
      target: "node22",
    });
    for (const [name, content] of Object.entries(options.files ?? {})) {
      writeFileSync(join(dir, name), content);
      utimesSync(join(dir, name), FIXED_MTIME, FIXED_MTIME);
    }
    utimesSync(dir, FIXED_MTIME, FIXED_MTIME);
    const asset = new TerraformAsset(this, "bundle", { path: dir, type: AssetType.ARCHIVE });

    this.logGroup = new CloudwatchLogGroup(this, "logs", {
      name: `/aws/lambda/${options.functionName}`,
      retentionInDays: options.logRetentionInDays,
      tags: options.tags,
      provider,
    });
    this.role = new IamRole(this, "role", {
      name: options.functionName,
      description: options.description,
      assumeRolePolicy: policyDocument([{ sid: "LambdaAssumeRole", actions: ["sts:AssumeRole"], principals: [{ type: "Service", identifiers: ["lambda.amazonaws.com"] }] }]),
      tags: options.tags,
      provider,
    });
    this.policyStatements = [...options.statements, writeOwnLogsStatement(this.logGroup.arn)];
    this.policy = new IamRolePolicy(this, "policy", { name: "keyward-janitor", role: this.role.name, policy: policyDocument([...this.policyStatements]), provider });
    this.function = new LambdaFunction(this, "function", {
      functionName: options.functionName,
      description: options.description,
      role: this.role.arn,
      runtime: "nodejs22.x",
      architectures: ["arm64"],
      handler: `${LAMBDA_BUNDLE_FILE.replace(/\.m?js$/, "")}.handler`,
      filename: asset.path,
      sourceCodeHash: Fn.filebase64sha256(asset.path),
      memorySize: options.memorySize ?? 256,
      timeout: options.timeout,
      reservedConcurrentExecutions: options.reservedConcurrentExecutions,
      environment: { variables: options.environment },
      tags: options.tags,
      provider,
      dependsOn: [this.logGroup, this.policy],
    });
  }
}
