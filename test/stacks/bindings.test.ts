// The hand-written provider bindings: every schema attribute reaches both the JSON and the HCL output, in the
// shapes cdktf's generated code produces (the mapper calls `cdktf get` emits for each attribute kind).
import "./matchers.js";
import * as cdktf from "cdktf";
import { Fn, TerraformOutput, TerraformStack, Testing } from "cdktf";
import { attributesToHclTerraform, attributesToTerraform } from "../../stacks/bindings/base.js";
import { AuthRole } from "../../stacks/bindings/genesyscloud/auth-role.js";
import { OauthClient } from "../../stacks/bindings/genesyscloud/oauth-client.js";
import { GenesysCloudProvider } from "../../stacks/bindings/genesyscloud/provider.js";
import { AwsProvider } from "../../stacks/bindings/aws/provider.js";
import { CloudwatchLogGroup } from "../../stacks/bindings/aws/cloudwatch-log-group.js";
import { IamRole } from "../../stacks/bindings/aws/iam-role.js";
import { IamRolePolicy } from "../../stacks/bindings/aws/iam-role-policy.js";
import { policyDocument, toIamPolicyJson } from "../../stacks/bindings/aws/iam-policy.js";
import { LambdaFunction } from "../../stacks/bindings/aws/lambda-function.js";
import { SchedulerSchedule } from "../../stacks/bindings/aws/scheduler-schedule.js";
import { SecretsmanagerSecret } from "../../stacks/bindings/aws/secretsmanager-secret.js";

/** Arguments of genesyscloud_oauth_client in provider v1.84.1 (resource_genesyscloud_oauth_client_schema.go). */
const OAUTH_CLIENT_ARGUMENTS = [
  "name",
  "description",
  "access_token_validity_seconds",
  "registered_redirect_uris",
  "authorized_grant_type",
  "scopes",
  "roles",
  "state",
  "integration_credential_name",
  "client_secret",
  "expose_client_secret",
  "directory_client_secret",
];
/** Computed attributes of genesyscloud_oauth_client. */
const OAUTH_CLIENT_COMPUTED = ["id", "client_id", "client_secret", "integration_credential_id"];
/** Arguments of genesyscloud_auth_role (resource_genesyscloud_auth_role_schema.go, docs/resources/auth_role.md). */
const AUTH_ROLE_ARGUMENTS = ["name", "description", "permissions", "permission_policies", "default_role_id"];

function stackWith(build: (stack: TerraformStack) => void): TerraformStack {
  const stack = new TerraformStack(Testing.app(), "stack");
  build(stack);
  return stack;
}

/** Every argument of a fully populated client. Values are placeholders; nothing here is a secret. */
function fullOauthClient(stack: TerraformStack): OauthClient {
  return new OauthClient(stack, "client", {
    name: "all-arguments",
    description: "every argument set",
    accessTokenValiditySeconds: 600,
    registeredRedirectUris: ["https://example.test/callback"],
    authorizedGrantType: "CODE",
    scopes: ["users:readonly"],
    roles: [{ roleId: "8c5f0c2e-4a8b-4a5e-9d0a-3f3b2a1c9e7d", divisionId: "*" }],
    state: "inactive",
    integrationCredentialName: "placeholder-credential",
    clientSecret: "placeholder",
    exposeClientSecret: false,
    directoryClientSecret: "/tmp/placeholder",
  });
}

function fullAuthRole(stack: TerraformStack): AuthRole {
  return new AuthRole(stack, "role", {
    name: "janitor",
    description: "narrow",
    permissions: ["group_creation"],
    defaultRoleId: "employee",
    permissionPolicies: [
      {
        domain: "quality",
        entityName: "evaluation",
        actionSet: ["add", "edit"],
        conditions: {
          conjunction: "AND",
          terms: [{ variableName: "Conversation.queues", operator: "EQ", operands: [{ type: "QUEUE", queueId: "q-1" }] }],
        },
      },
    ],
  });
}

describe("genesyscloud_oauth_client binding", () => {
  it("synthesizes every v1.84.1 argument to Terraform JSON", () => {
    const synthesized = Testing.synthScope((stack) => {
      fullOauthClient(stack as TerraformStack);
    });
    expect(synthesized).toHaveResourceWithProperties(OauthClient, {
      name: "all-arguments",
      description: "every argument set",
      access_token_validity_seconds: 600,
      registered_redirect_uris: ["https://example.test/callback"],
      authorized_grant_type: "CODE",
      scopes: ["users:readonly"],
      roles: [{ role_id: "8c5f0c2e-4a8b-4a5e-9d0a-3f3b2a1c9e7d", division_id: "*" }],
      state: "inactive",
      integration_credential_name: "placeholder-credential",
      client_secret: "placeholder",
      expose_client_secret: false,
      directory_client_secret: "/tmp/placeholder",
    });
    const body = JSON.parse(synthesized).resource.genesyscloud_oauth_client.client;
    expect(Object.keys(body).sort()).toEqual([...OAUTH_CLIENT_ARGUMENTS].sort());
  });

  it("keeps every argument in HCL (`cdktf synth --hcl`), roles as blocks", () => {
    const hcl: string = Testing.synthHcl(stackWith((s) => fullOauthClient(s)));
    for (const argument of OAUTH_CLIENT_ARGUMENTS) expect(hcl).toMatch(new RegExp(`^\\s*${argument}\\s*(=|\\{)`, "m"));
    expect(hcl).toMatch(/roles\s*\{\s*division_id\s*=\s*"\*"\s*role_id\s*=\s*"8c5f0c2e-4a8b-4a5e-9d0a-3f3b2a1c9e7d"\s*\}/);
    expect(hcl).toMatch(/expose_client_secret\s*=\s*false/);
    expect(hcl).toMatch(/access_token_validity_seconds\s*=\s*600/);
  });

  it("exposes every computed attribute as a Terraform reference", () => {
    const synthesized = Testing.synthScope((stack) => {
      const client = fullOauthClient(stack as TerraformStack);
      new TerraformOutput(stack, "id", { value: client.id });
      new TerraformOutput(stack, "client_id", { value: client.clientId });
      new TerraformOutput(stack, "client_secret", { value: client.clientSecret, sensitive: true });
      new TerraformOutput(stack, "integration_credential_id", { value: client.integrationCredentialId });
    });
    const outputs = JSON.parse(synthesized).output;
    for (const attribute of OAUTH_CLIENT_COMPUTED) {
      expect(outputs[attribute].value).toBe(`\${genesyscloud_oauth_client.client.${attribute}}`);
    }
  });

  it("passes a token for roles through untouched, as generated code does", () => {
    const synthesized = Testing.synthScope((stack) => {
      const role = fullAuthRole(stack as TerraformStack);
      new OauthClient(stack, "client", { name: "n", authorizedGrantType: "CLIENT-CREDENTIALS", roles: [{ roleId: role.id }] });
    });
    expect(synthesized).toHaveResourceWithProperties(OauthClient, { roles: [{ role_id: "${genesyscloud_auth_role.role.id}" }] });
  });
});

describe("genesyscloud_auth_role binding", () => {
  it("synthesizes every argument and the nested permission policy blocks", () => {
    const synthesized = Testing.synthScope((stack) => {
      fullAuthRole(stack as TerraformStack);
    });
    expect(synthesized).toHaveResourceWithProperties(AuthRole, {
      name: "janitor",
      description: "narrow",
      permissions: ["group_creation"],
      default_role_id: "employee",
      permission_policies: [
        {
          domain: "quality",
          entity_name: "evaluation",
          action_set: ["add", "edit"],
          conditions: {
            conjunction: "AND",
            terms: [{ variable_name: "Conversation.queues", operator: "EQ", operands: [{ type: "QUEUE", queue_id: "q-1" }] }],
          },
        },
      ],
    });
    const body = JSON.parse(synthesized).resource.genesyscloud_auth_role.role;
    expect(Object.keys(body).sort()).toEqual([...AUTH_ROLE_ARGUMENTS].sort());
  });

  it("keeps every argument in HCL, nested blocks as blocks", () => {
    const hcl: string = Testing.synthHcl(stackWith((s) => fullAuthRole(s)));
    for (const argument of AUTH_ROLE_ARGUMENTS) expect(hcl).toMatch(new RegExp(`^\\s*${argument}\\s*(=|\\{)`, "m"));
    expect(hcl).toMatch(/permission_policies\s*\{[\s\S]*conditions\s*\{\s*conjunction\s*=\s*"AND"\s*terms\s*\{\s*operands\s*\{\s*queue_id\s*=\s*"q-1"\s*type\s*=\s*"QUEUE"\s*\}/);
  });
});

describe("genesyscloud provider binding", () => {
  it("pins source mypurecloud/genesyscloud and version 1.84.1, and renders the gateway block", () => {
    const synthesized = Testing.synthScope((stack) => {
      new GenesysCloudProvider(stack, "genesyscloud", {
        awsRegion: "eu-west-1",
        gateway: [{ host: "127.0.0.1", port: "8443", protocol: "http", pathParams: [{ pathName: "api", pathValue: "/genesys" }] }],
      });
    });
    const parsed = JSON.parse(synthesized);
    expect(parsed.terraform.required_providers.genesyscloud).toEqual({ source: "mypurecloud/genesyscloud", version: "1.84.1" });
    expect(synthesized).toHaveProviderWithProperties(GenesysCloudProvider, {
      aws_region: "eu-west-1",
      gateway: [{ host: "127.0.0.1", port: "8443", protocol: "http", path_params: [{ path_name: "api", path_value: "/genesys" }] }],
    });
    // Credentials are not part of the binding at all.
    expect(synthesized).not.toMatch(/oauthclient_secret|oauthclient_id|access_token/);
  });

  it("renders the gateway as nested HCL blocks, and an alias", () => {
    const hcl: string = Testing.synthHcl(
      stackWith((s) => {
        new GenesysCloudProvider(s, "genesyscloud", {
          alias: "sandbox",
          gateway: [{ host: "127.0.0.1", port: "8443", protocol: "http", pathParams: [{ pathName: "login", pathValue: "/login" }] }],
        });
      }),
    );
    expect(hcl).toMatch(/provider "genesyscloud" \{[\s\S]*alias\s*=\s*"sandbox"/);
    expect(hcl).toMatch(
      /gateway\s*\{\s*host\s*=\s*"127.0.0.1"\s*path_params\s*\{\s*path_name\s*=\s*"login"\s*path_value\s*=\s*"\/login"\s*\}\s*port\s*=\s*"8443"\s*protocol\s*=\s*"http"\s*\}/,
    );
    expect(hcl).toMatch(/genesyscloud = \{\s*version = "1.84.1"\s*source = "mypurecloud\/genesyscloud"/);
  });
});

describe("schema-driven synthesis matches cdktf's generated code", () => {
  type Synth = { synthesizeAttributes(): Record<string, unknown>; synthesizeHclAttributes(): Record<string, unknown> };

  it("string map: the JSON and HCL descriptor generated code builds with hashMapper(stringToTerraform)", () => {
    const triggers = { a: "1", b: "${x.y.z}" };
    const schema = { triggers: { kind: "stringMap" } } as const;
    expect(attributesToTerraform(schema, { triggers })).toEqual({ triggers: cdktf.hashMapper(cdktf.stringToTerraform)(triggers) });
    expect(attributesToHclTerraform(schema, { triggers })).toEqual({
      triggers: { value: cdktf.hashMapperHcl(cdktf.stringToHclTerraform)(triggers), isBlock: false, type: "map", storageClassType: "stringMap" },
    });
  });

  it("provider alias: the JSON and HCL descriptor generated providers build with stringToTerraform", () => {
    const stack = new TerraformStack(Testing.app(), "stack");
    const ours = new AwsProvider(stack, "aws", { alias: "x" }) as unknown as Synth;
    expect(ours.synthesizeAttributes().alias).toEqual(cdktf.stringToTerraform("x"));
    expect(ours.synthesizeHclAttributes().alias).toEqual({ value: cdktf.stringToHclTerraform("x"), isBlock: false, type: "simple", storageClassType: "string" });
  });

  it("drops unset attributes from the HCL descriptors, like generated code", () => {
    expect(attributesToHclTerraform({ a: { kind: "string" }, b: { kind: "number" } }, { a: "x" })).toEqual({
      a: { value: "x", isBlock: false, type: "simple", storageClassType: "string" },
    });
  });
});

describe("AWS bindings", () => {
  it("aws provider: source hashicorp/aws >= 6.28.0 (invoked_via_function_url), region, default tags", () => {
    const synthesized = Testing.synthScope((stack) => {
      new AwsProvider(stack, "aws", { region: "eu-west-1", defaultTags: [{ tags: { ManagedBy: "keyward" } }] });
    });
    expect(JSON.parse(synthesized).terraform.required_providers.aws).toEqual({ source: "hashicorp/aws", version: ">= 6.28.0, < 7.0.0" });
    expect(synthesized).toHaveProviderWithProperties(AwsProvider, { region: "eu-west-1", default_tags: [{ tags: { ManagedBy: "keyward" } }] });
  });

  it("aws_secretsmanager_secret, aws_iam_role, aws_iam_role_policy, aws_cloudwatch_log_group", () => {
    const stack = stackWith((s) => {
      const secret = new SecretsmanagerSecret(s, "secret", { name: "keyward/x", kmsKeyId: "arn:aws:kms:eu-west-1:123456789012:key/k", recoveryWindowInDays: 7, tags: { A: "b" } });
      const role = new IamRole(s, "role", {
        name: "r",
        assumeRolePolicy: policyDocument([{ sid: "T", actions: ["sts:AssumeRole"], principals: [{ type: "Service", identifiers: ["lambda.amazonaws.com"] }] }]),
      });
      new IamRolePolicy(s, "policy", { role: role.name, name: "p", policy: policyDocument([{ sid: "S", actions: ["secretsmanager:GetSecretValue"], resources: [secret.arn] }]) });
      new CloudwatchLogGroup(s, "logs", { name: "/aws/lambda/x", retentionInDays: 30 });
    });
    const synthesized = Testing.synth(stack);
    expect(synthesized).toHaveResourceWithProperties(SecretsmanagerSecret, {
      name: "keyward/x",
      kms_key_id: "arn:aws:kms:eu-west-1:123456789012:key/k",
      recovery_window_in_days: 7,
      tags: { A: "b" },
    });
    expect(synthesized).toHaveResourceWithProperties(IamRole, { name: "r" });
    expect(synthesized).toHaveResourceWithProperties(IamRolePolicy, { name: "p", role: "${aws_iam_role.role.name}" });
    expect(synthesized).toHaveResourceWithProperties(CloudwatchLogGroup, { name: "/aws/lambda/x", retention_in_days: 30 });
    const policy = JSON.parse(JSON.parse(synthesized).resource.aws_iam_role_policy.policy.policy);
    expect(policy.Statement[0].Resource).toEqual(["${aws_secretsmanager_secret.secret.arn}"]);

    const hcl: string = Testing.synthHcl(stack);
    // JSON documents with references inside stay valid HCL strings (cdktf alone would not escape their quotes).
    expect(hcl).toContain(
      'policy = "{\\"Version\\":\\"2012-10-17\\",\\"Statement\\":[{\\"Sid\\":\\"S\\",\\"Effect\\":\\"Allow\\",\\"Action\\":[\\"secretsmanager:GetSecretValue\\"],\\"Resource\\":[\\"${aws_secretsmanager_secret.secret.arn}\\"]}]}"',
    );
    expect(hcl).toMatch(/recovery_window_in_days\s*=\s*7/);
    expect(hcl).toMatch(/retention_in_days\s*=\s*30/);
    expect(hcl).toMatch(/tags\s*=\s*\{\s*A\s*=\s*"b"\s*\}/);
  });

  it("aws_lambda_function and aws_scheduler_schedule: single nested blocks are objects in JSON, blocks in HCL", () => {
    const stack = stackWith((s) => {
      const fn = new LambdaFunction(s, "fn", {
        functionName: "f",
        role: "arn:aws:iam::123456789012:role/r",
        handler: "index.handler",
        runtime: "nodejs22.x",
        architectures: ["arm64"],
        filename: "assets/x/archive.zip",
        sourceCodeHash: Fn.filebase64sha256("assets/x/archive.zip"),
        environment: { variables: { KEYWARD_LOG_LEVEL: "info" } },
        loggingConfig: { logFormat: "JSON" },
      });
      new SchedulerSchedule(s, "schedule", {
        scheduleExpression: "rate(1 day)",
        flexibleTimeWindow: { mode: "OFF" },
        target: { arn: fn.arn, roleArn: "arn:aws:iam::123456789012:role/s", input: '{"clients":[]}', retryPolicy: { maximumRetryAttempts: 2 } },
      });
    });
    const synthesized = Testing.synth(stack);
    expect(synthesized).toHaveResourceWithProperties(LambdaFunction, {
      function_name: "f",
      architectures: ["arm64"],
      environment: { variables: { KEYWARD_LOG_LEVEL: "info" } },
      logging_config: { log_format: "JSON" },
    });
    expect(synthesized).toHaveResourceWithProperties(SchedulerSchedule, {
      schedule_expression: "rate(1 day)",
      flexible_time_window: { mode: "OFF" },
      target: { arn: "${aws_lambda_function.fn.arn}", role_arn: "arn:aws:iam::123456789012:role/s", input: '{"clients":[]}', retry_policy: { maximum_retry_attempts: 2 } },
    });
    const hcl: string = Testing.synthHcl(stack);
    expect(hcl).toMatch(/environment\s*\{\s*variables\s*=\s*\{\s*KEYWARD_LOG_LEVEL\s*=\s*"info"\s*\}\s*\}/);
    expect(hcl).toMatch(/flexible_time_window\s*\{\s*mode\s*=\s*"OFF"\s*\}/);
    // An expression's own quotes are left alone.
    expect(hcl).toContain('source_code_hash = "${filebase64sha256("assets/x/archive.zip")}"');
    expect(hcl).toContain('input = "{\\"clients\\":[]}"');
    expect(hcl).toMatch(/target\s*\{[\s\S]*retry_policy\s*\{\s*maximum_retry_attempts\s*=\s*2\s*\}[\s\S]*role_arn/);
  });
});

describe("IAM policy documents", () => {
  it("renders typed statements, with principals and conditions", () => {
    expect(
      toIamPolicyJson([
        {
          sid: "A",
          actions: ["kms:Decrypt"],
          resources: ["arn:aws:kms:r:1:key/k"],
          conditions: [{ test: "StringEquals", variable: "kms:ViaService", values: ["secretsmanager.r.amazonaws.com"] }],
        },
        { sid: "T", actions: ["sts:AssumeRole"], principals: [{ type: "Service", identifiers: ["scheduler.amazonaws.com"] }] },
      ]),
    ).toEqual({
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "A",
          Effect: "Allow",
          Action: ["kms:Decrypt"],
          Resource: ["arn:aws:kms:r:1:key/k"],
          Condition: { StringEquals: { "kms:ViaService": ["secretsmanager.r.amazonaws.com"] } },
        },
        { Sid: "T", Effect: "Allow", Action: ["sts:AssumeRole"], Principal: { Service: ["scheduler.amazonaws.com"] } },
      ],
    });
  });

  it("refuses an empty resource list rather than rendering an invalid statement", () => {
    expect(() => policyDocument([{ sid: "X", actions: ["s3:GetObject"], resources: [] }])).toThrow(/empty resource list/);
  });
});
