// keyward's IAM policies, in one place: the stacks render them with Terraform references (the scheduled-rotation
// Lambda, the janitor's two Lambdas), and the README's production guide renders the same functions with
// placeholders (scripts/iam-policies.ts; test/iam-policies.test.ts holds both to them). Pure: statements in,
// statements out; no construct, no I/O.
import type { IamPolicyStatement } from "./bindings/aws/iam-policy.js";

/** `kms:ViaService`: a key may be used only through Secrets Manager in this region. */
function viaSecretsManager(awsRegion: string) {
  return { test: "StringEquals", variable: "kms:ViaService", values: [`secretsmanager.${awsRegion}.amazonaws.com`] };
}

/**
 * What `keyward rotate` does to a managed client secret (the CLI, the rotation Lambda): read it and its tags
 * (DescribeSecret, GetSecretValue: the guards), write the lock's record and the new value (PutSecretValue), move
 * AWSPENDING and AWSCURRENT (UpdateSecretVersionStage: the lock's compare-and-set, the promote), claim it with the
 * `keyward:client-id` tag (TagResource) and release a claim it added when it stops before regenerating (UntagResource).
 */
export const ROTATE_SECRET_ACTIONS = [
  "secretsmanager:DescribeSecret",
  "secretsmanager:GetSecretValue",
  "secretsmanager:PutSecretValue",
  "secretsmanager:UpdateSecretVersionStage",
  "secretsmanager:TagResource",
  "secretsmanager:UntagResource",
] as const;

/**
 * ListSecrets supports no resource-level permissions: `*` is the only resource IAM accepts for it. It returns names,
 * ARNs and tags, never a value. keyward lists the secrets tagged with a client's id to refuse rotating one client
 * into two secrets, the janitor to find a client's secret, `keyward status` to take its inventory.
 */
export function listSecretsStatement(sid: string): IamPolicyStatement {
  return { sid, actions: ["secretsmanager:ListSecrets"], resources: ["*"] };
}

/** A Lambda's own log group and its streams, nothing else. */
export function writeOwnLogsStatement(logGroupArn: string): IamPolicyStatement {
  return { sid: "WriteOwnLogs", actions: ["logs:CreateLogStream", "logs:PutLogEvents"], resources: [logGroupArn, `${logGroupArn}:log-stream:*`] };
}

export interface RotationLambdaPolicyOptions {
  /** The admin credentials' secret: GetSecretValue, and the rotate actions when `rotateAdminClient`. */
  readonly adminSecretArn: string;
  /** The scheduled run rotates the admin client last, into its own secret (default false here; the stacks pass it). */
  readonly rotateAdminClient?: boolean;
  /** Exactly the client secrets the function rotates. */
  readonly managedSecretArns: readonly string[];
  readonly logGroupArn: string;
  readonly awsRegion: string;
  /** CMK of the admin secret: `kms:Decrypt` on it, through Secrets Manager only. */
  readonly adminSecretKmsKeyArn?: string;
  /** CMKs of the managed secrets: `kms:Decrypt` + `kms:GenerateDataKey`, through Secrets Manager only. */
  readonly managedSecretsKmsKeyArns?: readonly string[];
}

/** The scheduled-rotation Lambda's execution role (stacks/constructs/rotation-lambda.ts). */
export function rotationLambdaStatements(o: RotationLambdaPolicyOptions): IamPolicyStatement[] {
  const statements: IamPolicyStatement[] = [
    {
      // Read at run time; with rotateAdminClient the admin client is rotated last into the same secret, so the next run reads it.
      sid: "ReadAdminCredentials",
      actions: ["secretsmanager:GetSecretValue", ...(o.rotateAdminClient ? ROTATE_SECRET_ACTIONS.filter((a) => a !== "secretsmanager:GetSecretValue") : [])],
      resources: [o.adminSecretArn],
    },
    { sid: "RotateManagedClientSecrets", actions: [...ROTATE_SECRET_ACTIONS], resources: [...o.managedSecretArns] },
    listSecretsStatement("FindSecretsByClientTag"),
    writeOwnLogsStatement(o.logGroupArn),
  ];
  if (o.adminSecretKmsKeyArn) {
    // Writing the rotated admin document needs a data key as well.
    statements.push({
      sid: "DecryptAdminSecret",
      actions: o.rotateAdminClient ? ["kms:Decrypt", "kms:GenerateDataKey"] : ["kms:Decrypt"],
      resources: [o.adminSecretKmsKeyArn],
      conditions: [viaSecretsManager(o.awsRegion)],
    });
  }
  if (o.managedSecretsKmsKeyArns?.length) {
    statements.push({
      sid: "EncryptManagedSecrets",
      actions: ["kms:Decrypt", "kms:GenerateDataKey"],
      resources: [...new Set(o.managedSecretsKmsKeyArns)],
      conditions: [viaSecretsManager(o.awsRegion)],
    });
  }
  return statements;
}

export interface JanitorPolicyOptions {
  readonly webhookSecretArn: string;
  readonly queueArn: string;
  readonly awsRegion: string;
  /** CMK of the janitor's secrets, if any. */
  readonly kmsKeyArn?: string;
}

/** The janitor's receiver Lambda: the webhook secret and the queue (stacks/janitor-stack.ts). The logs statement is added by the construct. */
export function janitorReceiverStatements(o: JanitorPolicyOptions): IamPolicyStatement[] {
  return [
    { sid: "ReadWebhookSecret", actions: ["secretsmanager:GetSecretValue"], resources: [o.webhookSecretArn] },
    { sid: "SendToQueue", actions: ["sqs:SendMessage"], resources: [o.queueArn] },
    ...(o.kmsKeyArn ? [{ sid: "DecryptSecrets", actions: ["kms:Decrypt"], resources: [o.kmsKeyArn], conditions: [viaSecretsManager(o.awsRegion)] }] : []),
  ];
}

export interface JanitorWorkerPolicyOptions extends JanitorPolicyOptions {
  readonly githubTokenArn: string;
  readonly slackTokenArn: string;
  /** The janitor's own credential document (it rotates its own client). */
  readonly ownCredentialsArn: string;
  /** The managed secrets' ARN pattern, e.g. `arn:aws:secretsmanager:<region>:*:secret:<prefix>*`. */
  readonly managedSecretsArnPattern: string;
}

/**
 * The janitor's worker Lambda (stacks/janitor-stack.ts): its own secrets, its own credentials rotated in place, the
 * managed secrets — only those that carry the `keyward:client-id` tag — and the queue. The logs statement is added by
 * the construct.
 */
export function janitorWorkerStatements(o: JanitorWorkerPolicyOptions): IamPolicyStatement[] {
  return [
    { sid: "ReadOwnSecrets", actions: ["secretsmanager:GetSecretValue"], resources: [o.webhookSecretArn, o.githubTokenArn, o.slackTokenArn, o.ownCredentialsArn] },
    // A rotation takes the secret's lock and promotes its new value with UpdateSecretVersionStage (src/rotation/lock.ts).
    {
      sid: "RotateOwnCredentials",
      actions: ["secretsmanager:DescribeSecret", "secretsmanager:PutSecretValue", "secretsmanager:UpdateSecretVersionStage", "secretsmanager:TagResource"],
      resources: [o.ownCredentialsArn],
    },
    listSecretsStatement("FindManagedSecretsByTag"),
    {
      sid: "RotateManagedClientSecrets",
      actions: ["secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue", "secretsmanager:PutSecretValue", "secretsmanager:UpdateSecretVersionStage"],
      resources: [o.managedSecretsArnPattern],
      conditions: [{ test: "Null", variable: "secretsmanager:ResourceTag/keyward:client-id", values: ["false"] }],
    },
    { sid: "ConsumeQueue", actions: ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility", "sqs:GetQueueAttributes"], resources: [o.queueArn] },
    ...(o.kmsKeyArn ? [{ sid: "DecryptSecrets", actions: ["kms:Decrypt", "kms:GenerateDataKey"], resources: [o.kmsKeyArn], conditions: [viaSecretsManager(o.awsRegion)] }] : []),
  ];
}

export interface CliPolicyOptions {
  /** The managed secrets' ARN pattern (the prefix with `*`). */
  readonly managedSecretsArnPattern: string;
  readonly awsRegion: string;
  /** `keyward rotate --create-secret`: CreateSecret, and DeleteSecret of a container the same run created and never wrote. */
  readonly createSecret?: boolean;
  /** `keyward status`: ListSecretVersionIds (the current version's date; GetSecretValue is in the rotate set, for --verify). */
  readonly status?: boolean;
  readonly kmsKeyArn?: string;
}

/**
 * The identity `keyward rotate` (and `keyward status`) runs as in CI: the same rotate permissions as the rotation
 * Lambda, on the managed prefix instead of a fixed list of secrets. (`audit-state` and `scan` need no AWS access.)
 */
export function cliStatements(o: CliPolicyOptions): IamPolicyStatement[] {
  return [
    { sid: "RotateManagedClientSecrets", actions: [...ROTATE_SECRET_ACTIONS], resources: [o.managedSecretsArnPattern] },
    ...(o.createSecret
      ? [{ sid: "CreateManagedClientSecrets", actions: ["secretsmanager:CreateSecret", "secretsmanager:DeleteSecret"], resources: [o.managedSecretsArnPattern] }]
      : []),
    ...(o.status ? [{ sid: "InventoryManagedClientSecrets", actions: ["secretsmanager:ListSecretVersionIds"], resources: [o.managedSecretsArnPattern] }] : []),
    listSecretsStatement("FindSecretsByClientTag"),
    ...(o.kmsKeyArn
      ? [{ sid: "EncryptManagedSecrets", actions: ["kms:Decrypt", "kms:GenerateDataKey"], resources: [o.kmsKeyArn], conditions: [viaSecretsManager(o.awsRegion)] }]
      : []),
  ];
}

/** `keyward status` without `--verify`, for an auditor's role: names, tags and dates, never a value. */
export function auditorStatements(o: { managedSecretsArnPattern: string }): IamPolicyStatement[] {
  return [
    { sid: "InventoryManagedClientSecrets", actions: ["secretsmanager:ListSecretVersionIds"], resources: [o.managedSecretsArnPattern] },
    listSecretsStatement("FindSecretsByClientTag"),
  ];
}
