import { Testing } from "cdktf";
import "./matchers.js";
import { SecretsmanagerSecretRotation } from "../../stacks/bindings/aws/secretsmanager-secret-rotation.js";
import { parseStacksConfig, type StacksConfigError } from "../../stacks/config.js";
import { secretsManagerSchedule } from "../../stacks/scheduled-rotation-stack.js";
import { auditIamPolicy } from "./audit.js";
import { exampleConfig, withSynthesizedStacks, EXAMPLE_CONFIG_PATH } from "./fixtures.js";
import { readFileSync } from "node:fs";

type Json = Record<string, any>;

/** The example configuration with "CRM Sync" rotated as an alternating pair. */
function alternatingConfig(extra: Record<string, unknown> = {}) {
  const raw = JSON.parse(readFileSync(EXAMPLE_CONFIG_PATH, "utf8")) as { clients: Json[] };
  const clients = raw.clients.map((c) => (c.name === "CRM Sync" ? { ...c, rotation: "alternating" } : c));
  return exampleConfig({ clients, ...extra });
}

describe('stacks config "rotation"', () => {
  const base = JSON.parse(readFileSync(EXAMPLE_CONFIG_PATH, "utf8")) as Json;
  const issues = (clients: Json[], extra: Json = {}) => {
    try {
      parseStacksConfig({ ...base, clients, ...extra }, "t");
      return [];
    } catch (err) {
      return (err as StacksConfigError).issues;
    }
  };
  const client = (over: Json) => ({ name: "A", roles: [{ roleId: "8c5f0c2e-4a8b-4a5e-9d0a-3f3b2a1c9e7d" }], ...over });

  it('is "single" by default and takes "alternating"', () => {
    expect(exampleConfig().clients.map((c) => c.rotation)).toEqual(["single", "single", "single"]);
    expect(alternatingConfig().clients.find((c) => c.name === "CRM Sync")!.rotation).toBe("alternating");
  });

  it("refuses an unknown value, a pair of other grant types, and a standby name another client uses", () => {
    expect(issues([client({ rotation: "blue-green" })])).toEqual([expect.stringMatching(/rotation: "blue-green" is not one of single, alternating/)]);
    expect(issues([client({ rotation: "alternating", authorizedGrantType: "CODE", scopes: ["x"], roles: undefined })])).toEqual([
      expect.stringMatching(/needs CLIENT-CREDENTIALS clients/),
    ]);
    expect(issues([client({ rotation: "alternating" }), client({ name: "A-standby" })])).toEqual([expect.stringMatching(/is the standby client's name of clients\[0\]/)]);
    expect(issues([client({ name: "A-standby" }), client({ rotation: "alternating" })])).toEqual([
      expect.stringMatching(/its standby client "A-standby" has the name of clients\[0\]/),
    ]);
  });

  it("refuses an at(...) schedule when a pair is rotated by Secrets Manager", () => {
    expect(issues([client({ rotation: "alternating" })], { scheduledRotation: { scheduleExpression: "at(2030-01-01T00:00:00)" } })).toEqual([
      expect.stringMatching(/rate\(\.\.\.\)" or "cron\(\.\.\.\)"/),
    ]);
  });
});

describe("an alternating pair in the stacks", () => {
  let clients: Json;
  let rotation: Json;
  beforeAll(() => {
    withSynthesizedStacks(alternatingConfig(), (stacks) => {
      clients = stacks["keyward-clients"]!.json;
      rotation = stacks["keyward-scheduled-rotation"]!.json;
    });
  });

  it("declares <name> and <name>-standby with the same roles, one secret tagged with both ids in lower case", () => {
    const oauth = Object.entries(clients.resource.genesyscloud_oauth_client as Json).filter(([id]) => id.startsWith("client-crm-sync_"));
    expect(oauth.map(([, c]) => c.name).sort()).toEqual(["CRM Sync", "CRM Sync-standby"]);
    expect(oauth[0]![1].roles).toEqual(oauth[1]![1].roles);
    for (const [, c] of oauth) expect(c.expose_client_secret).toBe(false);
    const [secret] = Object.entries(clients.resource.aws_secretsmanager_secret as Json).filter(([id]) => id.startsWith("client-crm-sync_"));
    const client = oauth.find(([, c]) => c.name === "CRM Sync")![0];
    const standby = oauth.find(([, c]) => c.name === "CRM Sync-standby")![0];
    expect(secret![1].tags).toEqual({
      "keyward:client-id": `\${lower(genesyscloud_oauth_client.${client}.id)}`,
      "keyward:standby-client-id": `\${lower(genesyscloud_oauth_client.${standby}.id)}`,
    });
    expect(Object.keys(clients.output)).toEqual(expect.arrayContaining(["crm-sync-client-id", "crm-sync-standby-client-id", "crm-sync-secret-arn"]));
  });

  it("rotates the pair after apply with --standby-client-id, from ids in the provisioner's environment only", () => {
    const text = JSON.stringify(clients);
    expect(text).toContain('--standby-client-id \\"$KEYWARD_STANDBY_CLIENT_ID\\"');
    expect(text).toMatch(/"KEYWARD_STANDBY_CLIENT_ID":"\$\{genesyscloud_oauth_client\.client-crm-sync_standby_[0-9A-F]{8}\.id\}"/);
  });

  it("leaves the pair out of the schedule's manifest and declares Secrets Manager's rotation of its secret, with the invoke permission", () => {
    const [schedule] = Object.values(rotation.resource.aws_scheduler_schedule) as Json[];
    expect(JSON.parse(schedule!.target.input).clients).toHaveLength(1); // Billing Export (the janitor opted out)
    const rotations = Object.values(rotation.resource.aws_secretsmanager_secret_rotation as Json) as Json[];
    expect(rotations).toHaveLength(1);
    const fnRef = expect.stringMatching(/^\$\{aws_lambda_function\.rotation-lambda_function_[0-9A-F]{8}\.arn\}$/);
    expect(rotations[0]).toMatchObject({
      secret_id: expect.stringMatching(/cross-stack-output-aws_secretsmanager_secretclient-crm-sync_secret_.*arn\}$/),
      rotation_lambda_arn: fnRef,
      rotation_rules: { automatically_after_days: 1 },
    });
    const permissions = Object.values(rotation.resource.aws_lambda_permission as Json) as Json[];
    expect(permissions).toEqual([expect.objectContaining({ action: "lambda:InvokeFunction", principal: "secretsmanager.amazonaws.com", source_arn: rotations[0]!.secret_id })]);
    expect(rotations[0]!.depends_on).toEqual([expect.stringMatching(/^aws_lambda_permission\.secretsmanager-invoke-0/)]);
  });

  it("grants the Lambda the pair's secret too, and still nothing unscoped but ListSecrets", () => {
    const [, policyResource] = Object.entries(rotation.resource.aws_iam_role_policy as Json).find(([name]) => name.startsWith("rotation-lambda_policy"))!;
    const policy = JSON.parse(policyResource.policy);
    const managed = policy.Statement.find((s: Json) => s.Sid === "RotateManagedClientSecrets");
    expect(managed.Resource).toHaveLength(2);
    expect(managed.Action).toContain("secretsmanager:UpdateSecretVersionStage");
    expect(auditIamPolicy(policy, "rotation lambda")).toEqual([]);
  });
});

describe("the schedule in Secrets Manager's terms", () => {
  it("rate(N days) is automatically_after_days; other rates and cron stay expressions", () => {
    expect(secretsManagerSchedule("rate(1 day)")).toEqual({ automaticallyAfterDays: 1 });
    expect(secretsManagerSchedule("rate(7 days)")).toEqual({ automaticallyAfterDays: 7 });
    expect(secretsManagerSchedule("rate(12 hours)")).toEqual({ scheduleExpression: "rate(12 hours)" });
    expect(secretsManagerSchedule("cron(0 3 ? * MON *)")).toEqual({ scheduleExpression: "cron(0 3 ? * MON *)" });
  });

  it("aws_secretsmanager_secret_rotation: rotation_rules is one block (an object in the JSON)", () => {
    const stack = Testing.synthScope((s) => {
      new SecretsmanagerSecretRotation(s, "r", {
        secretId: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:x-AbCdEf",
        rotationLambdaArn: "arn:aws:lambda:eu-west-1:123456789012:function:f",
        rotationRules: { scheduleExpression: "rate(12 hours)", duration: "3h" },
      });
    });
    expect(stack).toHaveResourceWithProperties(SecretsmanagerSecretRotation, { rotation_rules: { schedule_expression: "rate(12 hours)", duration: "3h" } });
  });
});
