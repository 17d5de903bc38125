// The janitor stack as buildStacks makes it from the example configuration plus `janitor` settings: resources,
// least-privilege policies, the Function URL, the queue pair, the scheduled-rotation wiring, the only output,
// and the secret walk.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { synthStacks } from "../../stacks/app.js";
import { auditSynthesizedStack } from "./audit.js";
import { exampleConfig, LOCAL_STATE } from "./fixtures.js";

type Json = Record<string, any>;
const POLICY_ID = "0a1b2c3d-0000-4000-8000-000000000001";

describe("the janitor stack", () => {
  let janitor: Json;
  let rotation: Json;
  let everyStack: Json[];
  let names: string[];
  let workerBundle: string[];

  beforeAll(() => {
    const outdir = mkdtempSync(join(tmpdir(), "keyward-janitor-synth-"));
    try {
      const stacks = synthStacks({
        config: exampleConfig(),
        backend: LOCAL_STATE,
        outdir,
        janitor: {
          slackFallbackChannel: "#soc",
          slackDmDomains: ["acme.example"],
          githubSecretTypes: ["My Genesys pattern"],
          policy: { defaultAction: "revoke", protectedClients: [POLICY_ID] },
        },
      });
      names = Object.keys(stacks).sort();
      everyStack = Object.values(stacks).map((st) => st.json);
      janitor = stacks["keyward-janitor"]!.json;
      rotation = stacks["keyward-scheduled-rotation"]!.json;
      const assets = join(stacks["keyward-janitor"]!.workingDirectory, "assets");
      workerBundle = [JSON.stringify(janitor), readFileSync(join(outdir, ".keyward-bundles", "keyward-janitor_worker", "janitor-policy.json"), "utf8"), assets];
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  });

  const resources = (type: string): Json[] => Object.values((janitor.resource?.[type] ?? {}) as Json);
  const policyOf = (roleName: string) => {
    const policy = resources("aws_iam_role_policy").find((p) => String(p.role).includes(roleName.replace(/-/g, "_")) || String(p.role).includes(roleName))!;
    return JSON.parse(policy.policy) as { Statement: Array<{ Sid: string; Action: string[]; Resource: string[]; Condition?: Json }> };
  };

  it("is built next to the clients and scheduled-rotation stacks", () => {
    expect(names).toEqual(["keyward-clients", "keyward-janitor", "keyward-scheduled-rotation"]);
  });

  it("declares the janitor's own client with a custom role holding only the OAuth-client permissions, rotated into Secrets Manager", () => {
    const [role] = resources("genesyscloud_auth_role");
    expect(role.permission_policies).toEqual([{ domain: "oauth", entity_name: "client", action_set: ["view", "edit", "delete"] }]);
    const [client] = resources("genesyscloud_oauth_client");
    expect(client).toMatchObject({ name: "keyward-janitor", authorized_grant_type: "CLIENT-CREDENTIALS", expose_client_secret: false });
    expect(client.roles[0].division_id).toBe("*");
    const secretNames = resources("aws_secretsmanager_secret")
      .map((s) => s.name)
      .sort();
    expect(secretNames).toEqual([
      "keyward/clients/janitor/genesys",
      "keyward/clients/janitor/github-token",
      "keyward/clients/janitor/slack-token",
      "keyward/clients/janitor/webhook-secret",
    ]);
    expect(janitor.resource.aws_secretsmanager_secret_version).toBeUndefined();
    expect(resources("terraform_data")).toHaveLength(1);
  });

  it("includes the janitor's client in scheduled rotation", () => {
    const schedule = Object.values(rotation.resource.aws_scheduler_schedule as Json)[0] as Json;
    expect(schedule.target[0]?.input ?? schedule.target.input).toMatch(/keyward-janitor/);
  });

  it("puts the receiver behind a Function URL with auth NONE (the HMAC is the authentication)", () => {
    expect(resources("aws_lambda_function_url")).toEqual([expect.objectContaining({ authorization_type: "NONE" })]);
    const perms = resources("aws_lambda_permission");
    expect(perms).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ action: "lambda:InvokeFunctionUrl", principal: "*", function_url_auth_type: "NONE" }),
        expect.objectContaining({ action: "lambda:InvokeFunction", principal: "*", invoked_via_function_url: true }),
      ]),
    );
  });

  it("queues through SQS FIFO with a FIFO DLQ; the worker has reserved concurrency and a timeout for the worst case", () => {
    const queues = resources("aws_sqs_queue");
    const main = queues.find((q) => q.name === "keyward-janitor.fifo")!;
    expect(main).toMatchObject({ fifo_queue: true, content_based_deduplication: false, visibility_timeout_seconds: 960, sqs_managed_sse_enabled: true });
    expect(JSON.parse(main.redrive_policy)).toEqual({ deadLetterTargetArn: "${aws_sqs_queue.dlq.arn}", maxReceiveCount: 3 });
    expect(queues.find((q) => q.name === "keyward-janitor-dlq.fifo")).toMatchObject({ fifo_queue: true });
    const fns = resources("aws_lambda_function");
    const worker = fns.find((f) => f.function_name === "keyward-janitor-worker")!;
    const receiver = fns.find((f) => f.function_name === "keyward-janitor-receiver")!;
    expect(worker).toMatchObject({ timeout: 900, reserved_concurrent_executions: 2, runtime: "nodejs22.x" });
    expect(receiver).toMatchObject({ timeout: 10 });
    expect(resources("aws_lambda_event_source_mapping")).toEqual([expect.objectContaining({ batch_size: 1, function_response_types: ["ReportBatchItemFailures"] })]);
    for (const g of resources("aws_cloudwatch_log_group")) expect(g.retention_in_days).toBe(30);
  });

  it("gives the Lambdas secret ARNs, never values; the worker's policy file ships in its bundle", () => {
    const fns = resources("aws_lambda_function");
    const receiverEnv = fns.find((f) => f.function_name === "keyward-janitor-receiver")!.environment.variables;
    expect(Object.keys(receiverEnv).sort()).toEqual(["KEYWARD_GITHUB_SECRET_TYPES", "KEYWARD_JANITOR_QUEUE_URL", "KEYWARD_LOG_LEVEL", "KEYWARD_WEBHOOK_SECRET_ARN"]);
    const workerEnv = fns.find((f) => f.function_name === "keyward-janitor-worker")!.environment.variables;
    expect(Object.keys(workerEnv).sort()).toEqual([
      "GITHUB_TOKEN_ARN",
      "KEYWARD_ADMIN_SECRET_ARN",
      "KEYWARD_GITHUB_SECRET_TYPES",
      "KEYWARD_JANITOR_MAX_ATTEMPTS",
      "KEYWARD_JANITOR_QUEUE_URL",
      "KEYWARD_LOG_LEVEL",
      "KEYWARD_MANAGED_SECRET_PREFIX",
      "KEYWARD_POLICY_FILE",
      "KEYWARD_SLACK_DM_DOMAINS",
      "KEYWARD_SLACK_FALLBACK_CHANNEL",
      "KEYWARD_WEBHOOK_SECRET_ARN",
      "SLACK_BOT_TOKEN_ARN",
    ]);
    // Receiver and worker agree on what is a Genesys secret.
    expect(receiverEnv.KEYWARD_GITHUB_SECRET_TYPES).toBe("My Genesys pattern");
    expect(workerEnv.KEYWARD_GITHUB_SECRET_TYPES).toBe("My Genesys pattern");
    // The worker's last try is the queue's last receive; a retry's wait is set per message, never the 90-minute visibility of old.
    expect(workerEnv.KEYWARD_JANITOR_MAX_ATTEMPTS).toBe("3");
    expect(JSON.parse(workerBundle[1]!)).toMatchObject({ defaultAction: "revoke", protectedClients: [POLICY_ID] });
  });

  it("receiver IAM: read the webhook secret, send to the queue, write its logs; nothing else", () => {
    const p = policyOf("receiver");
    expect(p.Statement.map((s) => [s.Sid, s.Action])).toEqual([
      ["ReadWebhookSecret", ["secretsmanager:GetSecretValue"]],
      ["SendToQueue", ["sqs:SendMessage"]],
      ["WriteOwnLogs", ["logs:CreateLogStream", "logs:PutLogEvents"]],
    ]);
    expect(p.Statement[0]!.Resource).toEqual(["${aws_secretsmanager_secret.webhook-secret.arn}"]);
    expect(p.Statement[1]!.Resource).toEqual(["${aws_sqs_queue.queue.arn}"]);
  });

  it("worker IAM: its own secrets, the tagged managed secrets only, list by tag, consume the queue", () => {
    const p = policyOf("worker");
    expect(p.Statement.map((s) => s.Sid)).toEqual([
      "ReadOwnSecrets",
      "RotateOwnCredentials",
      "FindManagedSecretsByTag",
      "RotateManagedClientSecrets",
      "ConsumeQueue",
      "WriteOwnLogs",
    ]);
    const managed = p.Statement.find((s) => s.Sid === "RotateManagedClientSecrets")!;
    expect(managed.Resource).toEqual(["arn:aws:secretsmanager:us-east-1:*:secret:keyward/clients/*"]);
    expect(managed.Condition).toEqual({ Null: { "secretsmanager:ResourceTag/keyward:client-id": ["false"] } });
    expect(p.Statement.find((s) => s.Sid === "FindManagedSecretsByTag")!.Resource).toEqual(["*"]);
  });

  it("sweeps the managed secrets on a schedule through the worker (the repair of interrupted containments)", () => {
    const schedules = resources("aws_scheduler_schedule");
    const sweep = schedules.find((x) => x.name === "keyward-janitor-sweep")!;
    expect(sweep).toMatchObject({ schedule_expression: "rate(6 hours)" });
    expect(JSON.parse(sweep.target.input ?? sweep.target[0].input)).toEqual({ keyward: "sweep" });
    expect(sweep.target.arn ?? sweep.target[0].arn).toBe("${aws_lambda_function.worker_function_38E6FF8A.arn}");
  });

  it("outputs the webhook URL only", () => {
    // cdktf adds `cross-stack-output-*` for the scheduled-rotation stack's references; those are plumbing.
    expect(Object.keys(janitor.output).filter((k) => !k.startsWith("cross-stack-output-"))).toEqual(["webhook-url"]);
    for (const [k, v] of Object.entries(janitor.output as Json)) if (k.startsWith("cross-stack-output-")) expect(String(v.value)).toMatch(/\.(arn|id)\}$/);
    expect(janitor.output["webhook-url"].value).toBe("${aws_lambda_function_url.receiver-url.function_url}api/github/webhooks");
  });

  it("passes the secret walk, except the two wildcards AWS leaves no narrower form for", () => {
    const problems = auditSynthesizedStack(janitor, "keyward-janitor");
    expect(problems).toEqual([
      // The condition key names a tag ("secretsmanager:ResourceTag/..."), not a secret value.
      expect.stringMatching(/Condition\.Null\.secretsmanager:ResourceTag\/keyward:client-id\[0\]: literal value under a secret-like key/),
      // Names, not secret values: the alert types GitHub reports (on both Lambdas) and a secret *name* prefix.
      expect.stringMatching(/receiver_function.*KEYWARD_GITHUB_SECRET_TYPES: literal value under a secret-like key/),
      expect.stringMatching(/worker_function.*KEYWARD_GITHUB_SECRET_TYPES: literal value under a secret-like key/),
      expect.stringMatching(/KEYWARD_MANAGED_SECRET_PREFIX: literal value under a secret-like key/),
      expect.stringMatching(/RotateManagedClientSecrets.*wildcard resource "arn:aws:secretsmanager:us-east-1:\*:secret:keyward\/clients\/\*"/),
    ]);
  });

  it("with the shipped example configuration, makes exactly one janitor client and one janitor role across all stacks", () => {
    const all = (type: string) => everyStack.flatMap((st) => Object.values((st.resource?.[type] ?? {}) as Json));
    const janitorish = (name: unknown) => /janitor/i.test(String(name));
    expect(
      all("genesyscloud_oauth_client")
        .filter((c) => janitorish(c.name))
        .map((c) => c.name),
    ).toEqual(["keyward-janitor"]);
    expect(
      all("genesyscloud_auth_role")
        .filter((r) => janitorish(r.name) || JSON.stringify(r.permission_policies).includes('"delete"'))
        .map((r) => r.name),
    ).toEqual(["keyward-janitor (keyward)"]);
  });

  it.each([
    [{ clients: [{ name: "keyward janitor", roles: [{ roleId: POLICY_ID }] }] }, {}, /client "keyward janitor"/],
    [{ roles: [{ name: "Keyward-Janitor", permissionPolicies: [{ domain: "oauth", entityName: "client", actionSet: ["view"] }] }] }, {}, /role "Keyward-Janitor"/],
    [{ clients: [{ name: "leak-bot", roles: [{ roleId: POLICY_ID }] }] }, { clientName: "Leak Bot" }, /client "leak-bot"/],
  ])("refuses a clients configuration that declares the janitor's client or role again (%j)", (extra, settings, message) => {
    const outdir = mkdtempSync(join(tmpdir(), "keyward-janitor-twice-"));
    const base = JSON.parse(readFileSync(join(process.cwd(), "stacks", "examples", "clients.json"), "utf8")) as { clients: unknown[]; roles: unknown[] };
    const config = exampleConfig({
      clients: [...base.clients, ...((extra as { clients?: unknown[] }).clients ?? [])],
      roles: [...base.roles, ...((extra as { roles?: unknown[] }).roles ?? [])],
    });
    try {
      expect(() => synthStacks({ config, backend: LOCAL_STATE, outdir, janitor: settings })).toThrow(
        expect.objectContaining({ exitCode: 2, message: expect.stringMatching(message) }),
      );
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  });

  it("with roleId grants that existing role and declares none (a role declared in the same stack fails the apply with client credentials)", () => {
    const outdir = mkdtempSync(join(tmpdir(), "keyward-janitor-role-"));
    try {
      const roleId = "6d1a7b1e-0000-4000-8000-00000000a11c";
      const stack = synthStacks({ config: exampleConfig(), backend: LOCAL_STATE, outdir, janitor: { roleId } })["keyward-janitor"]!.json as Json;
      expect(stack.resource.genesyscloud_auth_role).toBeUndefined();
      const [client] = Object.values(stack.resource.genesyscloud_oauth_client as Json) as Json[];
      expect(client.roles).toEqual([{ role_id: roleId, division_id: "*" }]);
      expect(() => synthStacks({ config: exampleConfig(), backend: LOCAL_STATE, outdir, janitor: { roleId: "janitor" } })).toThrow(/janitor.roleId "janitor" is not a role id/);
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  });

  it("refuses an invalid janitor policy at synth time", () => {
    const outdir = mkdtempSync(join(tmpdir(), "keyward-janitor-bad-"));
    try {
      expect(() => synthStacks({ config: exampleConfig(), backend: LOCAL_STATE, outdir, janitor: { policy: { defaultAction: "explode" } } })).toThrow(
        /defaultAction must be one of/,
      );
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  });
});
