// The two stacks as main.ts builds them from the example configuration: full synth (with cdktf's validations),
// resources and policies, cross-stack wiring, provisioners read back, and a scrubbed snapshot of each stack.
import "./matchers.js";
import { type App, DataResource, Testing } from "cdktf";
import { buildStacks, stackNames } from "../../stacks/app.js";
import { stateBackendSettings } from "../../stacks/backend.js";
import { AwsProvider } from "../../stacks/bindings/aws/provider.js";
import { IamRolePolicy } from "../../stacks/bindings/aws/iam-role-policy.js";
import { LambdaFunction } from "../../stacks/bindings/aws/lambda-function.js";
import { SchedulerSchedule } from "../../stacks/bindings/aws/scheduler-schedule.js";
import { SecretsmanagerSecret } from "../../stacks/bindings/aws/secretsmanager-secret.js";
import { AuthRole } from "../../stacks/bindings/genesyscloud/auth-role.js";
import { OauthClient } from "../../stacks/bindings/genesyscloud/oauth-client.js";
import { GenesysCloudProvider } from "../../stacks/bindings/genesyscloud/provider.js";
import { DEFAULT_ROTATE_COMMAND } from "../../stacks/constructs/rotated-oauth-client.js";
import { readProvisioners, resolveProvisioner } from "../../stacks/provisioners.js";
import { exampleConfig, LOCAL_STATE, scrubVolatile, withSynthesizedStacks } from "./fixtures.js";

type Json = Record<string, any>;

describe("keyward stacks from the example configuration", () => {
  let clients: Json;
  let rotation: Json;
  let stackList: string[];

  beforeAll(() => {
    withSynthesizedStacks(exampleConfig(), (stacks) => {
      stackList = Object.keys(stacks).sort();
      clients = stacks["keyward-clients"]!.json;
      rotation = stacks["keyward-scheduled-rotation"]!.json;
    });
  });

  it("synthesizes both stacks (cdktf's validations pass: every resource has its provider)", () => {
    expect(stackList).toEqual(["keyward-clients", "keyward-scheduled-rotation"]);
  });

  it("pins every provider with a fully qualified source (namespace/name), for Terraform and OpenTofu alike", () => {
    for (const stack of [clients, rotation]) {
      for (const [name, req] of Object.entries(stack.terraform.required_providers as Record<string, { source: string; version: string }>)) {
        expect({ name, source: req.source }).toEqual({ name, source: expect.stringMatching(/^[a-z0-9-]+\/[a-z0-9-]+$/i) });
        expect(req.version).toBeTruthy();
      }
    }
  });

  describe("clients stack", () => {
    it("configures the genesyscloud and aws providers (no null provider: the rotate step is terraform_data), credentials left to the environment", () => {
      const text = JSON.stringify(clients);
      expect(text).toHaveProviderWithProperties(GenesysCloudProvider, { aws_region: "us-east-1" });
      expect(text).toHaveProviderWithProperties(AwsProvider, { region: "us-east-1", default_tags: [{ tags: { ManagedBy: "keyward", Project: "keyward-example" } }] });
      expect(clients.provider.null).toBeUndefined();
      expect(clients.terraform.required_providers).not.toHaveProperty("null");
      expect(clients.provider.genesyscloud[0]).not.toHaveProperty("oauthclient_secret");
    });

    it("declares each client with expose_client_secret = false, roles by id or by declared role", () => {
      const text = JSON.stringify(clients);
      expect(text).toHaveResourceWithProperties(OauthClient, {
        name: "Billing Export",
        authorized_grant_type: "CLIENT-CREDENTIALS",
        access_token_validity_seconds: 3600,
        roles: [{ role_id: "8c5f0c2e-4a8b-4a5e-9d0a-3f3b2a1c9e7d", division_id: "*" }],
        expose_client_secret: false,
      });
      expect(text).toHaveResourceWithProperties(OauthClient, {
        name: "keyward audit",
        roles: [{ role_id: "${genesyscloud_auth_role.role-keyward-audit-reader.id}" }],
        expose_client_secret: false,
      });
      expect(text).toHaveResourceWithProperties(AuthRole, {
        name: "keyward audit reader",
        permission_policies: [{ domain: "oauth", entity_name: "client", action_set: ["view"] }],
      });
      expect(Object.keys(clients.resource.genesyscloud_oauth_client)).toHaveLength(3);
    });

    it("declares one empty secret container per client (no secret version), with the recovery window", () => {
      const text = JSON.stringify(clients);
      for (const name of ["keyward/clients/billing_export", "keyward/clients/crm_sync", "keyward/clients/keyward_audit"]) {
        expect(text).toHaveResourceWithProperties(SecretsmanagerSecret, { name, recovery_window_in_days: 7 });
      }
      expect(clients.resource).not.toHaveProperty("aws_secretsmanager_secret_version");
    });

    it("runs keyward rotate for every client, with per-client rotation epochs", () => {
      const provisioners = readProvisioners(clients);
      expect(provisioners).toHaveLength(3);
      for (const p of provisioners) {
        expect(p.command).toBe(DEFAULT_ROTATE_COMMAND);
        expect(Object.keys(p.environment).sort()).toEqual(["GENESYSCLOUD_REGION", "KEYWARD_CLIENT_ID", "KEYWARD_SECRET_ARN"]);
        expect(p.environment.GENESYSCLOUD_REGION).toBe("us-east-1");
        expect(Object.keys(p.triggers).sort()).toEqual(["client_id", "rotation_epoch", "secret_arn"]);
      }
      expect(JSON.stringify(clients)).toHaveResourceWithProperties(DataResource, { triggers_replace: expect.objectContaining({ rotation_epoch: "2026-11-01" }) });
      expect(provisioners.map((p) => p.triggers.rotation_epoch).sort()).toEqual(["1", "1", "2026-11-01"]);
    });

    it("outputs each client's id and secret ARN (identifiers only)", () => {
      for (const slug of ["billing-export", "crm-sync", "keyward-audit"]) {
        expect(clients.output[`${slug}-client-id`].value).toMatch(/^\$\{genesyscloud_oauth_client\..*\.id\}$/);
        expect(clients.output[`${slug}-secret-arn`].value).toMatch(/^\$\{aws_secretsmanager_secret\..*\.arn\}$/);
      }
    });

    it("uses a local backend with a relative path when no state bucket is configured", () => {
      expect(clients.terraform.backend).toEqual({ local: { path: "terraform.keyward-clients.tfstate" } });
    });
  });

  describe("scheduled-rotation stack", () => {
    const remote = "data.terraform_remote_state.cross-stack-reference-input-keyward-clients.outputs";

    it("reads the clients' ids and secret ARNs through cross-stack references", () => {
      expect(rotation.data.terraform_remote_state["cross-stack-reference-input-keyward-clients"].config).toEqual({
        path: "../keyward-clients/terraform.keyward-clients.tfstate",
      });
    });

    it("invokes the Lambda on the configured schedule with the manifest of the scheduled clients only", () => {
      const text = JSON.stringify(rotation);
      expect(text).toHaveResourceWithProperties(SchedulerSchedule, { schedule_expression: "rate(1 day)", flexible_time_window: { mode: "OFF" } });
      const [schedule] = Object.values(rotation.resource.aws_scheduler_schedule) as Json[];
      const manifest = JSON.parse(schedule!.target.input);
      expect(manifest.clients).toHaveLength(2); // the janitor opted out
      for (const entry of manifest.clients) {
        expect(Object.keys(entry)).toEqual(["clientId", "secretId"]);
        expect(entry.clientId).toMatch(new RegExp(`^\\$\\{${remote.replace(/\./g, "\\.")}\\.cross-stack-output-genesyscloud_oauth_client.*id\\}$`));
        expect(entry.secretId).toMatch(new RegExp(`^\\$\\{${remote.replace(/\./g, "\\.")}\\.cross-stack-output-aws_secretsmanager_secret.*arn\\}$`));
      }
    });

    it("grants the Lambda the two scheduled clients' secrets exactly, and its own admin secret for rotating the admin last", () => {
      const [policyResource] = Object.entries(rotation.resource.aws_iam_role_policy).find(([name]) => name.startsWith("rotation-lambda_policy")) ?? [];
      const policy = JSON.parse(rotation.resource.aws_iam_role_policy[policyResource!].policy);
      const [read, write] = policy.Statement;
      expect(read).toEqual({
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
        Resource: ["${aws_secretsmanager_secret.admin-credentials.arn}"],
      });
      expect(write.Resource).toHaveLength(2);
      const [schedule] = Object.values(rotation.resource.aws_scheduler_schedule) as Json[];
      const manifestSecrets = JSON.parse(schedule!.target.input).clients.map((c: Json) => c.secretId);
      expect([...write.Resource].sort()).toEqual([...manifestSecrets].sort());
      expect(JSON.stringify(rotation)).toHaveResourceWithProperties(IamRolePolicy, { name: "keyward-invoke-rotation" });
    });

    it("declares the admin credentials container (empty) and passes only its ARN to the Lambda", () => {
      const text = JSON.stringify(rotation);
      expect(text).toHaveResourceWithProperties(SecretsmanagerSecret, { name: "keyward/admin/genesys" });
      expect(text).toHaveResourceWithProperties(LambdaFunction, {
        function_name: "keyward-rotation",
        environment: { variables: { KEYWARD_ADMIN_SECRET_ARN: "${aws_secretsmanager_secret.admin-credentials.arn}", KEYWARD_LOG_LEVEL: "info", KEYWARD_ROTATE_ADMIN: "true" } },
      });
    });
  });

  it("snapshots: clients stack", () => {
    expect(scrubVolatile(clients)).toMatchSnapshot();
  });

  it("snapshots: scheduled-rotation stack (asset hashes scrubbed)", () => {
    expect(scrubVolatile(rotation)).toMatchSnapshot();
  });
});

describe("stack variants", () => {
  it("scheduledRotation: false gives only the clients stack", () => {
    const names = withSynthesizedStacks(exampleConfig({ scheduledRotation: false }), (stacks) => Object.keys(stacks));
    expect(names).toEqual(["keyward-clients"]);
  });

  it("a stack prefix, a provider gateway, a CMK and an S3 backend", () => {
    const kms = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    const config = exampleConfig({ stackPrefix: "cx-prod", gateway: { host: "127.0.0.1", port: "9000", protocol: "http" }, secretKmsKeyArn: kms });
    const backend = stateBackendSettings({ KEYWARD_STATE_BUCKET: "tf-state", KEYWARD_STATE_LOCK_TABLE: "tf-locks" });
    withSynthesizedStacks(
      config,
      (stacks) => {
        const names = stackNames(config);
        const clients = stacks[names.clients]!.json as Json;
        const rotation = stacks[names.scheduledRotation]!.json as Json;
        expect(clients.provider.genesyscloud[0].gateway).toEqual([{ host: "127.0.0.1", port: "9000", protocol: "http" }]);
        expect(clients.terraform.backend.s3).toEqual({
          bucket: "tf-state",
          key: "keyward/cx-prod-clients.tfstate",
          region: "us-east-1",
          encrypt: true,
          dynamodb_table: "tf-locks",
        });
        expect(rotation.data.terraform_remote_state["cross-stack-reference-input-cx-prod-clients"].config).toMatchObject({
          bucket: "tf-state",
          key: "keyward/cx-prod-clients.tfstate",
          encrypt: true,
        });
        expect(JSON.stringify(clients)).toHaveResourceWithProperties(SecretsmanagerSecret, { kms_key_id: kms });
        const policy = JSON.parse((Object.values(rotation.resource.aws_iam_role_policy) as Json[]).find((p) => p.name === "keyward-rotation")!.policy);
        expect(policy.Statement.map((s: Json) => s.Sid)).toEqual([
          "ReadAdminCredentials",
          "RotateManagedClientSecrets",
          "FindSecretsByClientTag",
          "WriteOwnLogs",
          "DecryptAdminSecret",
          "EncryptManagedSecrets",
        ]);
        expect(policy.Statement[5].Resource).toEqual([kms]);
      },
      backend,
    );
  });

  it("builds through Testing.app() too (what unit tests of a single stack use)", () => {
    const app = Testing.app();
    const stacks = buildStacks(app as App, { config: exampleConfig(), backend: LOCAL_STATE });
    expect(Testing.synth(stacks.clients)).toHaveResource(OauthClient);
    expect(Testing.synth(stacks.scheduledRotation!)).toHaveResource(LambdaFunction);
  });
});

describe("readProvisioners", () => {
  it("returns the command, environment and triggers, which resolve to concrete values", () => {
    withSynthesizedStacks(exampleConfig(), (stacks) => {
      const [first] = readProvisioners(stacks["keyward-clients"]!.json);
      const resolved = resolveProvisioner(first!, (expression) => {
        if (/^genesyscloud_oauth_client\..*\.id$/.test(expression)) return "11111111-2222-4333-8444-555555555555";
        if (/^aws_secretsmanager_secret\..*\.arn$/.test(expression)) return "arn:aws:secretsmanager:us-east-1:123456789012:secret:keyward/clients/billing_export-AbCdEf";
        return undefined;
      });
      expect(resolved.environment).toEqual({
        KEYWARD_CLIENT_ID: "11111111-2222-4333-8444-555555555555",
        KEYWARD_SECRET_ARN: "arn:aws:secretsmanager:us-east-1:123456789012:secret:keyward/clients/billing_export-AbCdEf",
        GENESYSCLOUD_REGION: "us-east-1",
      });
      expect(resolved.command).toBe(DEFAULT_ROTATE_COMMAND);
      expect(() => resolveProvisioner(first!, () => undefined)).toThrow(/no value for Terraform expression/);
    });
  });

  it("accepts the JSON text too, and ignores stacks without terraform_data resources", () => {
    expect(readProvisioners('{"resource":{}}')).toEqual([]);
    expect(readProvisioners({})).toEqual([]);
  });
});
