import { spawn } from "node:child_process";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes, randomUUID } from "node:crypto";
import { runCli } from "../../src/cli/app.js";
import type { CliIo } from "../../src/cli/io.js";
import { KEYWARD_BIN, leakedSecrets } from "../helpers/keyward-cli.js";
import { useSandboxKit } from "../helpers/sandbox.js";
import { rotateClient } from "../../src/rotation/rotate-client.js";

/**
 * `keyward audit-state` over the shapes Terraform really writes, with secrets the sandbox minted: live ones must fail
 * the audit (exit 1), dead ones are listed (exit 0), and no output carries a secret.
 */
const kit = useSandboxKit();
const outputs: string[] = [];
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "keyward-audit-"));
});
afterAll(() => {
  expect(leakedSecrets(outputs, kit.minted)).toEqual([]);
});

async function audit(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const io: CliIo = { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), maskCommand: () => undefined, env: { ...kit.env }, stderrIsTty: false };
  const code = await runCli(["audit-state", ...args], io);
  outputs.push(stdout, stderr);
  return { code, stdout, stderr };
}
async function file(name: string, doc: unknown): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, typeof doc === "string" ? doc : JSON.stringify(doc, null, 2));
  return path;
}

const PROVIDER = 'provider["registry.terraform.io/mypurecloud/genesyscloud"]';
function oauthAttributes(id: string, secret: string) {
  return {
    id,
    name: "Billing Export",
    description: "",
    authorized_grant_type: "CLIENT-CREDENTIALS",
    access_token_validity_seconds: 86400,
    state: "active",
    roles: [],
    scopes: [],
    registered_redirect_uris: [],
    expose_client_secret: secret !== "",
    client_secret: secret,
    directory_client_secret: null,
    integration_credential_id: null,
    integration_credential_name: null,
  };
}
/** A state v4 document as `terraform state pull` prints it. */
function stateV4(resources: Array<{ type: string; name: string; attributes: Record<string, unknown>; provider?: string }>, outputs: Record<string, unknown> = {}) {
  return {
    version: 4,
    terraform_version: "1.11.4",
    serial: 7,
    lineage: randomUUID(),
    outputs,
    resources: resources.map((r) => ({
      mode: "managed",
      type: r.type,
      name: r.name,
      provider: r.provider ?? PROVIDER,
      instances: [
        {
          schema_version: 0,
          attributes: r.attributes,
          sensitive_attributes: r.type === "genesyscloud_oauth_client" ? [[{ type: "get_attr", value: "client_secret" }]] : [],
          dependencies: [],
        },
      ],
    })),
    check_results: null,
  };
}
/** `terraform show -json` of a state. */
function showState(id: string, secret: string) {
  return {
    format_version: "1.0",
    terraform_version: "1.11.4",
    values: {
      root_module: {
        resources: [
          {
            address: "genesyscloud_oauth_client.billing",
            mode: "managed",
            type: "genesyscloud_oauth_client",
            name: "billing",
            provider_name: "registry.terraform.io/mypurecloud/genesyscloud",
            schema_version: 0,
            values: oauthAttributes(id, secret),
            sensitive_values: { client_secret: true, roles: [], scopes: [], registered_redirect_uris: [] },
          },
        ],
      },
    },
  };
}
/** `terraform show -json plan.tfplan`: the secret sits in the prior state and in the change's `before`. */
function showPlan(id: string, secret: string) {
  const before = oauthAttributes(id, secret);
  return {
    format_version: "1.2",
    terraform_version: "1.11.4",
    planned_values: {
      root_module: {
        resources: [
          {
            address: "genesyscloud_oauth_client.billing",
            mode: "managed",
            type: "genesyscloud_oauth_client",
            name: "billing",
            values: { ...before, description: "changed" },
            sensitive_values: { client_secret: true },
          },
        ],
      },
    },
    resource_changes: [
      {
        address: "genesyscloud_oauth_client.billing",
        mode: "managed",
        type: "genesyscloud_oauth_client",
        name: "billing",
        change: {
          actions: ["update"],
          before,
          after: { ...before, description: "changed" },
          after_unknown: {},
          before_sensitive: { client_secret: true },
          after_sensitive: { client_secret: true },
        },
      },
    ],
    prior_state: { format_version: "1.0", terraform_version: "1.11.4", values: { root_module: { resources: [] } } },
    configuration: { provider_config: {}, root_module: {} },
  };
}

describe("keyward audit-state", () => {
  it("fails (exit 1) on a state whose oauth client holds its live creation-time secret, naming where, never what", async () => {
    const client = await kit.createClient("audit-live");
    const path = await file("live.tfstate", stateV4([{ type: "genesyscloud_oauth_client", name: "billing", attributes: oauthAttributes(client.id, client.secret) }]));
    const run = await audit([path]);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/LIVE\s+.*live\.tfstate: genesyscloud_oauth_client\.billing\.client_secret \[client_secret attribute\] client [0-9a-f-]{36}/);
    expect(run.stdout).toMatch(/1 LIVE secret\(s\) in the input/);
  });

  it("passes (exit 0) and lists the secret as dead once keyward rotate has regenerated it", async () => {
    const client = await kit.createClient("audit-dead");
    await rotateClient({ clientId: client.id, secretId: "audit/dead" }, kit.deps(), { createSecret: true });
    const path = await file("dead.tfstate", stateV4([{ type: "genesyscloud_oauth_client", name: "billing", attributes: oauthAttributes(client.id, client.secret) }]));
    const run = await audit([path, "--json"]);
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as { schema: string; findings: Array<Record<string, unknown>> };
    expect(report.schema).toBe("keyward.audit-state/v2");
    expect(report.findings).toEqual([
      expect.objectContaining({
        verdict: "dead",
        clientId: client.id,
        location: "genesyscloud_oauth_client.billing.client_secret",
        fingerprint: expect.stringMatching(/^kwf1_[0-9a-f]{16}$/),
      }),
    ]);
  });

  it("passes (exit 0) on a clean state: exposure off, client_secret empty", async () => {
    const client = await kit.createClient("audit-clean");
    const path = await file("clean.tfstate", stateV4([{ type: "genesyscloud_oauth_client", name: "billing", attributes: oauthAttributes(client.id, "") }]));
    const run = await audit([path]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/no Genesys client secret found/);
  });

  it("reads `terraform show -json` of a state and of a saved plan (plans carry values too)", async () => {
    const client = await kit.createClient("audit-show");
    const state = await audit([await file("show-state.json", showState(client.id, client.secret))]);
    expect(state.code).toBe(1);
    expect(state.stdout).toMatch(/show-json-state/);
    const plan = await audit([await file("show-plan.json", showPlan(client.id, client.secret)), "--json"]);
    expect(plan.code).toBe(1);
    const report = JSON.parse(plan.stdout) as { inputs: Array<{ format: string }>; findings: Array<{ location: string; verdict: string }> };
    expect(report.inputs[0]!.format).toBe("show-json-plan");
    expect(report.findings.map((f) => f.location)).toEqual(expect.arrayContaining(["genesyscloud_oauth_client.billing (before).client_secret"]));
    expect(report.findings.every((f) => f.verdict === "live")).toBe(true);
  });

  it("finds a secret in an output and in a null_resource trigger, paired with the client id beside it", async () => {
    const client = await kit.createClient("audit-elsewhere");
    const state = stateV4(
      [
        { type: "genesyscloud_oauth_client", name: "billing", attributes: oauthAttributes(client.id, "") },
        {
          type: "null_resource",
          name: "rotate",
          provider: 'provider["registry.terraform.io/hashicorp/null"]',
          attributes: { id: "123", triggers: { client_id: client.id, leaked: client.secret } },
        },
      ],
      { billing_secret: { value: client.secret, type: "string", sensitive: true } },
    );
    const run = await audit([await file("elsewhere.tfstate", state), "--json"]);
    expect(run.code).toBe(1);
    const findings = (JSON.parse(run.stdout) as { findings: Array<{ location: string; verdict: string; clientId: string }> }).findings;
    expect(findings.map((f) => f.location).sort()).toEqual(["null_resource.rotate.triggers.leaked", "outputs.billing_secret.value"]);
    expect(findings.every((f) => f.verdict === "live" && f.clientId === client.id)).toBe(true);
  });

  it("reads cdktf's cdk.tf.json and cdk.tf", async () => {
    const client = await kit.createClient("audit-cdktf");
    const json = {
      "//": { metadata: { backend: "local" } },
      resource: { null_resource: { rotate: { triggers: { clientId: client.id, oops: client.secret } } } },
      terraform: { required_providers: {} },
    };
    expect((await audit([await file("cdk.tf.json", json)])).code).toBe(1);
    const hcl = `resource "null_resource" "rotate" {\n  triggers = {\n    client_id = "${client.id}"\n    oops = "${client.secret}"\n  }\n}\n`;
    const run = await audit([await file("cdk.tf", hcl)]);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/cdk\.tf \(hcl, 1 resources\)/);
  });

  it("lists candidates without contacting Genesys Cloud under --no-verify", async () => {
    const client = await kit.createClient("audit-no-verify");
    const before = kit.sandbox.genesys.control.state().requests["POST /oauth/token"]?.["200"] ?? 0;
    const run = await audit([
      await file("nv.tfstate", stateV4([{ type: "genesyscloud_oauth_client", name: "b", attributes: oauthAttributes(client.id, client.secret) }])),
      "--no-verify",
    ]);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/UNVERIFIED/);
    expect(kit.sandbox.genesys.control.state().requests["POST /oauth/token"]?.["200"] ?? 0).toBe(before);
  });

  it("calls an unknown verdict unknown, never dead, when the token endpoint fails", async () => {
    const client = await kit.createClient("audit-unknown");
    kit.sandbox.genesys.control.addFault({ route: "POST /oauth/token", errorRate: 1, errorStatus: 503 });
    const run = await audit([await file("unknown.tfstate", stateV4([{ type: "genesyscloud_oauth_client", name: "b", attributes: oauthAttributes(client.id, client.secret) }]))]);
    kit.sandbox.genesys.control.clearFaults();
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/UNKNOWN/);
    expect(run.stdout).toMatch(/could not be proven dead/);
  });

  it.each([
    ["malformed JSON", '{"version": 4, "resources": [', /is not valid JSON/],
    ["an unknown JSON document", '{"hello": "world"}', /unknown format/],
    ["an old state version", '{"version": 3, "resources": []}', /state of version 3/],
    ["plain text", "just some words\n", /neither JSON nor Terraform HCL/],
  ])("exits 2 with the fix on %s", async (_what, content, message) => {
    const run = await audit([await file(`bad-${randomUUID()}.json`, content)]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stderr).toMatch(/fix: /);
  });

  it("exits 2 for a document nested deeper than any Terraform writes, instead of reading part of it", async () => {
    let deep: unknown = "x";
    for (let i = 0; i < 400; i++) deep = { a: deep };
    const run = await audit([await file("deep.tf.json", { resource: { null_resource: { r: { triggers: deep } } } })]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/nests deeper than 256 levels/);
  });

  it("exits 2 for a missing file and for no file at all", async () => {
    expect((await audit([join(dir, "nope.tfstate")])).code).toBe(2);
    expect((await audit([])).code).toBe(2);
  });

  it("reads a huge state (10,000 resources) from standard input in a real process", async () => {
    const client = await kit.createClient("audit-huge");
    const resources = Array.from({ length: 10_000 }, (_, i) =>
      i === 7777
        ? { type: "genesyscloud_oauth_client", name: `c${i}`, attributes: oauthAttributes(client.id, client.secret) }
        : {
            type: "null_resource",
            name: `r${i}`,
            provider: 'provider["registry.terraform.io/hashicorp/null"]',
            attributes: { id: String(i), triggers: { epoch: String(i), noise: randomBytes(24).toString("hex") } },
          },
    );
    const text = JSON.stringify(stateV4(resources));
    const child = spawn(process.execPath, ["--", KEYWARD_BIN, "audit-state", "-", "--json"], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...kit.env },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.stdin.end(text);
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    outputs.push(stdout, stderr);
    expect(code).toBe(1);
    const report = JSON.parse(stdout) as { inputs: Array<{ resources: number }>; findings: Array<{ location: string; verdict: string }> };
    expect(report.inputs[0]!.resources).toBe(10_000);
    expect(report.findings).toEqual([expect.objectContaining({ location: "genesyscloud_oauth_client.c7777.client_secret", verdict: "live" })]);
  });
});
