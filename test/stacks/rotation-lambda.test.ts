import "./matchers.js";
import { Testing } from "cdktf";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CloudwatchLogGroup } from "../../stacks/bindings/aws/cloudwatch-log-group.js";
import { IamRole } from "../../stacks/bindings/aws/iam-role.js";
import { IamRolePolicy } from "../../stacks/bindings/aws/iam-role-policy.js";
import { LambdaFunctionEventInvokeConfig } from "../../stacks/bindings/aws/lambda-function-event-invoke-config.js";
import { LambdaFunction } from "../../stacks/bindings/aws/lambda-function.js";
import { SchedulerSchedule } from "../../stacks/bindings/aws/scheduler-schedule.js";
import { bundleLambda, ROTATION_LAMBDA_ENTRY } from "../../stacks/constructs/lambda-bundle.js";
import { RotationLambda, type RotationLambdaOptions } from "../../stacks/constructs/rotation-lambda.js";
import { RotationSchedule, rotationManifest } from "../../stacks/constructs/rotation-schedule.js";
import { auditIamPolicy } from "./audit.js";

const ADMIN = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:keyward/admin-AbCdEf";
const MANAGED = ["arn:aws:secretsmanager:eu-west-1:123456789012:secret:keyward/a-GhIjKl", "arn:aws:secretsmanager:eu-west-1:123456789012:secret:keyward/b-MnOpQr"];
const CMK = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";

const BASE: RotationLambdaOptions = {
  functionName: "keyward-rotation",
  adminSecretArn: ADMIN,
  managedSecretArns: MANAGED,
  awsRegion: "eu-west-1",
};

type Parsed = { resource: Record<string, Record<string, Record<string, unknown>>> };

function synth(options: Partial<RotationLambdaOptions> = {}): { text: string; parsed: Parsed } {
  const text = Testing.synthScope((stack) => {
    new RotationLambda(stack, "rotation", { ...BASE, ...options });
  });
  return { text, parsed: JSON.parse(text) as Parsed };
}

/** The execution role's inline policy, parsed back from the synthesized JSON string. */
function lambdaPolicy(parsed: Parsed): { Statement: Array<{ Sid: string; Action: string[]; Resource: string[]; Condition?: unknown }> } {
  const [policy] = Object.values(parsed.resource.aws_iam_role_policy!);
  return JSON.parse(policy!.policy as string);
}

describe("RotationLambda", () => {
  it("deploys the esbuild bundle of src/rotation/lambda.ts as a zip asset (handler index.handler, nodejs22.x)", () => {
    const { text } = synth();
    expect(text).toHaveResourceWithProperties(LambdaFunction, {
      function_name: "keyward-rotation",
      handler: "index.handler",
      runtime: "nodejs22.x",
      architectures: ["arm64"],
      filename: expect.stringMatching(/^assets\/rotation_bundle_[0-9A-F]{8}\/[0-9A-F]{32}\/archive\.zip$/),
      source_code_hash: expect.stringMatching(/^\$\{filebase64sha256\("assets\/rotation_bundle_[0-9A-F]{8}\/[0-9A-F]{32}\/archive\.zip"\)\}$/),
      role: expect.stringMatching(/^\$\{aws_iam_role\.rotation_role_[0-9A-F]{8}\.arn\}$/),
    });
  });

  it("passes the admin secret's ARN and the log level in the environment, never credentials", () => {
    const { parsed } = synth({ logLevel: "debug", concurrency: 2 });
    const [fn] = Object.values(parsed.resource.aws_lambda_function!);
    expect(fn!.environment).toEqual({ variables: { KEYWARD_ADMIN_SECRET_ARN: ADMIN, KEYWARD_LOG_LEVEL: "debug", KEYWARD_CONCURRENCY: "2", KEYWARD_ROTATE_ADMIN: "true" } });
  });

  it("creates its log group with retention, before the function", () => {
    const { text, parsed } = synth({ logRetentionInDays: 14 });
    expect(text).toHaveResourceWithProperties(CloudwatchLogGroup, { name: "/aws/lambda/keyward-rotation", retention_in_days: 14 });
    const [fn] = Object.values(parsed.resource.aws_lambda_function!);
    expect(fn!.depends_on).toEqual(expect.arrayContaining([expect.stringMatching(/^aws_cloudwatch_log_group\.rotation_logs_/)]));
  });

  it("execution role: trusted by lambda.amazonaws.com only", () => {
    const { text, parsed } = synth();
    expect(text).toHaveResourceWithProperties(IamRole, { name: "keyward-rotation" });
    const [role] = Object.values(parsed.resource.aws_iam_role!);
    expect(JSON.parse(role!.assume_role_policy as string)).toEqual({
      Version: "2012-10-17",
      Statement: [{ Sid: "LambdaAssumeRole", Effect: "Allow", Action: ["sts:AssumeRole"], Principal: { Service: ["lambda.amazonaws.com"] } }],
    });
  });

  it("least privilege: the admin secret (rotated last into itself), exactly the managed secrets, its own log group", () => {
    const { text, parsed } = synth();
    expect(text).toHaveResourceWithProperties(IamRolePolicy, { name: "keyward-rotation" });
    const policy = lambdaPolicy(parsed);
    const logGroup = expect.stringMatching(/^\$\{aws_cloudwatch_log_group\.rotation_logs_[0-9A-F]{8}\.arn\}$/);
    const logStreams = expect.stringMatching(/^\$\{aws_cloudwatch_log_group\.rotation_logs_[0-9A-F]{8}\.arn\}:log-stream:\*$/);
    expect(policy.Statement).toEqual([
      {
        Sid: "ReadAdminCredentials",
        Effect: "Allow",
        Action: [
          "secretsmanager:GetSecretValue",
          "secretsmanager:DescribeSecret",
          "secretsmanager:PutSecretValue",
          "secretsmanager:UpdateSecretVersionStage",
          "secretsmanager:TagResource",
          "secretsmanager:UntagResource",
        ],
        Resource: [ADMIN],
      },
      {
        Sid: "RotateManagedClientSecrets",
        Effect: "Allow",
        // UpdateSecretVersionStage: the rotation lock's compare-and-set on AWSPENDING, and the promote to AWSCURRENT.
        Action: [
          "secretsmanager:DescribeSecret",
          "secretsmanager:GetSecretValue",
          "secretsmanager:PutSecretValue",
          "secretsmanager:UpdateSecretVersionStage",
          "secretsmanager:TagResource",
          "secretsmanager:UntagResource",
        ],
        Resource: MANAGED,
      },
      // ListSecrets cannot be scoped (IAM offers no resource-level permission for it); it returns no values.
      { Sid: "FindSecretsByClientTag", Effect: "Allow", Action: ["secretsmanager:ListSecrets"], Resource: ["*"] },
      { Sid: "WriteOwnLogs", Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: [logGroup, logStreams] },
    ]);
    expect(auditIamPolicy(policy, "lambda policy")).toEqual([]);
    // Without admin rotation, the admin secret is read-only.
    expect(lambdaPolicy(synth({ rotateAdminClient: false }).parsed).Statement[0]).toEqual({
      Sid: "ReadAdminCredentials",
      Effect: "Allow",
      Action: ["secretsmanager:GetSecretValue"],
      Resource: [ADMIN],
    });
  });

  it("adds kms:Decrypt (and GenerateDataKey for the managed secrets) on the configured CMKs only, via Secrets Manager", () => {
    const admin = "arn:aws:kms:eu-west-1:123456789012:key/0000aaaa-12ab-34cd-56ef-1234567890ab";
    const policy = lambdaPolicy(synth({ adminSecretKmsKeyArn: admin, managedSecretsKmsKeyArns: [CMK, CMK] }).parsed);
    const via = { StringEquals: { "kms:ViaService": ["secretsmanager.eu-west-1.amazonaws.com"] } };
    expect(policy.Statement.slice(4)).toEqual([
      { Sid: "DecryptAdminSecret", Effect: "Allow", Action: ["kms:Decrypt", "kms:GenerateDataKey"], Resource: [admin], Condition: via },
      { Sid: "EncryptManagedSecrets", Effect: "Allow", Action: ["kms:Decrypt", "kms:GenerateDataKey"], Resource: [CMK], Condition: via },
    ]);
    // Without CMKs: no KMS statement at all.
    expect(lambdaPolicy(synth().parsed).Statement.map((s) => s.Sid)).not.toContain("DecryptAdminSecret");
  });

  it("never retries an asynchronous invocation and reserves a concurrency of 1 (one tick rotates each client once)", () => {
    const { text } = synth();
    expect(text).toHaveResourceWithProperties(LambdaFunctionEventInvokeConfig, {
      function_name: expect.stringMatching(/^\$\{aws_lambda_function\.rotation_function_[0-9A-F]{8}\.function_name\}$/),
      maximum_retry_attempts: 0,
    });
    expect(text).toHaveResourceWithProperties(LambdaFunction, { reserved_concurrent_executions: 1 });
  });

  it("encrypts its log group with the configured KMS key, and only then", () => {
    expect(synth({ logKmsKeyArn: CMK }).text).toHaveResourceWithProperties(CloudwatchLogGroup, { kms_key_id: CMK });
    const [group] = Object.values(synth().parsed.resource.aws_cloudwatch_log_group!);
    expect(group).not.toHaveProperty("kms_key_id");
  });

  it("refuses to build without a managed secret (an IAM statement with no resource)", () => {
    expect(() => synth({ managedSecretArns: [] })).toThrow(/at least one managed secret/);
  });
});

describe("rotation bundle", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "keyward-bundle-"));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("is one self-contained ESM file exporting handler, identical on every build, without absolute paths", () => {
    const first = readFileSync(join(bundleLambda({ entry: ROTATION_LAMBDA_ENTRY, outdir: join(dir, "a") }), "index.mjs"), "utf8");
    const second = readFileSync(join(bundleLambda({ entry: ROTATION_LAMBDA_ENTRY, outdir: join(dir, "b") }), "index.mjs"), "utf8");
    expect(second).toBe(first);
    expect(first).not.toContain(process.cwd());
    // Dependencies are bundled (no bare imports left besides node: built-ins).
    const imports = [...first.matchAll(/^import .* from ["']([^"']+)["'];?$/gm)].map((m) => m[1]);
    expect(imports.every((specifier) => specifier!.startsWith("node:"))).toBe(true);
    const out = execFileSync(
      process.execPath,
      ["--input-type=module", "-e", `const m = await import(${JSON.stringify(join(dir, "a", "index.mjs"))}); console.log(typeof m.handler);`],
      {
        encoding: "utf8",
      },
    );
    expect(out.trim()).toBe("function");
  });

  it("gets a fixed mtime so the asset zip (and filebase64sha256) does not change between synths", () => {
    const outdir = bundleLambda({ entry: ROTATION_LAMBDA_ENTRY, outdir: join(dir, "c") });
    expect(existsSync(join(outdir, "index.mjs"))).toBe(true);
    expect(statSync(join(outdir, "index.mjs")).mtime.toISOString()).toBe("2000-01-01T00:00:00.000Z");
  });
});

describe("RotationSchedule", () => {
  const FN = "arn:aws:lambda:eu-west-1:123456789012:function:keyward-rotation";
  const input = rotationManifest([{ clientId: "c1", secretArn: MANAGED[0]! }]);
  const GROUP_ARN = expect.stringMatching(/^\$\{aws_scheduler_schedule_group\.schedule_group_[0-9A-F]{8}\.arn\}$/);

  function synthSchedule(): { text: string; parsed: Parsed } {
    const text = Testing.synthScope((stack) => {
      new RotationSchedule(stack, "schedule", { name: "keyward-rotation", functionArn: FN, input, sourceAccount: "123456789012" });
    });
    return { text, parsed: JSON.parse(text) as Parsed };
  }

  it("invokes the function daily, no flexible window, with the manifest as input and bounded retries", () => {
    const { text } = synthSchedule();
    expect(text).toHaveResourceWithProperties(SchedulerSchedule, {
      name: "keyward-rotation",
      schedule_expression: "rate(1 day)",
      state: "ENABLED",
      flexible_time_window: { mode: "OFF" },
      target: {
        arn: FN,
        role_arn: expect.stringMatching(/^\$\{aws_iam_role\.schedule_role_[0-9A-F]{8}\.arn\}$/),
        input: '{"clients":[{"clientId":"c1","secretId":"arn:aws:secretsmanager:eu-west-1:123456789012:secret:keyward/a-GhIjKl"}]}',
        retry_policy: { maximum_retry_attempts: 2, maximum_event_age_in_seconds: 3600 },
      },
    });
  });

  it("puts the schedule in a group of its own, named after it", () => {
    const { text, parsed } = synthSchedule();
    expect(text).toHaveResourceWithProperties({ tfResourceType: "aws_scheduler_schedule_group" }, { name: "keyward-rotation" });
    const [schedule] = Object.values(parsed.resource.aws_scheduler_schedule!);
    expect(schedule!.group_name).toMatch(/^\$\{aws_scheduler_schedule_group\.schedule_group_[0-9A-F]{8}\.name\}$/);
  });

  it("scheduler role: trusted by scheduler.amazonaws.com for this account and its own schedule group only, may invoke only that function", () => {
    const { parsed } = synthSchedule();
    const [role] = Object.values(parsed.resource.aws_iam_role!);
    expect(JSON.parse(role!.assume_role_policy as string).Statement).toEqual([
      {
        Sid: "SchedulerAssumeRole",
        Effect: "Allow",
        Action: ["sts:AssumeRole"],
        Principal: { Service: ["scheduler.amazonaws.com"] },
        Condition: { StringEquals: { "aws:SourceAccount": ["123456789012"] }, ArnEquals: { "aws:SourceArn": [GROUP_ARN] } },
      },
    ]);
    const [policy] = Object.values(parsed.resource.aws_iam_role_policy!);
    const document = JSON.parse(policy!.policy as string);
    expect(document.Statement).toEqual([{ Sid: "InvokeRotationFunction", Effect: "Allow", Action: ["lambda:InvokeFunction"], Resource: [FN] }]);
    expect(auditIamPolicy(document, "scheduler policy")).toEqual([]);
  });

  it("rotationManifest is the object form keyward rotate --manifest and the Lambda accept", () => {
    expect(
      JSON.parse(
        rotationManifest([
          { clientId: "a", secretArn: "s" },
          { clientId: "b", secretArn: "t" },
        ]),
      ),
    ).toEqual({
      clients: [
        { clientId: "a", secretId: "s" },
        { clientId: "b", secretId: "t" },
      ],
    });
  });
});
