import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DEFAULT_GITHUB_SECRET_TYPES, JanitorConfigError, loadJanitorConfig } from "../../src/janitor/index.js";
import { githubPatterns } from "../../src/scan/export.js";
import { loadRules } from "../../src/scan/rules.js";
import { KEYWARD_BIN, runKeyward } from "../helpers/keyward-cli.js";

const ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:keyward/janitor/genesys-AbCdEf";
const base = {
  KEYWARD_WEBHOOK_SECRET: "a-long-enough-webhook-secret",
  GITHUB_TOKEN: "ghp_exampletoken",
  KEYWARD_ADMIN_SECRET_ARN: ARN,
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
    expect(config.github).toEqual({ token: { arn: ARN }, apiUrl: "https://ghes.acme.example/api/v3", maxResponseBytes: 16 * 1024 * 1024 });
    expect(config.slack).toEqual({ token: { arn: ARN }, apiUrl: "https://slack.com/api/", fallbackChannel: "#soc", dmDomains: [] });
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
    expect(text).toMatch(/GENESYSCLOUD_OAUTHCLIENT_ID and GENESYSCLOUD_OAUTHCLIENT_SECRET \(or KEYWARD_ADMIN_SECRET_ARN\)/);
    expect(text).toMatch(/defaultAction must be one of/);
    expect(problems).toHaveLength(9);
  });

  it("in Lambda the Genesys credentials come only from KEYWARD_ADMIN_SECRET_ARN", () => {
    expect(problemsOf({ ...base, KEYWARD_ADMIN_SECRET_ARN: "" }, { lambda: true }).join()).toMatch(/KEYWARD_ADMIN_SECRET_ARN is required in Lambda/);
    expect(problemsOf({ KEYWARD_WEBHOOK_SECRET: "a-long-enough-webhook-secret" }, { receiverOnly: true })).toEqual([
      "KEYWARD_JANITOR_QUEUE_URL is required by the receiver Lambda",
    ]);
  });

  it("still reads the old KEYWARD_JANITOR_CREDENTIALS_ARN, with one deprecation line", () => {
    const warnings: string[] = [];
    const { KEYWARD_ADMIN_SECRET_ARN: _new, ...old } = base;
    const config = loadJanitorConfig({ ...old, KEYWARD_JANITOR_CREDENTIALS_ARN: ARN }, { warn: (l) => warnings.push(l) });
    expect(config.genesys).toEqual({ credentialsArn: ARN });
    expect(warnings).toEqual(["KEYWARD_JANITOR_CREDENTIALS_ARN is deprecated: use KEYWARD_ADMIN_SECRET_ARN (same value)"]);
  });

  it("validates at start: every webhook secret's length, a fallback channel whenever Slack is on, URLs in one spelling", () => {
    expect(problemsOf({ ...base, KEYWARD_WEBHOOK_SECRET_PREVIOUS: "abc" }).join()).toMatch(/KEYWARD_WEBHOOK_SECRET_PREVIOUS is too short/);
    expect(problemsOf({ ...base, SLACK_BOT_TOKEN: "xoxb-token-value" }).join()).toMatch(/KEYWARD_SLACK_FALLBACK_CHANNEL is required when Slack is on/);
    expect(
      problemsOf({ ...base, SLACK_BOT_TOKEN: "xoxb-token-value", KEYWARD_SLACK_FALLBACK_CHANNEL: "#soc", KEYWARD_SLACK_DM_DOMAINS: "acme.example, not a domain" }).join(),
    ).toMatch(/"not a domain" is not a domain name/);
    expect(loadJanitorConfig({ ...base, GITHUB_API_URL: "HTTPS://GHES.Acme.Example/api/v3/" }).github.apiUrl).toBe("https://ghes.acme.example/api/v3");
    expect(
      loadJanitorConfig({ ...base, SLACK_BOT_TOKEN: "xoxb-token-value", KEYWARD_SLACK_FALLBACK_CHANNEL: "#soc", KEYWARD_SLACK_DM_DOMAINS: "Acme.Example,@corp.example" }).slack
        ?.dmDomains,
    ).toEqual(["acme.example", "corp.example"]);
    expect(problemsOf({ ...base, KEYWARD_JANITOR_MAX_ATTEMPTS: "0", KEYWARD_GITHUB_MAX_RESPONSE_BYTES: "x" })).toHaveLength(2);
  });

  it("acts on keyward's own pattern names by default, and on the configured ones when set", () => {
    expect(loadJanitorConfig(base).secretTypes).toEqual(DEFAULT_GITHUB_SECRET_TYPES);
    expect(loadJanitorConfig({ ...base, KEYWARD_GITHUB_SECRET_TYPES: "genesys_oauth, My Genesys pattern" }).secretTypes).toEqual(["genesys_oauth", "My Genesys pattern"]);
    // Every name keyward exports as a GitHub custom pattern is acted on by default.
    for (const p of githubPatterns(loadRules())) expect(DEFAULT_GITHUB_SECRET_TYPES).toContain(p.name);
  });

  it("a missing or unreadable policy file is a problem, not a crash", () => {
    expect(problemsOf({ ...base, KEYWARD_POLICY_FILE: "/nonexistent/policy.json" })).toEqual([expect.stringMatching(/file not found/)]);
  });
});

describe("keyward janitor serve (a real process)", () => {
  it("exits 2 listing every configuration problem, printing no secret", async () => {
    const run = await runKeyward(["janitor", "serve"], {
      KEYWARD_WEBHOOK_SECRET_PREVIOUS: "previous-secret-value-xyz",
      GITHUB_TOKEN: "ghp_token_value_xyz",
      GITHUB_TOKEN_ARN: "arn:aws:secretsmanager:us-east-1:123456789012:secret:x",
    });
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
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        KEYWARD_WEBHOOK_SECRET: "a-long-enough-webhook-secret",
        GITHUB_TOKEN: "ghp_x",
        GENESYSCLOUD_OAUTHCLIENT_ID: "id",
        GENESYSCLOUD_OAUTHCLIENT_SECRET: "secret-value",
        GENESYSCLOUD_REGION: "us-east-1",
        AWS_REGION: "us-east-1",
      },
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
