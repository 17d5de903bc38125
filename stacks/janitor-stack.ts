import { TerraformOutput, TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import { UsageError } from "../src/core/errors.js";
import { parsePolicy } from "../src/janitor/policy.js";
import { DataAwsCallerIdentity } from "./bindings/aws/data-caller-identity.js";
import { LambdaEventSourceMapping } from "./bindings/aws/lambda-event-source-mapping.js";
import { LambdaFunctionUrl } from "./bindings/aws/lambda-function-url.js";
import { LambdaPermission } from "./bindings/aws/lambda-permission.js";
import { SecretsmanagerSecret } from "./bindings/aws/secretsmanager-secret.js";
import { SqsQueue } from "./bindings/aws/sqs-queue.js";
import { AuthRole } from "./bindings/genesyscloud/auth-role.js";
import { configureBackend, type StateBackendSettings } from "./backend.js";
import { keywardTags } from "./clients-stack.js";
import type { KeywardStacksConfig } from "./config.js";
import { JANITOR_RECEIVER_ENTRY, JANITOR_WORKER_ENTRY, JanitorLambda } from "./constructs/janitor-lambda.js";
import { RotatedOauthClient, type ManagedClient } from "./constructs/rotated-oauth-client.js";
import { RotationSchedule } from "./constructs/rotation-schedule.js";
import { ADMIN_SECRET_ARN_ENV } from "../src/contracts/env-names.js";
import { MANAGED_SECRET_PREFIX_ENV } from "../src/contracts/managed-secrets.js";
import { janitorReceiverStatements, janitorWorkerStatements } from "./policies.js";
import { awsProvider, genesysProvider } from "./providers.js";
import { isGenesysId } from "../src/contracts/genesys-id.js";

/** The janitor's deployment settings. Everything has a default; only what differs needs saying. */
export interface JanitorStackSettings {
  /** Prefix of every name (functions, roles, queues). Default `keyward-janitor`. */
  readonly namePrefix?: string;
  /** The janitor's own OAuth client. Default `keyward-janitor`. */
  readonly clientName?: string;
  /** Division of the janitor role's grant. Default `*` (see the README on what divisions can and cannot scope). */
  readonly divisionId?: string;
  /**
   * An existing role to grant the janitor's client instead of declaring one. With client credentials Genesys Cloud
   * lets the deploying client grant only roles it already holds, so a role declared in this stack fails the apply
   * (403 `role.assignment.not.allowed`): create the role first (`oauth:client:view/edit/delete`), give it to the
   * deploying client, then name it here. Without it the stack declares the role (fine with a person's token).
   */
  readonly roleId?: string;
  readonly githubApiUrl?: string;
  readonly slackApiUrl?: string;
  readonly slackFallbackChannel?: string;
  /** The janitor policy (`KEYWARD_POLICY_FILE`), validated here and shipped inside the worker bundle. */
  readonly policy?: unknown;
  /** Default 2: bounds the Genesys Cloud calls in flight. */
  readonly workerReservedConcurrency?: number;
  /** Seconds; default 900 (the worst case: every candidate `unknown` after the bounded retries, then a rotate). */
  readonly workerTimeout?: number;
  /** Tries of one delivery (SQS maxReceiveCount, and the worker's last try). Default 3. */
  readonly maxReceiveCount?: number;
  /**
   * The alert `secret_type` values that are Genesys secrets (`KEYWARD_GITHUB_SECRET_TYPES`), set on both Lambdas so
   * the receiver and the worker agree. Default: keyward's own pattern names.
   */
  readonly githubSecretTypes?: readonly string[];
  /** Email domains the committer's DM may go to (`KEYWARD_SLACK_DM_DOMAINS`); none: the fallback channel only. */
  readonly slackDmDomains?: readonly string[];
  /**
   * How often the worker sweeps the managed secrets (every AWSCURRENT tried, a dead one rotated again: the repair of
   * an interrupted containment). An EventBridge Scheduler expression; `false` for none. Default `rate(6 hours)`.
   */
  readonly sweepSchedule?: string | false;
  readonly logRetentionInDays?: number;
  readonly logLevel?: string;
  readonly bundleDir?: string;
}

export interface JanitorStackOptions {
  readonly config: KeywardStacksConfig;
  readonly backend: StateBackendSettings;
  readonly janitor?: JanitorStackSettings;
}

/**
 * The janitor stack creates the janitor's own client and role: the clients configuration declaring them again would
 * give the org two janitor clients and two roles. Names are compared without case, spaces or punctuation
 * (`keyward janitor` is `keyward-janitor`). Returns what is declared twice; empty when nothing is.
 */
export function janitorDeclaredTwice(config: Pick<KeywardStacksConfig, "clients" | "roles">, settings: JanitorStackSettings): string[] {
  const norm = (name: string) => name.toLowerCase().replace(/[^a-z0-9]/g, "");
  const clientName = settings.clientName ?? "keyward-janitor";
  const taken = new Set([norm(clientName), norm(`${settings.namePrefix ?? "keyward-janitor"} (keyward)`)]);
  return [
    ...config.clients.filter((c) => taken.has(norm(c.name))).map((c) => `client "${c.name}"`),
    ...config.roles.filter((r) => taken.has(norm(r.name))).map((r) => `role "${r.name}"`),
  ];
}

/** The OAuth-client permissions the janitor needs, and nothing else: view (read a client), edit (regenerate, state), delete. */
export const JANITOR_PERMISSION_POLICIES = [{ domain: "oauth", entityName: "client", actionSet: ["view", "edit", "delete"] }] as const;

/**
 * The janitor in AWS:
 * - its own Genesys client (client credentials) with a custom `genesyscloud_auth_role` holding only
 *   `oauth:client:view/edit/delete`, rotated into Secrets Manager by {@link RotatedOauthClient} (and part of
 *   scheduled rotation through `managedClient`);
 * - empty Secrets Manager containers for the webhook secret, the GitHub token and the Slack bot token (values are
 *   put out of band, never through Terraform);
 * - the receiver Lambda behind a Function URL with auth NONE: the HMAC signature of every delivery is the
 *   authentication, and the receiver verifies it before anything else;
 * - an SQS FIFO queue (dedupe = delivery id, group = repository + alert) with a FIFO DLQ after `maxReceiveCount`;
 * - the worker Lambda (reserved concurrency, a timeout covering the worst case) fed by the queue;
 * - log groups with retention and least-privilege roles. Output: the webhook URL only.
 */
export class JanitorStack extends TerraformStack {
  public readonly janitorClient: RotatedOauthClient;
  /** The janitor role this stack declares; undefined when `roleId` names an existing one. */
  public readonly role?: AuthRole;
  public readonly webhookSecret: SecretsmanagerSecret;
  public readonly githubToken: SecretsmanagerSecret;
  public readonly slackToken: SecretsmanagerSecret;
  public readonly queue: SqsQueue;
  public readonly deadLetterQueue: SqsQueue;
  public readonly receiver: JanitorLambda;
  public readonly worker: JanitorLambda;
  public readonly functionUrl: LambdaFunctionUrl;
  /** `<function url>api/github/webhooks`: where GitHub sends deliveries. */
  public readonly webhookUrl: string;

  constructor(scope: Construct, id: string, options: JanitorStackOptions) {
    super(scope, id);
    const { config } = options;
    const s = options.janitor ?? {};
    const prefix = s.namePrefix ?? "keyward-janitor";
    const tags = keywardTags(config);
    if (s.policy !== undefined) {
      const { problems } = parsePolicy(s.policy, "janitor.policy");
      if (problems.length) throw new UsageError(`janitor policy has problems:\n  - ${problems.join("\n  - ")}`);
    }
    const workerTimeout = s.workerTimeout ?? 900;
    if (workerTimeout < 60 || workerTimeout > 900) throw new UsageError("janitor.workerTimeout must be between 60 and 900 seconds");

    configureBackend(this, options.backend, config.awsRegion);
    genesysProvider(this, config);
    awsProvider(this, config, tags);

    // ---- the janitor's own Genesys client ------------------------------------------------------------
    if (s.roleId !== undefined && !isGenesysId(s.roleId))
      throw new UsageError(`janitor.roleId "${s.roleId}" is not a role id (a UUID)`, {
        hint: "copy the role's id from Admin > Roles / Permissions, or leave roleId out to declare the role in this stack",
      });
    if (s.roleId === undefined) {
      this.role = new AuthRole(this, "janitor-role", {
        name: `${prefix} (keyward)`,
        description: "keyward janitor: view, regenerate/disable and delete OAuth clients; nothing else",
        permissionPolicies: JANITOR_PERMISSION_POLICIES.map((p) => ({ ...p, actionSet: [...p.actionSet] })),
      });
    }
    this.janitorClient = new RotatedOauthClient(this, "janitor-client", {
      name: s.clientName ?? "keyward-janitor",
      description: "keyward janitor: contains leaked OAuth client secrets",
      roles: [{ roleId: s.roleId ?? this.role!.id, divisionId: s.divisionId ?? "*" }],
      region: config.genesysRegion,
      secretName: `${config.secretNamePrefix}janitor/genesys`,
      secretKmsKeyId: config.secretKmsKeyArn,
      recoveryWindowInDays: config.recoveryWindowInDays,
      rotationEpoch: config.rotationEpoch,
      rotateCommand: config.rotateCommand,
    });

    // ---- secrets the janitor reads (values put out of band) -----------------------------------------
    const container = (cid: string, name: string, description: string) =>
      new SecretsmanagerSecret(this, cid, {
        name: `${config.secretNamePrefix}janitor/${name}`,
        description,
        kmsKeyId: config.secretKmsKeyArn,
        recoveryWindowInDays: config.recoveryWindowInDays,
      });
    this.webhookSecret = container("webhook-secret", "webhook-secret", 'GitHub webhook secret: plain text, or {"current","previous"} while rotating');
    this.githubToken = container("github-token", "github-token", "GitHub token with Secret scanning alerts read/write and Contents read");
    this.slackToken = container("slack-token", "slack-token", "Slack bot token (users:read.email, im:write, chat:write)");

    // ---- queue ------------------------------------------------------------------------------------------
    this.deadLetterQueue = new SqsQueue(this, "dlq", { name: `${prefix}-dlq.fifo`, fifoQueue: true, messageRetentionSeconds: 1_209_600, sqsManagedSseEnabled: true });
    this.queue = new SqsQueue(this, "queue", {
      name: `${prefix}.fifo`,
      fifoQueue: true,
      contentBasedDeduplication: false,
      deduplicationScope: "messageGroup",
      fifoThroughputLimit: "perMessageGroupId",
      // AWS requires at least the function timeout. Not more than that plus a minute: a try that crashed (the
      // runtime died) comes back after this; a try that asks to be retried sets its own, shorter wait
      // (ChangeMessageVisibility), so a retry never waits hours.
      visibilityTimeoutSeconds: workerTimeout + 60,
      messageRetentionSeconds: 345_600,
      sqsManagedSseEnabled: true,
      redrivePolicy: JSON.stringify({ deadLetterTargetArn: this.deadLetterQueue.arn, maxReceiveCount: s.maxReceiveCount ?? 3 }),
    });

    // ---- Lambdas ----------------------------------------------------------------------------------------
    // The policies are generated in one place (stacks/policies.ts), which the README's production guide renders too.
    const policyBase = {
      webhookSecretArn: this.webhookSecret.arn,
      queueArn: this.queue.arn,
      awsRegion: config.awsRegion,
      ...(config.secretKmsKeyArn ? { kmsKeyArn: config.secretKmsKeyArn } : {}),
    };
    const logLevel = s.logLevel ?? "info";
    const secretTypesEnv: Record<string, string> = s.githubSecretTypes?.length ? { KEYWARD_GITHUB_SECRET_TYPES: s.githubSecretTypes.join(",") } : {};
    this.receiver = new JanitorLambda(this, "receiver", {
      functionName: `${prefix}-receiver`,
      description: "keyward janitor receiver: verifies GitHub deliveries and queues them",
      entry: JANITOR_RECEIVER_ENTRY,
      statements: janitorReceiverStatements(policyBase),
      environment: { KEYWARD_WEBHOOK_SECRET_ARN: this.webhookSecret.arn, KEYWARD_JANITOR_QUEUE_URL: this.queue.url, KEYWARD_LOG_LEVEL: logLevel, ...secretTypesEnv },
      timeout: 10,
      memorySize: 256,
      logRetentionInDays: s.logRetentionInDays ?? 30,
      ...(s.bundleDir ? { bundleDir: `${s.bundleDir}/receiver` } : {}),
    });
    const managedSecretArns = `arn:aws:secretsmanager:${config.awsRegion}:*:secret:${config.secretNamePrefix}*`;
    this.worker = new JanitorLambda(this, "worker", {
      functionName: `${prefix}-worker`,
      description: "keyward janitor worker: verifies, contains, resolves, notifies, audits",
      entry: JANITOR_WORKER_ENTRY,
      statements: janitorWorkerStatements({
        ...policyBase,
        githubTokenArn: this.githubToken.arn,
        slackTokenArn: this.slackToken.arn,
        ownCredentialsArn: this.janitorClient.secretArn,
        managedSecretsArnPattern: managedSecretArns,
      }),
      environment: {
        KEYWARD_WEBHOOK_SECRET_ARN: this.webhookSecret.arn,
        GITHUB_TOKEN_ARN: this.githubToken.arn,
        // Slack is on only with a fallback channel (human alerts must have somewhere to go; the janitor refuses otherwise).
        ...(s.slackFallbackChannel ? { SLACK_BOT_TOKEN_ARN: this.slackToken.arn } : {}),
        [ADMIN_SECRET_ARN_ENV]: this.janitorClient.secretArn,
        [MANAGED_SECRET_PREFIX_ENV]: config.secretNamePrefix,
        KEYWARD_JANITOR_QUEUE_URL: this.queue.url,
        KEYWARD_JANITOR_MAX_ATTEMPTS: String(s.maxReceiveCount ?? 3),
        KEYWARD_LOG_LEVEL: logLevel,
        ...(s.slackDmDomains?.length ? { KEYWARD_SLACK_DM_DOMAINS: s.slackDmDomains.join(",") } : {}),
        ...secretTypesEnv,
        ...(s.githubApiUrl ? { GITHUB_API_URL: s.githubApiUrl } : {}),
        ...(s.slackApiUrl ? { SLACK_API_URL: s.slackApiUrl } : {}),
        ...(s.slackFallbackChannel ? { KEYWARD_SLACK_FALLBACK_CHANNEL: s.slackFallbackChannel } : {}),
        ...(s.policy !== undefined ? { KEYWARD_POLICY_FILE: "/var/task/janitor-policy.json" } : {}),
      },
      files: s.policy !== undefined ? { "janitor-policy.json": JSON.stringify(s.policy, null, 2) } : {},
      timeout: workerTimeout,
      memorySize: 512,
      reservedConcurrentExecutions: s.workerReservedConcurrency ?? 2,
      logRetentionInDays: s.logRetentionInDays ?? 30,
      ...(s.bundleDir ? { bundleDir: `${s.bundleDir}/worker` } : {}),
    });
    new LambdaEventSourceMapping(this, "worker-queue", {
      eventSourceArn: this.queue.arn,
      functionName: this.worker.function.arn,
      // One delivery per invocation: a slow containment never holds back other alerts' groups.
      batchSize: 1,
      functionResponseTypes: ["ReportBatchItemFailures"],
      scalingConfig: { maximumConcurrency: Math.max(2, s.workerReservedConcurrency ?? 2) },
      dependsOn: [this.worker.policy],
    });

    // ---- the sweep: the repair of interrupted containments does not wait for a redelivery --------------------
    if (s.sweepSchedule !== false) {
      new RotationSchedule(this, "sweep", {
        name: `${prefix}-sweep`,
        functionArn: this.worker.function.arn,
        input: JSON.stringify({ keyward: "sweep" }),
        scheduleExpression: s.sweepSchedule ?? "rate(6 hours)",
        description: "keyward janitor: sweep the managed secrets, rotate again any whose AWSCURRENT does not authenticate",
        sourceAccount: new DataAwsCallerIdentity(this, "caller").accountId,
      });
    }

    // ---- the Function URL: auth NONE, the HMAC is the authentication ---------------------------------
    this.functionUrl = new LambdaFunctionUrl(this, "receiver-url", { functionName: this.receiver.function.functionName, authorizationType: "NONE" });
    new LambdaPermission(this, "receiver-url-public", {
      statementId: "FunctionUrlAllowPublicAccess",
      action: "lambda:InvokeFunctionUrl",
      functionName: this.receiver.function.functionName,
      principal: "*",
      functionUrlAuthType: "NONE",
    });
    new LambdaPermission(this, "receiver-url-invoke", {
      statementId: "FunctionUrlAllowInvokeViaUrl",
      action: "lambda:InvokeFunction",
      functionName: this.receiver.function.functionName,
      principal: "*",
      invokedViaFunctionUrl: true,
    });
    this.webhookUrl = `${this.functionUrl.functionUrl}api/github/webhooks`;
    new TerraformOutput(this, "webhook-url", { value: this.webhookUrl, description: "Payload URL for the GitHub webhook (content type application/json)" });
  }

  /** The janitor's own client, for scheduled rotation. */
  public get managedClient(): ManagedClient {
    return this.janitorClient.managedClient;
  }
}
