import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CreateSecretCommand, GetSecretValueCommand, TagResourceCommand } from "@aws-sdk/client-secrets-manager";
import { runActionsStep } from "../helpers/actions-runner.js";
import { leakedSecrets, runKeyward, type CliRun } from "../helpers/keyward-cli.js";
import { invokeLambdaProcess, LAMBDA_BUNDLES } from "../helpers/lambda-process.js";
import { useSandboxKit } from "../helpers/sandbox.js";
import { BUILTIN_ROLES } from "../../src/sandbox/genesys/index.js";
import { waitFor } from "../genesys/helpers/fake-clock.js";

/**
 * The seven holes of issue 17, each over real processes (the built `keyward`, a Lambda handler in its own process, a
 * fake Actions runner), judged by token grants with what Secrets Manager holds.
 */
const kit = useSandboxKit();
const outputs: string[] = [];
const record = (run: CliRun) => {
  outputs.push(run.stdout, run.stderr);
  return run;
};
const keyward = async (args: string[], env: Record<string, string | undefined> = {}) => record(await runKeyward(args, { ...kit.env, ...env }));
const live = (clientId: string, secret: string) => kit.check(clientId, secret);
/** The document at AWSCURRENT, or undefined when there is none. */
async function current(secretId: string): Promise<{ clientId: string; clientSecret: string } | undefined> {
  try {
    const out = await kit.sm.send(new GetSecretValueCommand({ SecretId: secretId }));
    const doc = JSON.parse(out.SecretString ?? "{}") as { clientId?: string; clientSecret?: string };
    if (!doc.clientId || !doc.clientSecret) return undefined;
    kit.minted.add(doc.clientSecret);
    return { clientId: doc.clientId, clientSecret: doc.clientSecret };
  } catch {
    return undefined;
  }
}
/** A client whose secret lives (and works) in `secretId`, written by a first rotation. */
async function rotatedClient(name: string, secretId: string) {
  const client = await kit.createClient(name);
  const first = await keyward(["rotate", "--client-id", client.id, "--secret-id", secretId, "--create-secret"]);
  expect(first.code).toBe(0);
  const doc = (await current(secretId))!;
  expect(await live(client.id, doc.clientSecret)).toBe("live");
  return { client, doc };
}

afterAll(() => {
  kit.collectStoredSecrets();
  expect(leakedSecrets(outputs, kit.minted)).toEqual([]);
});

describe("hole 1: waits after the point of no return", () => {
  it("a 429 pause that eats the invocation's time stops the scheduled rotation before its regenerate, and AWSCURRENT keeps working", async () => {
    const { client } = await rotatedClient("hole1-client", "hole1/secret");
    const adminArn = (await kit.sm.send(new GetSecretValueCommand({ SecretId: kit.sandbox.secretNames.admin }))).ARN!;
    // The regenerate meets a 429 asking for 60 s; every store would be throttled afterwards.
    const throttledBefore = kit.sandbox.genesys.control.state().requests["POST /api/v2/oauth/clients/{clientId}/secret"]?.["429"] ?? 0;
    kit.sandbox.genesys.control.addFault({ route: "POST /api/v2/oauth/clients/{clientId}/secret", errorRate: 1, errorStatus: 429, retryAfterSeconds: 60, times: 1 });
    const running = invokeLambdaProcess(
      LAMBDA_BUNDLES.rotation,
      { clients: [{ clientId: client.id, secretId: "hole1/secret" }] },
      {
        KEYWARD_ADMIN_SECRET_ARN: adminArn,
        // The sandbox's own admin: other tests use it, so it is not rotated here.
        KEYWARD_ROTATE_ADMIN: "false",
        AWS_ENDPOINT_URL_SECRETS_MANAGER: kit.sandbox.secretsManager.url,
        AWS_REGION: kit.sandbox.region,
        AWS_ACCESS_KEY_ID: kit.sandbox.awsCredentials.accessKeyId,
        AWS_SECRET_ACCESS_KEY: kit.sandbox.awsCredentials.secretAccessKey,
      },
      { timeoutMs: 88_000 },
    );
    // Once the regenerate has met its 429, every store is throttled: a run that regenerates after the pause cannot
    // store before the invocation's end.
    await waitFor(() => (kit.sandbox.genesys.control.state().requests["POST /api/v2/oauth/clients/{clientId}/secret"]?.["429"] ?? 0) > throttledBefore, 60_000);
    kit.sandbox.secretsManager.control.setFaults({ throttle: true, operations: ["PutSecretValue"] });
    const run = await running;
    outputs.push(run.output);
    kit.sandbox.secretsManager.control.clearFaults();
    kit.sandbox.genesys.control.clearFaults();
    const doc = await current("hole1/secret");
    expect({ killed: run.killed, works: doc ? await live(client.id, doc.clientSecret) : "none" }).toEqual({ killed: false, works: "live" });
    // Skipped before its regenerate, with nothing changed: not a failure after the point of no return.
    expect(run.error).toMatch(/0 of 1 clients failed, 1 skipped for lack of time/);
  }, 120_000);
});

describe("hole 2: two clients into one secret at once", () => {
  it("with 300 ms on TagResource, every run that exits 0 leaves its own client's working document at AWSCURRENT", async () => {
    kit.sandbox.secretsManager.control.faults.set([{ route: "TagResource", latencyMs: 300 }]);
    const problems: string[] = [];
    for (let round = 0; round < 5; round++) {
      const a = await kit.createClient(`hole2-a-${round}`);
      const b = await kit.createClient(`hole2-b-${round}`);
      const secretId = `hole2/shared-${round}`;
      await kit.sm.send(new CreateSecretCommand({ Name: secretId }));
      const runs = await Promise.all([a, b].map((c) => keyward(["rotate", "--client-id", c.id, "--secret-id", secretId])));
      const doc = await current(secretId);
      for (const [i, c] of [a, b].entries()) {
        if (runs[i]!.code !== 0) continue;
        if (doc?.clientId !== c.id) problems.push(`round ${round}: ${i === 0 ? "A" : "B"} exited 0 but AWSCURRENT holds ${doc?.clientId ?? "nothing"}`);
        else if ((await live(c.id, doc.clientSecret)) !== "live") problems.push(`round ${round}: AWSCURRENT does not authenticate`);
      }
    }
    expect(problems).toEqual([]);
  }, 120_000);
});

describe("hole 3: a claim spelled in upper case", () => {
  it("is found: the client is refused for a second secret (exit 2), and the first keeps working", async () => {
    const { client, doc } = await rotatedClient("hole3-client", "hole3/first");
    await kit.sm.send(new TagResourceCommand({ SecretId: "hole3/first", Tags: [{ Key: "keyward:client-id", Value: client.id.toUpperCase() }] }));
    const run = await keyward(["rotate", "--client-id", client.id, "--secret-id", "hole3/second", "--create-secret"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/already rotated into/);
    expect(await live(client.id, doc.clientSecret)).toBe("live");
  });
});

describe("hole 4: --github-output where the masks cannot reach the runner", () => {
  it.each([
    ["| tee rotate.log", "piped through tee"],
    ["> /dev/null", "sent to /dev/null"],
  ])("`rotate --github-output … %s` (%s) is refused before anything changes, and no file holds a mask", async (redirect) => {
    const { client, doc } = await rotatedClient(`hole4-${redirect.length}`, `hole4/${redirect.length}`);
    const dir = await mkdtemp(join(tmpdir(), "keyward-hole4-"));
    const outputFile = join(dir, "github_output");
    await writeFile(outputFile, "");
    const step = await runActionsStep(
      `$KEYWARD rotate --client-id ${client.id} --secret-id hole4/${redirect.length} --github-output client_secret ${redirect.replace("rotate.log", join(dir, "rotate.log"))}`,
      {
        ...kit.env,
        GITHUB_OUTPUT: outputFile,
        ...(redirect.includes("tee") ? {} : {}),
      },
    );
    outputs.push(step.stdout, step.stderr);
    const log = await readFile(join(dir, "rotate.log"), "utf8").catch(() => "");
    outputs.push(log);
    expect(step.stderr).toMatch(/--github-output/);
    expect(log).not.toContain("::add-mask::");
    expect(await readFile(outputFile, "utf8")).toBe("");
    expect(await live(client.id, doc.clientSecret)).toBe("live");
  });
});

describe("hole 5: a write path that is denied", () => {
  it.each([
    ["a KMS key without GenerateDataKey", "kms"],
    ["a deny on PutSecretValue", "deny"],
  ] as const)("%s: --dry-run reports it, and the real run fails before its regenerate, leaving the working secret", async (_what, kind) => {
    const key = `arn:aws:kms:us-east-1:000000000000:key/${kind}-hole5`;
    const secretId = `hole5/${kind}`;
    const client = await kit.createClient(`hole5-${kind}`);
    await kit.sm.send(new CreateSecretCommand({ Name: secretId, KmsKeyId: key }));
    expect((await keyward(["rotate", "--client-id", client.id, "--secret-id", secretId])).code).toBe(0);
    const before = (await current(secretId))!;
    kit.sandbox.secretsManager.control.setPermissions(
      kind === "kms" ? { kmsKeys: { [key]: { deny: ["GenerateDataKey"] } } } : { deny: [{ operation: "PutSecretValue", secretPrefix: "hole5/" }] },
    );
    try {
      const dry = await keyward(["rotate", "--client-id", client.id, "--secret-id", secretId, "--dry-run"]);
      expect(dry.code).toBe(2);
      expect(dry.stderr).toMatch(kind === "kms" ? /KMS/ : /PutSecretValue/);
      const real = await keyward(["rotate", "--client-id", client.id, "--secret-id", secretId]);
      expect(real.code).toBe(2);
      expect(real.stderr).toMatch(/nothing was regenerated/);
      expect(await live(client.id, before.clientSecret)).toBe("live");
      expect((await current(secretId))!.clientSecret).toBe(before.clientSecret);
    } finally {
      kit.sandbox.secretsManager.control.clearPermissions();
    }
  });
});

describe("hole 6: strings with line breaks on a runner", () => {
  it("a --secret-id or a client name with a newline never starts a workflow command line", async () => {
    const [evil] = kit.sandbox.genesys.control.seed({ clients: [{ name: "evil\n::error title=pwned::client name", roleIds: [BUILTIN_ROLES.readonly] }] }).clients;
    kit.minted.add(evil!.secret);
    const runs = [
      await keyward(["rotate", "--client-id", evil!.id, "--secret-id", "hole6/a\n::warning::pwned by secret id", "--create-secret"], { GITHUB_ACTIONS: "true" }),
      await keyward(["rotate", "--client-name", "evil\n::error title=pwned::client name", "--secret-id", "hole6/b", "--create-secret"], { GITHUB_ACTIONS: "true" }),
      await keyward(["rotate", "--client-id", evil!.id, "--secret-id", "hole6/c", "--create-secret"], { GITHUB_ACTIONS: "true" }),
    ];
    for (const run of runs) {
      const lines = `${run.stdout}\n${run.stderr}`.split(/\r?\n|\r/);
      expect(lines.filter((l) => /^\s*::/.test(l))).toEqual([]);
    }
  });
});

describe("hole 7: a CreateSecret whose answer is lost", () => {
  it.each(["idempotent", "resource-exists"] as const)("is recognised as this run's container and used (retry answered as %s)", async (retry) => {
    const client = await kit.createClient(`hole7-${retry}`);
    kit.sandbox.secretsManager.control.setSettings({ createSecretRetry: retry });
    kit.sandbox.secretsManager.control.setFaults({ dropAnswer: { times: 1 }, operations: ["CreateSecret"] });
    try {
      const run = await keyward(["rotate", "--client-id", client.id, "--secret-id", `hole7/${retry}`, "--create-secret"]);
      expect(run.code).toBe(0);
      const doc = (await current(`hole7/${retry}`))!;
      expect(doc.clientId).toBe(client.id);
      expect(await live(client.id, doc.clientSecret)).toBe("live");
    } finally {
      kit.sandbox.secretsManager.control.setSettings({ createSecretRetry: "idempotent" });
    }
  });
});
