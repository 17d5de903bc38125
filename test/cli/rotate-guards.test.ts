import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CreateSecretCommand, DeleteSecretCommand } from "@aws-sdk/client-secrets-manager";
import { leakedSecrets, runKeyward, type CliRun } from "../helpers/keyward-cli.js";
import { useSandboxKit } from "../helpers/sandbox.js";
import { runActionsStep } from "../helpers/actions-runner.js";
import { formatFailureDetails } from "../../src/rotation/report.js";

/** Configuration and input that must be refused before any secret exists (exit 2), each with a fix that is true. */
const kit = useSandboxKit();
const outputs: string[] = [];
const keyward = async (args: string[], env: Record<string, string | undefined> = {}): Promise<CliRun> => {
  const run = await runKeyward(args, { ...kit.env, ...env });
  outputs.push(run.stdout, run.stderr);
  return run;
};
const live = (clientId: string, secret: string) => kit.check(clientId, secret);
const exists = (name: string) => kit.sandbox.secretsManager.control.state().secrets.some((s) => s.name === name);
const regenerations = () => Object.values(kit.sandbox.genesys.control.state().requests["POST /api/v2/oauth/clients/{clientId}/secret"] ?? {}).reduce((a, b) => a + b, 0);

afterAll(() => {
  kit.collectStoredSecrets();
  expect(leakedSecrets(outputs, kit.minted)).toEqual([]);
});

describe("plain http is judged on the final URL, not the raw setting", () => {
  it.each(["http", "http:", "HTTP://", "http:/", " Http "])("GENESYSCLOUD_GATEWAY_PROTOCOL=%j to a remote host exits 2 before sending anything", async (protocol) => {
    const run = await keyward(["rotate", "--client-id", "00000000-0000-4000-8000-000000000001", "--secret-id", "x/y", "--dry-run"], {
      GENESYSCLOUD_GATEWAY_HOST: "genesys-gateway.example.internal",
      GENESYSCLOUD_GATEWAY_PROTOCOL: protocol,
      GENESYSCLOUD_GATEWAY_PORT: "8080",
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/plain http to a host that is not this machine/);
    expect(run.stderr).toMatch(/KEYWARD_ALLOW_INSECURE_GATEWAY=true/);
  });

  it.each([
    ["AWS_ENDPOINT_URL_SECRETS_MANAGER", "http://secretsmanager.example.internal:4566", /plain http to secretsmanager\.example\.internal/],
    ["AWS_ENDPOINT_URL_SECRETS_MANAGER", "HTTP://10.1.2.3", /plain http to 10\.1\.2\.3/],
    ["AWS_ENDPOINT_URL", "http://aws.example.internal", /plain http to aws\.example\.internal/],
    ["AWS_ENDPOINT_URL_SECRETS_MANAGER", "not a url", /is not a URL/],
    ["AWS_ENDPOINT_URL_SECRETS_MANAGER", "ftp://files.example", /scheme ftp:/],
  ])("%s=%s exits 2 before anything is sent", async (name, value, message) => {
    const client = await kit.createClient(`aws-endpoint-${regenerations()}-${Math.random().toString(36).slice(2, 8)}`);
    const run = await keyward(["rotate", "--client-id", client.id, "--secret-id", "aws/endpoint", "--create-secret"], { [name]: value });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(await live(client.id, client.secret)).toBe("live");
  });
});

describe("--github-output", () => {
  it("with --json is refused before regenerating (the mask lines would be mixed into the report)", async () => {
    const client = await kit.createClient("gho-json");
    const dir = await mkdtemp(join(tmpdir(), "keyward-gho-"));
    const run = await keyward(["rotate", "--client-id", client.id, "--secret-id", "gho/json", "--create-secret", "--github-output", "s", "--json"], {
      GITHUB_OUTPUT: join(dir, "out"),
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/cannot be combined with --json/);
    expect(await live(client.id, client.secret)).toBe("live");
  });

  it("with stdout redirected to a file is refused before regenerating (the file would hold the masks, the runner never sees them)", async () => {
    const client = await kit.createClient("gho-file");
    const dir = await mkdtemp(join(tmpdir(), "keyward-gho-"));
    const report = join(dir, "report.txt");
    const step = await runActionsStep(`$KEYWARD rotate --client-id ${client.id} --secret-id gho/file --create-secret --github-output s > "${report}" || echo "exit=$?" >&2`, {
      ...kit.env,
      GITHUB_OUTPUT: join(dir, "out"),
    });
    outputs.push(step.stderr, step.stdout, await readFile(report, "utf8"));
    expect(step.stderr).toMatch(/stdout is redirected to a file/);
    expect(step.stderr).toMatch(/exit=2/);
    expect(await readFile(report, "utf8")).not.toContain("::add-mask::");
    expect(await live(client.id, client.secret)).toBe("live");
  });

  it("outside a runner's own stdout (no Runner.Worker started the step) is refused before regenerating", async () => {
    const client = await kit.createClient("gho-no-runner");
    const dir = await mkdtemp(join(tmpdir(), "keyward-gho-"));
    const run = await keyward(["rotate", "--client-id", client.id, "--secret-id", "gho/no-runner", "--create-secret", "--github-output", "s"], {
      GITHUB_ACTIONS: "true",
      GITHUB_OUTPUT: join(dir, "out"),
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/needs stdout to be the runner's own stream/);
    expect(await live(client.id, client.secret)).toBe("live");
  });

  it("with a GITHUB_OUTPUT that cannot be written is refused before regenerating", async () => {
    const client = await kit.createClient("gho-unwritable");
    const step = await runActionsStep(`$KEYWARD rotate --client-id ${client.id} --secret-id gho/unwritable --create-secret --github-output s`, {
      ...kit.env,
      GITHUB_OUTPUT: "/nonexistent-dir/keyward/out",
    });
    outputs.push(step.stderr, step.stdout);
    expect(step.code).toBe(2);
    expect(step.stderr).toMatch(/GITHUB_OUTPUT \(\/nonexistent-dir\/keyward\/out\) is not writable/);
    expect(await live(client.id, client.secret)).toBe("live");
  });
});

describe("flags, environment and manifests that cannot be right", () => {
  const uuid = "00000000-0000-4000-8000-000000000002";
  it.each([
    [["rotate", "--client-name", "", "--secret-id", "x"], /--client-name is empty/],
    [["rotate", "--client-id", "", "--secret-id", "x"], /--client-id is empty.*\n.*fix: .*check that the variable is set/],
    [["rotate", "--manifest", "m.json", "--concurrency", "0x10"], /--concurrency must be a whole number from 1 to 64, got "0x10"/],
    [["rotate", "--manifest", "m.json", "--concurrency", "1e1"], /--concurrency must be a whole number/],
    [["rotate", "--manifest", "m.json", "--concurrency=-1"], /--concurrency must be a whole number/],
    [["rotate", "--manifest", "m.json", "--concurrency", "0"], /--concurrency must be a whole number/],
  ])("keyward %j exits 2", async (args, message) => {
    const run = await keyward(args as string[]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
  });

  it.each([
    ["KEYWARD_LOG_LEVEL", "loud", /KEYWARD_LOG_LEVEL="loud" is not a log level/],
    ["KEYWARD_LOG_LEVEL", "constructor", /is not a log level/],
    ["KEYWARD_HTTP_TIMEOUT_SECONDS", "soon", /KEYWARD_HTTP_TIMEOUT_SECONDS="soon" is not a number of seconds/],
    ["KEYWARD_DEADLINE_SECONDS", "-5", /KEYWARD_DEADLINE_SECONDS="-5"/],
  ])("%s=%s exits 2", async (name, value, message) => {
    const run = await keyward(["rotate", "--client-id", uuid, "--secret-id", "x/y", "--dry-run"], { [name]: value });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
  });

  it("reports a .json manifest with bad JSON as a JSON error, and an empty manifest as empty", async () => {
    const dir = await mkdtemp(join(tmpdir(), "keyward-manifest-"));
    await writeFile(join(dir, "bad.json"), '[{"clientId": "x",]');
    await writeFile(join(dir, "empty.yaml"), "\n  \n");
    const bad = await keyward(["rotate", "--manifest", join(dir, "bad.json")]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/is not valid JSON/);
    expect(bad.stderr).not.toMatch(/neither valid JSON nor valid YAML/);
    const empty = await keyward(["rotate", "--manifest", join(dir, "empty.yaml")]);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toMatch(/manifest .*empty\.yaml is empty/);
  });

  it("answers `keyward help rotate` with the rotate usage and `-V` with the version", async () => {
    const help = await keyward(["help", "rotate"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^keyward rotate — /);
    expect(help.stdout).toMatch(/\n {2}keyward rotate --client-id/);
    expect(help.stdout).toMatch(/--take-over/);
    const version = await keyward(["-V"]);
    expect(version.code).toBe(0);
    expect(version.stdout).toMatch(/^keyward \S+\n$/);
  });
});

describe("guards before anything changes", () => {
  it("--dry-run with an admin whose roles lack oauth:client:edit exits 2 naming it, and creates no container", async () => {
    // A role that may read clients and roles (so keyward can read what it grants) but not edit clients.
    const [viewer] = kit.sandbox.genesys.control.seed({
      roles: [{ name: "client-and-role-viewer", permissions: ["oauth:client:view", "authorization:role:view"] }],
      clients: [{ name: "dry-run-viewer", roleIds: ["client-and-role-viewer"] }],
    }).clients;
    kit.minted.add(viewer!.secret);
    const client = await kit.createClient("dry-run-target");
    const run = await keyward(["rotate", "--client-id", client.id, "--secret-id", "guard/dry-run", "--create-secret", "--dry-run"], {
      GENESYSCLOUD_OAUTHCLIENT_ID: viewer!.id,
      GENESYSCLOUD_OAUTHCLIENT_SECRET: viewer!.secret,
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/do not grant oauth:client:edit/);
    expect(exists("guard/dry-run")).toBe(false);
  });

  it("removes the container --create-secret made when the regenerate is refused (nothing changed in Genesys)", async () => {
    const client = await kit.createClient("refused-regenerate");
    kit.sandbox.genesys.control.addFault({ route: "POST /api/v2/oauth/clients/{clientId}/secret", errorRate: 1, errorStatus: 403 });
    const run = await keyward(["rotate", "--client-id", client.id, "--secret-id", "guard/refused", "--create-secret"]);
    kit.sandbox.genesys.control.clearFaults();
    expect(run.code).not.toBe(0);
    expect(exists("guard/refused")).toBe(false);
    expect(await live(client.id, client.secret)).toBe("live");
  });

  it("says when a container scheduled for deletion will be deleted", async () => {
    const client = await kit.createClient("scheduled-date");
    await kit.sm.send(new CreateSecretCommand({ Name: "guard/scheduled" }));
    const deleted = await kit.sm.send(new DeleteSecretCommand({ SecretId: "guard/scheduled", RecoveryWindowInDays: 7 }));
    const run = await keyward(["rotate", "--client-id", client.id, "--secret-id", "guard/scheduled"]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`scheduled for deletion on ${deleted.DeletionDate!.toISOString()}`);
  });
});

describe("fix lines that are true for the failure", () => {
  it("a hung regenerate is exit 3 that blames Genesys Cloud and names the timeout setting, not Secrets Manager", async () => {
    const client = await kit.createClient("hung-regenerate");
    kit.sandbox.genesys.control.addFault({ route: "POST /api/v2/oauth/clients/{clientId}/secret", hang: true });
    const run = await keyward(["rotate", "--client-id", client.id, "--secret-id", "fix/hung", "--create-secret"], { KEYWARD_HTTP_TIMEOUT_SECONDS: "1" });
    kit.sandbox.genesys.control.clearFaults();
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/failed after it may have reached Genesys Cloud; the previous secret may already be invalid/);
    expect(run.stderr).toMatch(/once Genesys Cloud answers again \(the regenerate request timed out; KEYWARD_HTTP_TIMEOUT_SECONDS sets how long keyward waits\)/);
    expect(run.stderr).not.toMatch(/Secrets Manager (is reachable|accepts writes)/);
    const rerun = await keyward(["rotate", "--client-id", client.id, "--secret-id", "fix/hung"]);
    expect(rerun.code).toBe(0);
    expect(await live(client.id, (await kit.stored("fix/hung")).clientSecret)).toBe("live");
  });

  it("a store that fails after the regenerate is exit 3 that says the previous secret is already invalid and blames Secrets Manager", async () => {
    const client = await kit.createClient("store-down");
    kit.sandbox.secretsManager.control.setFaults({ unavailable: true, operations: ["PutSecretValue"] });
    const run = await keyward(["rotate", "--client-id", client.id, "--secret-id", "fix/store-down", "--create-secret"]);
    kit.sandbox.secretsManager.control.clearFaults();
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/the previous secret is already invalid/);
    expect(run.stderr).toMatch(/once Secrets Manager accepts writes again/);
  });
});

describe("a fleet waiting on the rate limit", () => {
  it("says that every worker waits, and why", async () => {
    const clients = await Promise.all([0, 1, 2].map((i) => kit.createClient(`paused-${i}`)));
    const dir = await mkdtemp(join(tmpdir(), "keyward-manifest-"));
    const file = join(dir, "fleet.json");
    await writeFile(file, JSON.stringify(clients.map((c, i) => ({ clientId: c.id, secretId: `paused/${i}` }))));
    kit.sandbox.genesys.control.setLimits({ apiRequestsPerWindow: 6, apiWindowSeconds: 1 });
    const run = await keyward(["rotate", "--manifest", file, "--create-secret", "--concurrency", "3"]);
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/rate limited by Genesys Cloud \(429 Too Many Requests\): every worker waits \d+ s/);
    // The emulator sends no inin-ratelimit-* headers (as the real API since 2021): the pause came from 429 + Retry-After.
    expect(run.stderr).not.toMatch(/inin-ratelimit/);
  });
});

describe("the terminal report of a fleet", () => {
  it("shows each failed client's message and fix after the progress bar, not only its reason", () => {
    const text = formatFailureDetails([
      {
        clientId: "c-1",
        secretId: "s",
        status: "failed",
        outcome: "refused",
        exitCode: 1,
        reason: "client-not-active",
        message: "client c-1 is inactive; only active clients are rotated",
        hint: "set the client's state to active",
        regenerations: 0,
        timings: { preflightMs: 1, regenerateMs: 0, storeMs: 0, verifyMs: 0, totalMs: 1 },
      },
      {
        clientId: "c-2",
        secretId: "t",
        status: "rotated",
        outcome: "rotated",
        exitCode: 0,
        regenerations: 1,
        timings: { preflightMs: 1, regenerateMs: 0, storeMs: 0, verifyMs: 0, totalMs: 1 },
      },
    ]);
    expect(text).toBe("FAILED   c-1 -> s [exit 1, client-not-active]: client c-1 is inactive; only active clients are rotated\n         fix: set the client's state to active");
  });
});
