import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { JanitorConfigError, loadJanitorConfig } from "../../src/janitor/index.js";
import { KEYWARD_BIN, runKeyward } from "../helpers/keyward-cli.js";

const ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:keyward/janitor/genesys-AbCdEf";
const base = {
  KEYWARD_WEBHOOK_SECRET: "a-long-enough-webhook-secret",
  GITHUB_TOKEN: "ghp_exampletoken",
  KEYWARD_JANITOR_CREDENTIALS_ARN: ARN,
};

function problemsOf(env: Record<string, string>, options = {}): readonly string[] {
  try {
    loadJanitorConfig(env, options);
  } catch (err) {
    if (err instanceof JanitorConfigError) return err.problems;
    throw err;
  }
  return [];
}

describe("janitor configuration", () => {
  it("accepts the minimal configuration with the documented defaults", () => {
    const config = loadJanitorConfig(base);
    expect(config.github.apiUrl).toBe("https://api.github.com");
    expect(config.slack).toBeUndefined();
    expect(config.genesys).toEqual({ credentialsArn: ARN });
    expect(config.policy).toMatchObject({ dryRun: false, clients: {} });
    expect(config.policy.defaultAction).toBeUndefined();
  });

  it("reads ARNs, GHES and Slack settings", () => {
    const config = loadJanitorConfig({
      KEYWARD_WEBHOOK_SECRET_ARN: ARN,
      GITHUB_TOKEN_ARN: ARN,
      GITHUB_API_URL: "https://ghes.acme.example/api/v3",
      SLACK_BOT_TOKEN_ARN: ARN,
      KEYWARD_SLACK_FALLBACK_CHANNEL: "#soc",
      KEYWARD_SPLUNK_HEC_URL: "https://splunk.acme.example:8088/services/collector/event",
      KEYWARD_SPLUNK_HEC_TOKEN: "splunk-token",
      KEYWARD_DATADOG_API_KEY: "dd-key",
      GENESYSCLOUD_OAUTHCLIENT_ID: "id",
      GENESYSCLOUD_OAUTHCLIENT_SECRET: "a-secret-value",
      GENESYSCLOUD_REGION: "eu-west-1",
    });
    expect(config.webhook).toEqual({ arn: ARN });
    expect(config.github).toEqual({ token: { arn: ARN }, apiUrl: "https://ghes.acme.example/api/v3" });
    expect(config.slack).toEqual({ token: { arn: ARN }, apiUrl: "https://slack.com/api/", fallbackChannel: "#soc" });
    expect(config.datadog).toEqual({ apiKey: "dd-key", url: "https://http-intake.logs.datadoghq.com/api/v2/logs" });
  });

  it("lists every problem at once", () => {
    const dir = mkdtempSync(join(tmpdir(), "keyward-cfg-"));
    writeFileSync(join(dir, "p.json"), JSON.stringify({ defaultAction: "explode" }));
    const problems = problemsOf({
      KEYWARD_WEBHOOK_SECRET_PREVIOUS: "old-secret",
      GITHUB_TOKEN: "t",
      GITHUB_TOKEN_ARN: "not-an-arn",
      GITHUB_API_URL: "http://github.acme.example",
      KEYWARD_SLACK_FALLBACK_CHANNEL: "#soc",
      KEYWARD_SPLUNK_HEC_URL: "https://splunk",
      KEYWARD_DATADOG_URL: "https://dd",
      KEYWARD_POLICY_FILE: join(dir, "p.json"),
    });
    const text = problems.join("\n");
    expect(text).toMatch(/KEYWARD_WEBHOOK_SECRET_PREVIOUS is set without KEYWARD_WEBHOOK_SECRET/);
    expect(text).toMatch(/GITHUB_TOKEN_ARN must be a Secrets Manager secret ARN/);
    expect(text).toMatch(/set GITHUB_TOKEN or GITHUB_TOKEN_ARN, not both/);
    expect(text).toMatch(/GITHUB_API_URL must be an https URL/);
    expect(text).toMatch(/KEYWARD_SLACK_FALLBACK_CHANNEL is set but SLACK_BOT_TOKEN/);
    expect(text).toMatch(/KEYWARD_SPLUNK_HEC_URL and KEYWARD_SPLUNK_HEC_TOKEN/);
    expect(text).toMatch(/KEYWARD_DATADOG_URL is set but KEYWARD_DATADOG_API_KEY is not/);
    expect(text).toMatch(/GENESYSCLOUD_OAUTHCLIENT_ID and GENESYSCLOUD_OAUTHCLIENT_SECRET \(or KEYWARD_JANITOR_CREDENTIALS_ARN\)/);
    expect(text).toMatch(/defaultAction must be one of/);
    expect(problems).toHaveLength(9);
  });

  it("in Lambda the Genesys credentials come only from KEYWARD_JANITOR_CREDENTIALS_ARN", () => {
    expect(problemsOf({ ...base, KEYWARD_JANITOR_CREDENTIALS_ARN: "" }, { lambda: true }).join()).toMatch(/KEYWARD_JANITOR_CREDENTIALS_ARN is required in Lambda/);
    expect(problemsOf({ KEYWARD_WEBHOOK_SECRET: "a-long-enough-webhook-secret" }, { receiverOnly: true })).toEqual(["KEYWARD_JANITOR_QUEUE_URL is required by the receiver Lambda"]);
  });

  it("a missing or unreadable policy file is a problem, not a crash", () => {
    expect(problemsOf({ ...base, KEYWARD_POLICY_FILE: "/nonexistent/policy.json" })).toEqual([expect.stringMatching(/file not found/)]);
  });
});

describe("keyward janitor serve (a real process)", () => {
  it("exits 2 listing every configuration problem, printing no secret", async () => {
    const run = await runKeyward(["janitor", "serve"], { KEYWARD_WEBHOOK_SECRET_PREVIOUS: "previous-secret-value-xyz", GITHUB_TOKEN: "ghp_token_value_xyz", GITHUB_TOKEN_ARN: "arn:aws:secretsmanager:us-east-1:123456789012:secret:x" });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/janitor configuration has \d+ problems/);
    expect(run.stderr).toMatch(/KEYWARD_WEBHOOK_SECRET_PREVIOUS is set without/);
    expect(run.stderr).toMatch(/not both/);
    expect(run.stderr + run.stdout).not.toContain("previous-secret-value-xyz");
    expect(run.stderr + run.stdout).not.toContain("ghp_token_value_xyz");
  });

  it("refuses bad flags with exit 2 and prints help", async () => {
    expect((await runKeyward(["janitor", "serve", "--port", "x"], {})).code).toBe(2);
    expect((await runKeyward(["janitor", "frobnicate"], {})).code).toBe(2);
    const help = await runKeyward(["janitor", "--help"], {});
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("keyward janitor serve [--port N] [--host 127.0.0.1]");
  });

  it("serves /healthz on loopback and stops cleanly on SIGTERM", async () => {
    const child = spawn(process.execPath, ["--", KEYWARD_BIN, "janitor", "serve", "--port", "0"], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, KEYWARD_WEBHOOK_SECRET: "a-long-enough-webhook-secret", GITHUB_TOKEN: "ghp_x", GENESYSCLOUD_OAUTHCLIENT_ID: "id", GENESYSCLOUD_OAUTHCLIENT_SECRET: "secret-value", GENESYSCLOUD_REGION: "us-east-1", AWS_REGION: "us-east-1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    const url = await new Promise<string>((resolve, reject) => {
      child.stderr.on("data", (d: Buffer) => {
        stderr += d.toString();
        const m = /"url":"(http:\/\/127\.0\.0\.1:\d+)"/.exec(stderr);
        if (m) resolve(m[1]!);
      });
      child.on("exit", () => reject(new Error(`exited early: ${stderr}`)));
    });
    const res = await fetch(`${url}/healthz`);
    expect(res.status).toBe(200);
    const code = await new Promise<number | null>((resolve) => {
      child.removeAllListeners("exit");
      child.on("exit", (c) => resolve(c));
      child.kill("SIGTERM");
    });
    expect(code).toBe(0);
  });
});
