// Walks every synthesized stack and fails on secret-looking values, `expose_client_secret = true`, a secret
// version resource, or IAM statements with `*` where something narrower exists. The audit itself is tested
// against planted problems, so a clean result means something.
import { randomBytes } from "node:crypto";
import { stateBackendSettings } from "../../stacks/backend.js";
import { auditIamPolicy, auditSynthesizedStack, auditText, highEntropyTokens } from "./audit.js";
import { exampleConfig, withSynthesizedStacks } from "./fixtures.js";

const KMS = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";

describe("every synthesized stack is clean", () => {
  const variants: Array<[string, () => ReturnType<typeof exampleConfig>, Record<string, string>]> = [
    ["the example configuration, local state", () => exampleConfig(), {}],
    [
      "with CMKs, a gateway and S3 state",
      () => exampleConfig({ secretKmsKeyArn: KMS, gateway: { host: "127.0.0.1", port: "9000", protocol: "http" } }),
      { KEYWARD_STATE_BUCKET: "tf-state", KEYWARD_STATE_KMS_KEY_ID: KMS },
    ],
  ];

  it.each(variants)("%s", (_, config, env) => {
    const problems = withSynthesizedStacks(
      config(),
      (stacks) => {
        expect(Object.keys(stacks).length).toBe(2);
        return Object.values(stacks).flatMap((s) => auditSynthesizedStack(s.json, s.name));
      },
      stateBackendSettings(env),
    );
    expect(problems).toEqual([]);
  });
});

describe("the audit catches what it is meant to catch", () => {
  const clean = (): Record<string, any> => ({
    resource: {
      genesyscloud_oauth_client: { c: { name: "c", expose_client_secret: false } },
      aws_iam_role_policy: {
        p: {
          policy: JSON.stringify({
            Version: "2012-10-17",
            Statement: [{ Sid: "Ok", Effect: "Allow", Action: ["secretsmanager:GetSecretValue"], Resource: ["${aws_secretsmanager_secret.s.arn}"] }],
          }),
        },
      },
      null_resource: { r: { triggers: { secret_arn: "${aws_secretsmanager_secret.s.arn}" } } },
    },
  });

  it("a clean stack has no findings", () => {
    expect(auditSynthesizedStack(clean(), "s")).toEqual([]);
  });

  it("expose_client_secret = true", () => {
    const stack = clean();
    stack.resource.genesyscloud_oauth_client.c.expose_client_secret = true;
    expect(auditSynthesizedStack(stack, "s")).toEqual(["s.resource.genesyscloud_oauth_client.c.expose_client_secret: expose_client_secret is true"]);
  });

  it("a random secret anywhere, even inside a JSON string; a literal under a secret-like key", () => {
    const secret = randomBytes(32).toString("base64url");
    const stack = clean();
    stack.resource.null_resource.r.triggers.note = `rotated to ${secret}`;
    stack.resource.aws_lambda_function = { f: { environment: { variables: { ADMIN_PASSWORD: "hunter2", KEYWARD_ADMIN_SECRET_ARN: "${aws_secretsmanager_secret.a.arn}" } } } };
    stack.resource.aws_scheduler_schedule = { s: { target: { input: JSON.stringify({ clients: [{ clientId: "x", clientSecret: "plain" }] }) } } };
    expect(auditSynthesizedStack(stack, "s")).toEqual([
      `s.resource.null_resource.r.triggers.note: secret-looking value ${secret.slice(0, 4)}… (43 chars)`,
      's.resource.aws_lambda_function.f.environment.variables.ADMIN_PASSWORD: literal value under a secret-like key "ADMIN_PASSWORD"',
      's.resource.aws_scheduler_schedule.s.target.input<json>.clients[0].clientSecret: literal value under a secret-like key "clientSecret"',
    ]);
  });

  it("a secret version resource, client_secret or directory_client_secret on a client", () => {
    const stack = clean();
    stack.resource.aws_secretsmanager_secret_version = { v: { secret_id: "${aws_secretsmanager_secret.s.id}" } };
    stack.resource.genesyscloud_oauth_client.c.directory_client_secret = "/tmp";
    expect(auditSynthesizedStack(stack, "s")).toEqual([
      expect.stringMatching(/directory_client_secret: literal value under a secret-like key/),
      "s: declares aws_secretsmanager_secret_version (a secret value would enter state)",
      "s: genesyscloud_oauth_client.c sets directory_client_secret",
    ]);
  });

  it("IAM: wildcard actions and resources, NotAction, wildcard principals; accepts only the two narrow wildcard forms", () => {
    const policy = (statements: unknown[]) => ({ Version: "2012-10-17", Statement: statements });
    expect(
      auditIamPolicy(
        policy([
          { Sid: "A", Effect: "Allow", Action: ["secretsmanager:*"], Resource: ["arn:aws:secretsmanager:us-east-1:123456789012:secret:x-AbCdEf"] },
          { Sid: "B", Effect: "Allow", Action: ["secretsmanager:GetSecretValue"], Resource: ["*"] },
          { Sid: "C", Effect: "Allow", Action: "*", Resource: "arn:aws:secretsmanager:us-east-1:123456789012:secret:keyward/*" },
          { Sid: "D", Effect: "Allow", NotAction: ["iam:*"], Resource: ["arn:aws:s3:::b"] },
          { Sid: "E", Effect: "Allow", Action: ["sts:AssumeRole"], Principal: { AWS: "*" } },
        ]),
        "p",
      ),
    ).toEqual([
      'p.Statement[0] (A): wildcard action "secretsmanager:*"',
      'p.Statement[1] (B): wildcard resource "*"',
      'p.Statement[2] (C): wildcard action "*"',
      'p.Statement[2] (C): wildcard resource "arn:aws:secretsmanager:us-east-1:123456789012:secret:keyward/*"',
      "p.Statement[3] (D): uses NotAction/NotResource/NotPrincipal",
      "p.Statement[4] (E): wildcard principal",
    ]);
    expect(
      auditIamPolicy(
        policy([
          { Sid: "Logs", Effect: "Allow", Action: ["logs:PutLogEvents"], Resource: ["${aws_cloudwatch_log_group.l.arn}:log-stream:*"] },
          {
            Sid: "ByName",
            Effect: "Allow",
            Action: ["secretsmanager:PutSecretValue"],
            Resource: ["arn:aws:secretsmanager:us-east-1:123456789012:secret:keyward/clients/crm_sync-??????"],
          },
        ]),
        "p",
      ),
    ).toEqual([]);
  });

  it("a policy that is not inspectable JSON (e.g. a jsonencode() expression) is a finding", () => {
    const stack = clean();
    stack.resource.aws_iam_role_policy.p.policy = "${jsonencode({Statement = []})}";
    expect(auditSynthesizedStack(stack, "s")).toEqual(["s: aws_iam_role_policy.p.policy: not an inspectable JSON policy document"]);
  });

  it("identifiers, UUIDs, hex hashes and interpolations are not secret-looking; random tokens are", () => {
    expect(
      highEntropyTokens(
        "client-billing-export_client_68E11E75 8c5f0c2e-4a8b-4a5e-9d0a-3f3b2a1c9e7d 6FE297A176AB2122D17D27162BF92E00 " +
          "rotation-lambda_function_F6571A81 rotationLambdaFunctionF6571A81 RotateManagedClientSecrets " +
          "${data.terraform_remote_state.x.outputs.cross-stack-output-aws_secretsmanager_secretclient-billing-export_secret_C2455304arn} keyward/clients/billing_export",
      ),
    ).toEqual([]);
    for (let i = 0; i < 20; i++) expect(auditText(randomBytes(32).toString("base64url"), "t")).toHaveLength(1);
  });
});
