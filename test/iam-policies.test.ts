import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { synthStacks } from "../stacks/app.js";
import type { IamPolicyJson } from "../stacks/bindings/aws/iam-policy.js";
import { readmePolicies, renderPolicy, rewriteReadme } from "../scripts/iam-policies.js";
import { exampleConfig, LOCAL_STATE } from "./stacks/fixtures.js";

/**
 * The README's IAM policies ("Running keyward in production") are what stacks/policies.ts renders, and the stacks
 * deploy exactly those permissions: same statements, same actions, same conditions (the stacks name each resource by
 * a Terraform reference where the README has a placeholder).
 */
const README = readFileSync(join(process.cwd(), "README.md"), "utf8");
type Statement = IamPolicyJson["Statement"][number];

/** What a statement grants, without its resources: Sid, effect, actions and each condition's operator and key. */
const grant = (s: Statement) => ({
  sid: s.Sid,
  effect: s.Effect,
  actions: s.Action,
  conditions: Object.entries(s.Condition ?? {}).flatMap(([op, byKey]) => Object.keys(byKey).map((key) => `${op} ${key}`)),
  resources: (s.Resource ?? []).length > 0,
});
const readmeBlock = (name: string) => JSON.parse(new RegExp(`<!-- iam-policy: ${name} -->\\n\`\`\`json\\n([\\s\\S]*?)\\n\`\`\``).exec(README)![1]!) as IamPolicyJson;

describe("the README's IAM policies", () => {
  it("are exactly what scripts/iam-policies.ts renders from stacks/policies.ts (regenerate: npx tsx scripts/iam-policies.ts --write)", () => {
    expect(rewriteReadme(README)).toBe(README);
    for (const name of Object.keys(readmePolicies())) expect(readmeBlock(name)).toEqual(renderPolicy(readmePolicies()[name]!));
  });

  it("are valid policies: version 2012-10-17, every statement named, allowing, with actions and resources", () => {
    for (const name of Object.keys(readmePolicies())) {
      const policy = readmeBlock(name);
      expect(policy.Version).toBe("2012-10-17");
      for (const s of policy.Statement) {
        expect(s).toMatchObject({ Sid: expect.stringMatching(/^[A-Za-z0-9]+$/), Effect: "Allow" });
        expect(s.Action.length).toBeGreaterThan(0);
        expect(s.Resource!.length).toBeGreaterThan(0);
      }
      expect(new Set(policy.Statement.map((s) => s.Sid)).size).toBe(policy.Statement.length);
    }
  });

  it("never let the CI identity read the admin secret: it sits outside the managed prefix the policy grants", () => {
    const resources = readmeBlock("ci-cli").Statement.flatMap((s) => s.Resource ?? []);
    expect(resources.filter((r) => r !== "*" && !r.includes(":secret:keyward/clients/"))).toEqual([]);
  });
});

describe("the stacks deploy the README's policies", () => {
  let deployed: Record<string, IamPolicyJson>;
  const KMS = "arn:aws:kms:us-east-1:123456789012:key/0a1b2c3d-1111-4222-8333-444455556666";

  beforeAll(() => {
    const outdir = mkdtempSync(join(tmpdir(), "keyward-iam-synth-"));
    try {
      // With a customer-managed key, so the KMS statements are deployed too.
      const stacks = synthStacks({ config: exampleConfig({ secretKmsKeyArn: KMS }), backend: LOCAL_STATE, outdir, janitor: {} });
      const policies = (stack: string) =>
        Object.values(
          ((stacks[stack]!.json as { resource: Record<string, unknown> }).resource.aws_iam_role_policy ?? {}) as Record<string, { name: string; role: string; policy: string }>,
        );
      const byRole = (stack: string, role: RegExp) => JSON.parse(policies(stack).find((p) => role.test(p.role))!.policy) as IamPolicyJson;
      deployed = {
        "rotation-lambda": byRole("keyward-scheduled-rotation", /rotation-lambda_role/),
        "janitor-receiver": byRole("keyward-janitor", /receiver_role/),
        "janitor-worker": byRole("keyward-janitor", /worker_role/),
      };
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  }, 180_000);

  it.each(["rotation-lambda", "janitor-receiver", "janitor-worker"])("%s: the same statements, actions and conditions, plus the key's statement with a CMK", (name) => {
    const fromStack = deployed[name]!.Statement;
    const withoutKey = fromStack.filter((s) => !s.Action.some((a) => a.startsWith("kms:")));
    expect(withoutKey.map(grant)).toEqual(readmeBlock(name).Statement.map(grant));
    const keyStatements = fromStack.filter((s) => s.Action.some((a) => a.startsWith("kms:")));
    expect(keyStatements.length).toBeGreaterThan(0);
    for (const s of keyStatements) {
      expect(s.Resource).toEqual([KMS]);
      expect(s.Condition).toEqual({ StringEquals: { "kms:ViaService": ["secretsmanager.us-east-1.amazonaws.com"] } });
    }
  });

  it("with a CMK, grant CI the key exactly as the README's second policy does", () => {
    const kms = readmeBlock("ci-cli-kms").Statement;
    expect(kms.map(grant)).toEqual([
      { sid: "EncryptManagedSecrets", effect: "Allow", actions: ["kms:Decrypt", "kms:GenerateDataKey"], conditions: ["StringEquals kms:ViaService"], resources: true },
    ]);
    expect(deployed["rotation-lambda"]!.Statement.find((s) => s.Sid === "EncryptManagedSecrets")!.Action).toEqual(kms[0]!.Action);
  });
});
