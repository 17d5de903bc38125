// The README's paste-ready IAM policies ("Running keyward in production"), rendered from stacks/policies.ts — the
// functions the stacks render their own policies with — with placeholders for what differs per account.
//
//   npx tsx scripts/iam-policies.ts           print every policy
//   npx tsx scripts/iam-policies.ts --write   rewrite the README's blocks in place (test/iam-policies.test.ts checks them)
import { readFileSync, writeFileSync } from "node:fs";
import { toIamPolicyJson, type IamPolicyJson, type IamPolicyStatement } from "../stacks/bindings/aws/iam-policy.js";
import { auditorStatements, cliStatements, janitorReceiverStatements, janitorWorkerStatements, rotationLambdaStatements, writeOwnLogsStatement } from "../stacks/policies.js";

/** The placeholders the README's policies use: replace them with your account's values. */
export const PLACEHOLDERS = {
  region: "<region>",
  account: "<account-id>",
  /** The stacks' `secretNamePrefix` (the example configuration's). */
  managedPrefix: "keyward/clients/",
  /** The scheduled-rotation stack's admin secret (its default name beside that prefix). */
  adminSecret: "keyward/admin/genesys",
  kmsKey: "<key-id>",
} as const;

const P = PLACEHOLDERS;
const secretArn = (name: string) => `arn:aws:secretsmanager:${P.region}:${P.account}:secret:${name}`;
/** A secret by name: Secrets Manager appends `-` and six random characters to every ARN. */
const namedSecret = (name: string) => secretArn(`${name}-??????`);
const managed = secretArn(`${P.managedPrefix}*`);
const logGroup = (functionName: string) => `arn:aws:logs:${P.region}:${P.account}:log-group:/aws/lambda/${functionName}`;
const queue = `arn:aws:sqs:${P.region}:${P.account}:keyward-janitor.fifo`;
const kmsKey = `arn:aws:kms:${P.region}:${P.account}:key/${P.kmsKey}`;

export interface ReadmePolicy {
  /** Who wears it. */
  title: string;
  statements: IamPolicyStatement[];
}

/** Every policy the README shows, by the name of its `<!-- iam-policy: NAME -->` marker. */
export function readmePolicies(): Record<string, ReadmePolicy> {
  return {
    "ci-cli": {
      title: "CI: `keyward rotate` (with `--create-secret`) and `keyward status --verify`",
      statements: cliStatements({ managedSecretsArnPattern: managed, awsRegion: P.region, createSecret: true, status: true }),
    },
    auditor: {
      title: "an auditor: `keyward status` without `--verify` (no secret value)",
      statements: auditorStatements({ managedSecretsArnPattern: managed }),
    },
    "rotation-lambda": {
      title: "the scheduled-rotation Lambda (the stack creates this role)",
      statements: rotationLambdaStatements({
        adminSecretArn: namedSecret(P.adminSecret),
        managedSecretArns: [managed],
        logGroupArn: logGroup("keyward-rotation"),
        awsRegion: P.region,
        rotateAdminClient: true,
      }),
    },
    "janitor-receiver": {
      title: "the janitor's receiver Lambda (the stack creates this role)",
      statements: [
        ...janitorReceiverStatements({ webhookSecretArn: namedSecret(`${P.managedPrefix}janitor/webhook-secret`), queueArn: queue, awsRegion: P.region }),
        writeOwnLogsStatement(logGroup("keyward-janitor-receiver")),
      ],
    },
    "janitor-worker": {
      title: "the janitor's worker Lambda (the stack creates this role)",
      statements: [
        ...janitorWorkerStatements({
          webhookSecretArn: namedSecret(`${P.managedPrefix}janitor/webhook-secret`),
          githubTokenArn: namedSecret(`${P.managedPrefix}janitor/github-token`),
          slackTokenArn: namedSecret(`${P.managedPrefix}janitor/slack-token`),
          ownCredentialsArn: namedSecret(`${P.managedPrefix}janitor/genesys`),
          managedSecretsArnPattern: managed,
          queueArn: queue,
          awsRegion: P.region,
        }),
        writeOwnLogsStatement(logGroup("keyward-janitor-worker")),
      ],
    },
    "ci-cli-kms": {
      title: "CI, when the secrets use a customer-managed KMS key: a second policy with the key, through Secrets Manager only",
      statements: cliStatements({ managedSecretsArnPattern: managed, awsRegion: P.region, createSecret: true, status: true, kmsKeyArn: kmsKey }).filter((s) =>
        s.actions.some((a) => a.startsWith("kms:")),
      ),
    },
  };
}

export function renderPolicy(policy: ReadmePolicy): IamPolicyJson {
  return toIamPolicyJson(policy.statements);
}

/** JSON with two-space indentation, lists of strings on one line (still JSON: paste it as it is). */
export function compactJson(value: unknown): string {
  return JSON.stringify(value, null, 2).replace(/\[\n\s+((?:"(?:[^"\\]|\\.)*",\n\s+)*"(?:[^"\\]|\\.)*")\n\s+\]/g, (_m, inner: string) => `[${inner.split(/,\n\s+/).join(", ")}]`);
}

/** The README block for one policy: its marker, then the JSON. */
export function readmeBlock(name: string, policy: ReadmePolicy): string {
  return `<!-- iam-policy: ${name} -->\n\`\`\`json\n${compactJson(renderPolicy(policy))}\n\`\`\``;
}

/** The README with every marked block replaced by its rendering (unknown markers are an error). */
export function rewriteReadme(readme: string): string {
  const policies = readmePolicies();
  return readme.replace(/<!-- iam-policy: ([a-z-]+) -->\n```json\n[\s\S]*?\n```/g, (_block, name: string) => {
    const policy = policies[name];
    if (!policy) throw new Error(`README marks an unknown policy "${name}"`);
    return readmeBlock(name, policy);
  });
}

if (process.argv[1] && /iam-policies\.ts$/.test(process.argv[1])) {
  if (process.argv.includes("--write")) {
    const before = readFileSync("README.md", "utf8");
    const after = rewriteReadme(before);
    writeFileSync("README.md", after);
    process.stdout.write(after === before ? "README.md: the policies are current\n" : "README.md: policies rewritten\n");
  } else {
    for (const [name, policy] of Object.entries(readmePolicies())) process.stdout.write(`# ${name}: ${policy.title}\n${compactJson(renderPolicy(policy))}\n\n`);
  }
}
