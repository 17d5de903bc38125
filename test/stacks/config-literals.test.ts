// Configuration strings reach Terraform as literals (escaped), inactive clients are left out of rotation, and
// every secret container carries the client-id tag `keyward rotate` and the janitor look secrets up by.
import "./matchers.js";
import { App } from "cdktf";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildStacks } from "../../stacks/app.js";
import { SecretsmanagerSecret } from "../../stacks/bindings/aws/secretsmanager-secret.js";
import { OauthClient } from "../../stacks/bindings/genesyscloud/oauth-client.js";
import { exampleConfig, LOCAL_STATE, withSynthesizedStacks } from "./fixtures.js";

type Json = Record<string, any>;
const ROLE = "8c5f0c2e-4a8b-4a5e-9d0a-3f3b2a1c9e7d";
const HOSTILE_NAME = 'Export ${file("/etc/hostname")}';
const HOSTILE_DESCRIPTION = "%{if true}x%{endif}";

function hostileConfig() {
  return exampleConfig({
    tags: { Project: "${path.cwd}", "%{ x }": "v" },
    clients: [
      { name: HOSTILE_NAME, description: HOSTILE_DESCRIPTION, roles: [{ roleId: ROLE }], scopes: ["a${b}", 'q"${x}"'] },
      { name: "Plain", description: "already escaped $${x} and %%{y}", roles: [{ roleId: ROLE }] },
    ],
  });
}

/** Every `${`/`%{` in `text` that Terraform would evaluate (not escaped by doubling the sigil). */
function unescapedLiterals(text: string): string[] {
  return [...text.matchAll(/(^|[^$%])([$%])\{[^}]*\}/g)]
    .map((m) => m[0].slice(m[1]!.length))
    .filter((m) => !/^\$\{(data|aws_|genesyscloud_|null_|var\.|local\.|filebase64sha256|terraform\.workspace|lower\(genesyscloud_)/.test(m));
}

describe("configuration strings are escaped for Terraform", () => {
  let clients: Json;
  let rotation: Json;
  beforeAll(() => {
    withSynthesizedStacks(hostileConfig(), (stacks) => {
      clients = stacks["keyward-clients"]!.json;
      rotation = stacks["keyward-scheduled-rotation"]!.json;
    });
  });

  it("writes ${ as $${ and %{ as %%{ in names, descriptions, scopes, tags and outputs (synthesized JSON)", () => {
    const text = JSON.stringify(clients);
    expect(text).toHaveResourceWithProperties(OauthClient, {
      name: 'Export $${file("/etc/hostname")}',
      description: "%%{if true}x%%{endif}",
      scopes: ["a$${b}", 'q"$${x}"'],
    });
    // Written escaped already: stays literal (Terraform reads $$${ as "$" + "${").
    expect(text).toHaveResourceWithProperties(OauthClient, { name: "Plain", description: "already escaped $$${x} and %%%{y}" });
    expect(clients.provider.aws[0].default_tags).toEqual([{ tags: { ManagedBy: "keyward", Project: "$${path.cwd}", "%%{ x }": "v" } }]);
    expect(text).toHaveResourceWithProperties(SecretsmanagerSecret, {
      description: expect.stringContaining('"Export $${file("/etc/hostname")}"'),
    });
    expect(Object.values(clients.output as Json).map((o) => o.description)).toContain('OAuth client id of "export-file-etc-hostname"');
    expect(unescapedLiterals(text)).toEqual([]);
    expect(unescapedLiterals(JSON.stringify(rotation))).toEqual([]);
    expect(JSON.stringify(rotation.provider.aws[0].default_tags)).toContain("$${path.cwd}");
  });

  it("keeps the escaped form in `synth --hcl` output", () => {
    const outdir = mkdtempSync(join(tmpdir(), "keyward-hcl-"));
    try {
      // What `cdktf synth --hcl` sets; cdktf reads it when a stack is constructed.
      const saved = process.env.SYNTH_HCL_OUTPUT;
      process.env.SYNTH_HCL_OUTPUT = "true";
      try {
        const app = new App({ outdir, hclOutput: true, stackTraces: false });
        buildStacks(app, { config: hostileConfig(), backend: LOCAL_STATE });
        app.synth();
      } finally {
        if (saved === undefined) delete process.env.SYNTH_HCL_OUTPUT;
        else process.env.SYNTH_HCL_OUTPUT = saved;
      }
      const hcl = readFileSync(join(outdir, "stacks", "keyward-clients", "cdk.tf"), "utf8");
      expect(hcl).toMatch(/name += "Export \$\$\{file\(\\"\/etc\/hostname\\"\)\}"/);
      expect(hcl).toMatch(/description += "%%\{if true\}x%%\{endif\}"/);
      expect(hcl).toContain('description = "Genesys Cloud OAuth client \\"Export $${file(\\"/etc/hostname\\")}\\", written by keyward rotate');
      expect(hcl).toContain('Project = "$${path.cwd}"');
      expect(hcl).toContain('"a$${b}"');
      expect(hcl).toContain('"q\\"$${x}\\""');
      // Every quote inside a string literal is escaped: no line has an odd number of unescaped quotes.
      const broken = hcl.split("\n").filter((line) => (line.replace(/\\./g, "").match(/"/g) ?? []).length % 2 === 1);
      expect(broken).toEqual([]);
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  });
});

describe("inactive clients", () => {
  it("get their client and secret container, but no rotate terraform_data and no place in the schedule", () => {
    const config = exampleConfig({
      clients: [
        { name: "Active One", roles: [{ roleId: ROLE }] },
        { name: "Parked", roles: [{ roleId: ROLE }], state: "inactive" },
      ],
    });
    withSynthesizedStacks(config, (stacks) => {
      const clients = stacks["keyward-clients"]!.json as Json;
      const text = JSON.stringify(clients);
      expect(text).toHaveResourceWithProperties(OauthClient, { name: "Parked", state: "inactive" });
      expect(text).toHaveResourceWithProperties(SecretsmanagerSecret, { name: "keyward/clients/parked" });
      expect(Object.keys(clients.resource.terraform_data)).toEqual([expect.stringMatching(/^client-active-one_rotate_/)]);
      const rotation = stacks["keyward-scheduled-rotation"]!.json as Json;
      const [schedule] = Object.values(rotation.resource.aws_scheduler_schedule) as Json[];
      expect(JSON.parse(schedule!.target.input).clients).toHaveLength(1);
      expect(JSON.stringify(rotation)).not.toMatch(/client-parked_secret/);
    });
  });

  it("leave out the scheduled-rotation stack when no active client takes part", () => {
    const config = exampleConfig({ clients: [{ name: "Parked", roles: [{ roleId: ROLE }], state: "inactive" }] });
    expect(withSynthesizedStacks(config, (stacks) => Object.keys(stacks))).toEqual(["keyward-clients"]);
  });
});

describe("the keyward:client-id tag", () => {
  it("tags every secret container with its OAuth client's id (a Terraform reference, in lower case)", () => {
    withSynthesizedStacks(exampleConfig(), (stacks) => {
      const clients = stacks["keyward-clients"]!.json as Json;
      const secrets = Object.entries(clients.resource.aws_secretsmanager_secret as Record<string, Json>);
      expect(secrets).toHaveLength(3);
      for (const [name, secret] of secrets) {
        const construct = name.replace(/_secret_[0-9A-F]{8}$/, "");
        const [clientResource] = Object.keys(clients.resource.genesyscloud_oauth_client).filter((c) => c.startsWith(`${construct}_client_`));
        // Canonical (lower) case, as every reader matches it (src/contracts/client-id-tag.ts).
        expect(secret.tags).toEqual({ "keyward:client-id": `\${lower(genesyscloud_oauth_client.${clientResource}.id)}` });
      }
    });
  });

  it("is reserved: a configuration tag of that name is refused", () => {
    expect(() => exampleConfig({ tags: { "keyward:client-id": "x" } })).toThrow(/keyward:client-id: is reserved/);
  });
});

describe("scheduled-rotation stack hardening", () => {
  let rotation: Json;
  beforeAll(() => {
    withSynthesizedStacks(exampleConfig({ scheduledRotation: { logKmsKeyArn: "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab" } }), (stacks) => {
      rotation = stacks["keyward-scheduled-rotation"]!.json as Json;
    });
  });

  it("scheduler role trusts scheduler.amazonaws.com for this account and keyward's own schedule group only", () => {
    expect(rotation.data.aws_caller_identity).toBeDefined();
    expect(Object.values(rotation.resource.aws_scheduler_schedule_group as Record<string, Json>)).toEqual([expect.objectContaining({ name: "keyward-rotation" })]);
    const role = Object.entries(rotation.resource.aws_iam_role as Record<string, Json>).find(([n]) => n.startsWith("schedule_role"))![1];
    const [statement] = JSON.parse(role.assume_role_policy).Statement;
    expect(statement.Condition).toEqual({
      StringEquals: { "aws:SourceAccount": ["${data.aws_caller_identity.caller.account_id}"] },
      ArnEquals: { "aws:SourceArn": [expect.stringMatching(/^\$\{aws_scheduler_schedule_group\.schedule_group_[0-9A-F]{8}\.arn\}$/)] },
    });
  });

  it("keeps the admin secret outside the clients' prefix, refuses one inside it", () => {
    expect(JSON.stringify(rotation)).toHaveResourceWithProperties(SecretsmanagerSecret, { name: "keyward/admin/genesys" });
    expect(() => exampleConfig({ scheduledRotation: { adminSecretName: "keyward/clients/admin" } })).toThrow(/inside the managed clients' prefix "keyward\/clients\/"/);
    expect(exampleConfig({ secretNamePrefix: "keyward/" }).scheduledRotation!.adminSecretName).toBe("keyward-admin/genesys");
  });

  it("no async retries, reserved concurrency 1, the log group under the configured KMS key", () => {
    const text = JSON.stringify(rotation);
    expect(Object.values(rotation.resource.aws_lambda_function_event_invoke_config as Record<string, Json>)).toEqual([
      expect.objectContaining({ maximum_retry_attempts: 0, function_name: expect.stringMatching(/^\$\{aws_lambda_function\..*\.function_name\}$/) }),
    ]);
    expect(text).toHaveResourceWithProperties({ tfResourceType: "aws_lambda_function" }, { reserved_concurrent_executions: 1 });
    expect(text).toHaveResourceWithProperties(
      { tfResourceType: "aws_cloudwatch_log_group" },
      { kms_key_id: "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab" },
    );
  });

  it("lets the Lambda tag the managed secrets and list secrets (ListSecrets cannot be scoped)", () => {
    const policy = Object.entries(rotation.resource.aws_iam_role_policy as Record<string, Json>).find(([n]) => n.startsWith("rotation-lambda_policy"))![1];
    const statements = JSON.parse(policy.policy).Statement as Json[];
    const rotate = statements.find((s) => s.Sid === "RotateManagedClientSecrets")!;
    expect(rotate.Action).toContain("secretsmanager:TagResource");
    expect(rotate.Resource).toHaveLength(2);
    expect(statements.find((s) => s.Sid === "FindSecretsByClientTag")).toEqual({
      Sid: "FindSecretsByClientTag",
      Effect: "Allow",
      Action: ["secretsmanager:ListSecrets"],
      Resource: ["*"],
    });
  });
});
