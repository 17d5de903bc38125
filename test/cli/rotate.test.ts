import { mkdtemp, readdir, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CreateSecretCommand } from "@aws-sdk/client-secrets-manager";
import { leakedSecrets, runKeyward, type CliRun } from "../helpers/keyward-cli.js";
import { useSandboxKit } from "../helpers/sandbox.js";
import { runActionsStep } from "../helpers/actions-runner.js";

const kit = useSandboxKit();
const outputs: string[] = [];
const record = (run: CliRun) => {
  outputs.push(run.stdout, run.stderr);
  return run;
};
const keyward = async (args: string[], env: Record<string, string | undefined> = {}, cwd?: string) => record(await runKeyward(args, { ...kit.env, ...env }, cwd ? { cwd } : {}));

const live = (clientId: string, secret: string) => kit.check(clientId, secret);
const stored = (secretId: string) => kit.stored(secretId);

describe("keyward rotate (one client)", () => {
  it("rotates, exits 0, and prints neither the old nor the new secret", async () => {
    const client = await kit.createClient("cli-happy");
    const run = await keyward(["rotate", "--client-id", client.id, "--secret-id", "cli/happy", "--create-secret"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(new RegExp(`^rotated  ${client.id} \\(cli-happy\\) -> arn:aws:secretsmanager:us-east-1:\\d+:secret:cli/happy-\\w{6} version [0-9a-f-]{36}`));
    const value = await stored("cli/happy");
    expect(await live(client.id, client.secret)).toBe("dead");
    expect(await live(client.id, value.clientSecret)).toBe("live");
    expect(leakedSecrets([run.stdout, run.stderr], [client.secret, value.clientSecret])).toEqual([]);
  });

  it("writes a --json report with ids, ARN, version and timings only", async () => {
    const client = await kit.createClient("cli-json");
    const run = await keyward(["rotate", "--client-name", "cli-json", "--secret-id", "cli/json", "--create-secret", "--json"]);
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as { results: Array<Record<string, unknown>> };
    expect(report).toMatchObject({ schema: "keyward.rotate/v1", ok: 1, failed: 0, exitCode: 0 });
    expect(report.results[0]).toMatchObject({ clientId: client.id, status: "rotated", secretArn: expect.stringContaining("cli/json"), versionId: expect.any(String) });
    expect(Object.keys(report.results[0]!.timings as object).sort()).toEqual(["preflightMs", "regenerateMs", "storeMs", "totalMs", "verifyMs"]);
    const value = await stored("cli/json");
    expect(run.stdout).not.toContain(value.clientSecret);
  });

  it("in GitHub Actions, prints the masks first (each once) and hands the value over in heredoc form", async () => {
    const client = await kit.createClient("cli-actions");
    const dir = await mkdtemp(join(tmpdir(), "keyward-gha-"));
    const outputFile = join(dir, "github_output");
    await writeFile(outputFile, "earlier=1\n");
    const step = await runActionsStep(`$KEYWARD rotate --client-id ${client.id} --secret-id cli/actions --create-secret --github-output client_secret`, {
      ...kit.env,
      GITHUB_OUTPUT: outputFile,
    });
    expect(step.code).toBe(0);
    const value = await stored("cli/actions");
    const basic = Buffer.from(`${client.id}:${value.clientSecret}`).toString("base64");
    const lines = step.stdout.split("\n");
    expect(lines.slice(0, 2)).toEqual([`::add-mask::${value.clientSecret}`, `::add-mask::${basic}`]);
    // Each value is masked once, not once per step that handles it.
    expect(lines.filter((l) => l.startsWith("::add-mask::"))).toEqual([`::add-mask::${value.clientSecret}`, `::add-mask::${basic}`]);
    // Outside the mask commands, stdout never carries the value.
    expect(lines.filter((l) => !l.startsWith("::add-mask::")).join("\n")).not.toContain(value.clientSecret);
    expect(step.stderr).not.toContain(value.clientSecret);
    const written = await readFile(outputFile, "utf8");
    const match = /^earlier=1\nclient_secret<<(ghadelimiter_[0-9a-f-]{36})\n(.*)\n\1\n$/.exec(written);
    expect(match?.[2]).toBe(value.clientSecret);
    outputs.push(lines.filter((l) => !l.startsWith("::add-mask::")).join("\n"), step.stderr);
  });

  it("without --github-output, leaves the secret in no file, no output and no log", async () => {
    const client = await kit.createClient("cli-nowhere");
    const cwd = await mkdtemp(join(tmpdir(), "keyward-cwd-"));
    const run = await keyward(["rotate", "--client-id", client.id, "--secret-id", "cli/nowhere", "--create-secret"], { KEYWARD_LOG_LEVEL: "debug" }, cwd);
    expect(run.code).toBe(0);
    const value = await stored("cli/nowhere");
    expect(await readdir(cwd)).toEqual([]);
    expect(leakedSecrets([run.stdout, run.stderr], [value.clientSecret, client.secret, Buffer.from(`${client.id}:${value.clientSecret}`).toString("base64")])).toEqual([]);
    expect(run.stderr).toContain('"msg":"stored new secret"');
  });

  it("refuses --github-output outside GitHub Actions before rotating anything (exit 2)", async () => {
    const client = await kit.createClient("cli-no-actions");
    const run = await keyward(["rotate", "--client-id", client.id, "--secret-id", "cli/no-actions", "--create-secret", "--github-output", "x"], { GITHUB_OUTPUT: undefined });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/only inside GitHub Actions/);
    expect(await live(client.id, client.secret)).toBe("live");
  });

  it.each([
    [["rotate"], /exactly one of --client-id, --client-name or --manifest/],
    [["rotate", "--client-id", "nope", "--secret-id", "s"], /not a UUID/],
    [["rotate", "--client-id", "0b9e3c43-5d5f-4c0e-9b7a-3c1f2e4d5a6b"], /--secret-id <name\|arn> is required/],
    [["rotate", "--manifest", "m.json", "--secret-id", "s"], /--secret-id goes in the manifest/],
    [["rotate", "--client-id", "0b9e3c43-5d5f-4c0e-9b7a-3c1f2e4d5a6b", "--secret-id", "s", "--bogus"], /unknown flag --bogus/],
    [["frobnicate"], /unknown command "frobnicate"/],
  ])("exits 2 with a usage message for %j", async (args, message) => {
    const run = await keyward(args);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
  });

  it("exits 2 naming the variables when the admin credentials are missing or rejected", async () => {
    const client = await kit.createClient("cli-admin");
    const missing = await keyward(["rotate", "--client-id", client.id, "--secret-id", "cli/admin", "--create-secret"], { GENESYSCLOUD_OAUTHCLIENT_SECRET: undefined });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/GENESYSCLOUD_OAUTHCLIENT_SECRET/);
    const wrong = await keyward(["rotate", "--client-id", client.id, "--secret-id", "cli/admin", "--create-secret"], {
      GENESYSCLOUD_OAUTHCLIENT_SECRET: "definitely-not-the-admin-secret",
    });
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/GENESYSCLOUD_OAUTHCLIENT_ID/);
    expect(wrong.stderr).not.toContain("definitely-not-the-admin-secret");
  });

  it("exits 1 naming the endpoint settings when Genesys Cloud is unreachable", async () => {
    const client = await kit.createClient("cli-unreachable");
    const run = await keyward(["rotate", "--client-id", client.id, "--secret-id", "cli/unreachable", "--create-secret"], { GENESYSCLOUD_GATEWAY_PORT: "1" });
    expect(run.code).toBe(1);
    expect(run.stderr + run.stdout).toMatch(/GENESYSCLOUD_REGION|gateway/i);
    expect(await live(client.id, client.secret)).toBe("live");
  }, 180_000);

  it("exits 3 when Secrets Manager fails after the regenerate, and a re-run exits 0", async () => {
    const client = await kit.createClient("cli-sm-down");
    await kit.sm.send(new CreateSecretCommand({ Name: "cli/sm-down" }));
    // The lock's record goes in (the write path works); every store of the new secret fails.
    kit.sandbox.secretsManager.control.faults.set([{ route: "PutSecretValue", errorRate: 1, errorStatus: 503, skip: 1 }]);
    const failed = await keyward(["rotate", "--client-id", client.id, "--secret-id", "cli/sm-down"]);
    expect(failed.code).toBe(3);
    expect(failed.stderr).toMatch(/previous secret is already invalid/);
    expect(failed.stderr).toMatch(/re-run `keyward rotate --client-id/);
    expect(await live(client.id, client.secret)).toBe("dead");
    kit.sandbox.secretsManager.control.clearFaults();
    const rerun = await keyward(["rotate", "--client-id", client.id, "--secret-id", "cli/sm-down"]);
    expect(rerun.code).toBe(0);
    expect(await live(client.id, (await stored("cli/sm-down")).clientSecret)).toBe("live");
  }, 180_000);
});

describe("keyward rotate --manifest (a fleet)", () => {
  it("rotates 50 clients through failures and a tight rate limit: table, JSON report and exit 1", async () => {
    kit.sandbox.genesys.control.setLimits({ apiRequestsPerWindow: 10_000 });
    const clients = await Promise.all(Array.from({ length: 50 }, (_, i) => kit.createClient(`fleet-${String(i).padStart(2, "0")}`)));
    const entries = clients.map((c, i) => ({ clientId: c.id, secretId: `fleet/${i}` }));
    // Failures: 3 disabled clients, 2 without a container, 1 unknown client id.
    const admin = kit.genesys();
    for (const i of [3, 17, 31]) await admin.oauthClients.setState(clients[i]!.id, "disabled");
    await Promise.all(entries.filter((_, i) => ![8, 44].includes(i)).map((e) => kit.sm.send(new CreateSecretCommand({ Name: e.secretId }))));
    entries.push({ clientId: "00000000-0000-4000-8000-00000000dead", secretId: "fleet/ghost" });
    const dir = await mkdtemp(join(tmpdir(), "keyward-fleet-"));
    await writeFile(join(dir, "manifest.yaml"), "clients:\n" + entries.map((e) => `  - clientId: ${e.clientId}\n    secretId: ${e.secretId}\n`).join(""));

    // One admin token for the run, 40 API requests per second, and 5xx bursts.
    kit.sandbox.genesys.control.setLimits({ apiRequestsPerWindow: 40, apiWindowSeconds: 1 });
    kit.sandbox.genesys.control.setFaults([{ route: "POST /api/v2/oauth/clients/{clientId}/secret", errorRate: 1, errorStatus: 503, times: 3 }]);
    const before = kit.sandbox.genesys.control.state();
    const started = Date.now();
    const run = await keyward(["rotate", "--manifest", join(dir, "manifest.yaml"), "--concurrency", "8", "--json"]);
    const seconds = (Date.now() - started) / 1000;
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout) as {
      ok: number;
      failed: number;
      exitCode: number;
      results: Array<{ clientId: string; status: string; reason?: string; exitCode: number }>;
    };
    expect(report).toMatchObject({ ok: 45, failed: 6, exitCode: 1 });
    const failures = Object.fromEntries(report.results.filter((r) => r.status === "failed").map((r) => [r.clientId, r.reason]));
    expect(failures).toEqual({
      [clients[3]!.id]: "client-not-active",
      [clients[17]!.id]: "client-not-active",
      [clients[31]!.id]: "client-not-active",
      [clients[8]!.id]: "secret-missing",
      [clients[44]!.id]: "secret-missing",
      "00000000-0000-4000-8000-00000000dead": "not-found",
    });
    expect(report.results.map((r) => r.clientId)).toEqual(entries.map((e) => e.clientId));
    // Non-TTY progress: one plain line per client on stderr.
    expect(run.stderr.split("\n").filter((l) => /^(rotated|FAILED) /.test(l))).toHaveLength(51);
    for (const [i, c] of clients.entries()) {
      if ([3, 17, 31, 8, 44].includes(i)) continue;
      const value = await stored(`fleet/${i}`);
      expect(value.clientId).toBe(c.id);
    }
    // The shared rate gate: 429s happen only for requests already in flight when a window filled up,
    // at most one per worker per window, and every one of them was retried (45 clients succeeded).
    const after = kit.sandbox.genesys.control.state();
    const throttled = after.tooManyRequests - before.tooManyRequests;
    expect(throttled).toBeLessThanOrEqual(8 * Math.ceil(seconds + 1));
  }, 300_000);

  it("prints a result table without --json", async () => {
    const a = await kit.createClient("table-a");
    const dir = await mkdtemp(join(tmpdir(), "keyward-fleet-"));
    await writeFile(
      join(dir, "m.json"),
      JSON.stringify([
        { clientId: a.id, secretId: "table/a" },
        { clientName: "table-missing", secretId: "table/b" },
      ]),
    );
    kit.sandbox.genesys.control.setLimits({ apiRequestsPerWindow: 300, apiWindowSeconds: 60 });
    const run = await keyward(["rotate", "--manifest", join(dir, "m.json"), "--create-secret"]);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^STATUS\s+CLIENT ID\s+NAME\s+SECRET\s+VERSION\s+RESULT/);
    expect(run.stdout).toMatch(new RegExp(`rotated\\s+${a.id}\\s+table-a\\s+arn:aws:secretsmanager:\\S+table/a-\\w{6}`));
    expect(run.stdout).toMatch(/FAILED\s+-\s+table-missing\s+table\/b\s+client-name-not-found \(exit 1\)/);
    expect(run.stdout).toMatch(/1 succeeded, 1 failed/);
  });
});

describe("the canary", () => {
  it("finds no secret minted in these tests in anything keyward printed", () => {
    kit.collectStoredSecrets();
    expect(kit.minted.size).toBeGreaterThan(50);
    expect(leakedSecrets(outputs, kit.minted)).toEqual([]);
    expect(leakedSecrets(kit.logs, kit.minted)).toEqual([]);
  });
});
