import { CreateSecretCommand } from "@aws-sdk/client-secrets-manager";
import { randomBytes, randomUUID } from "node:crypto";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { serializeStoredCredentials } from "../../src/contracts/credential-document.js";
import { fingerprintOf } from "../../src/contracts/fingerprint.js";
import { encodedForms } from "../../src/decode/index.js";
import { BUILTIN_ROLES, startGenesysEmulator, type GenesysEmulator, type SeededClient } from "../../src/sandbox/genesys/index.js";
import { runKeyward } from "../helpers/keyward-cli.js";
import { useSandboxKit } from "../helpers/sandbox.js";

/**
 * `keyward audit-state` across several orgs (README "Several orgs"), as a real process: the sandbox is org `prod`
 * (credentials named by environment variables), a second emulated org in another region is `eu` (credentials read
 * from a credential document in the sandbox's Secrets Manager at run time). Verdicts name the org; the truth comes
 * from each emulator's secret check.
 */
const kit = useSandboxKit();
let eu: GenesysEmulator;
let euAdmin: SeededClient;
let dir: string;
let orgsFile: string;
const outputs: string[] = [];
const minted: Array<{ id: string; secret: string }> = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "keyward-orgs-"));
  eu = await startGenesysEmulator({ orgName: "eu org" });
  [euAdmin] = eu.control.seed({ clients: [{ name: "eu-admin", roleIds: [BUILTIN_ROLES.admin] }] }).clients as [SeededClient];
  minted.push(euAdmin);
  const arn = (
    await kit.sm.send(
      new CreateSecretCommand({
        Name: "keyward/orgs/eu-admin",
        SecretString: serializeStoredCredentials({
          clientId: euAdmin.id,
          clientSecret: euAdmin.secret,
          region: "eu-west-1",
          gateway: { host: "127.0.0.1", port: String(eu.port), protocol: "http" },
        }),
      }),
    )
  ).ARN!;
  orgsFile = join(dir, "orgs.yaml");
  await writeFile(
    orgsFile,
    [
      "orgs:",
      "  - name: prod",
      "    region: us-east-1",
      `    gateway: { host: 127.0.0.1, port: "${kit.sandbox.genesys.port}", protocol: http }`,
      "    credentials: { clientIdEnv: PROD_GENESYS_CLIENT_ID, clientSecretEnv: PROD_GENESYS_CLIENT_SECRET }",
      "  - name: eu",
      `    credentials: { secretArn: "${arn}" }`,
      "",
    ].join("\n"),
  );
});
afterAll(async () => {
  await eu.close();
  const haystack = outputs.join("\n");
  const forms = [...minted, { id: kit.sandbox.admin.id, secret: kit.sandbox.admin.secret }].flatMap((p) => encodedForms(p.secret, p.id));
  expect(forms.filter((f) => haystack.includes(f)).map((f) => `${f.slice(0, 4)}…`)).toEqual([]);
});

/** The environment of a pipeline that configures orgs by file: no GENESYSCLOUD_* variables at all. */
function env(extra: Record<string, string> = {}): Record<string, string> {
  const {
    GENESYSCLOUD_OAUTHCLIENT_ID: _i,
    GENESYSCLOUD_OAUTHCLIENT_SECRET: _s,
    GENESYSCLOUD_REGION: _r,
    GENESYSCLOUD_GATEWAY_HOST: _h,
    GENESYSCLOUD_GATEWAY_PORT: _p,
    GENESYSCLOUD_GATEWAY_PROTOCOL: _o,
    ...rest
  } = kit.env;
  return { ...rest, KEYWARD_ORGS_FILE: orgsFile, PROD_GENESYS_CLIENT_ID: kit.sandbox.admin.id, PROD_GENESYS_CLIENT_SECRET: kit.sandbox.admin.secret, ...extra };
}
async function audit(files: string[], environment = env()) {
  const res = await runKeyward(["audit-state", ...files, "--format", "json"], environment);
  outputs.push(res.stdout, res.stderr);
  return { code: res.code, stderr: res.stderr, report: res.stdout ? (JSON.parse(res.stdout) as { orgs: unknown[]; findings: Array<Record<string, unknown>> }) : undefined };
}
const oauth = (name: string, id: string, secret: string) => ({
  mode: "managed",
  type: "genesyscloud_oauth_client",
  name,
  provider: 'provider["registry.terraform.io/mypurecloud/genesyscloud"]',
  instances: [
    {
      schema_version: 0,
      attributes: { id, client_id: id, name, state: "active", authorized_grant_type: "CLIENT-CREDENTIALS", expose_client_secret: true, client_secret: secret },
      sensitive_attributes: [],
    },
  ],
});
async function state(resources: unknown[], outputsDoc: Record<string, unknown> = {}): Promise<string> {
  const path = join(dir, `${randomUUID().slice(0, 8)}.tfstate`);
  await writeFile(path, JSON.stringify({ version: 4, terraform_version: "1.11.4", serial: 1, lineage: randomUUID(), outputs: outputsDoc, resources, check_results: null }));
  return path;
}
const truth = async (emulator: "prod" | "eu", clientId: string, secret: string) =>
  emulator === "prod"
    ? ((await (await fetch(`${kit.env.KEYWARD_SANDBOX_CONTROL_URL}/genesys/secret-check`, { method: "POST", body: JSON.stringify({ clientId, secret }) })).json()) as {
        valid: boolean;
      })
    : ((await eu.handleControl("POST", "/secret-check", { clientId, secret })).body as { valid: boolean });

describe("keyward audit-state with several orgs (KEYWARD_ORGS_FILE)", () => {
  it("names the org a secret is live in, and proves a dead one in the org its client is active in", async () => {
    const [euClient] = eu.control.seed({ clients: [{ name: "eu-billing", roleIds: [BUILTIN_ROLES.readonly] }] }).clients as [SeededClient];
    minted.push(euClient);
    const prodClient = await kit.createClient("orgs-prod-billing");
    const prodOld = prodClient.secret;
    minted.push(prodClient, { id: prodClient.id, secret: (await kit.genesys().oauthClients.regenerateSecret(prodClient.id)).secret });
    expect(await truth("eu", euClient.id, euClient.secret)).toMatchObject({ valid: true });
    expect(await truth("prod", prodClient.id, prodOld)).toMatchObject({ valid: false });

    const run = await audit([await state([oauth("eu_billing", euClient.id, euClient.secret), oauth("prod_billing", prodClient.id, prodOld)])]);
    expect(run.code).toBe(1);
    expect(run.report!.orgs).toEqual([
      { name: "prod", region: "us-east-1", credentials: true },
      { name: "eu", region: "eu-west-1", credentials: true },
    ]);
    const byFingerprint = Object.fromEntries(run.report!.findings.map((f) => [f.fingerprint, f]));
    expect(byFingerprint[fingerprintOf(euClient.secret)]).toMatchObject({ verdict: "live", clientId: euClient.id, org: "eu" });
    expect(byFingerprint[fingerprintOf(prodOld)]).toMatchObject({ verdict: "dead", proof: "structural-refused-active", clientId: prodClient.id, org: "prod" });
  });

  it("proves an unpaired secret dead only when every org's every active client refused it; finds it live in any", async () => {
    const [euClient] = eu.control.seed({ clients: [{ name: "eu-unpaired", roleIds: [BUILTIN_ROLES.readonly] }] }).clients as [SeededClient];
    minted.push(euClient);
    expect(await truth("eu", euClient.id, euClient.secret)).toMatchObject({ valid: true });
    const live = await audit([await state([], { leaked: { value: euClient.secret, type: "string", sensitive: true } })]);
    expect(live.code).toBe(1);
    expect(live.report!.findings).toEqual([expect.objectContaining({ verdict: "live", clientId: euClient.id, org: "eu", provenance: "org" })]);

    const wrong = randomBytes(32).toString("base64url");
    minted.push({ id: euClient.id, secret: wrong });
    const dead = await audit([await state([], { leaked: { value: wrong, type: "string", sensitive: true } })]);
    expect(dead.code).toBe(0);
    expect(dead.report!.findings).toEqual([expect.objectContaining({ verdict: "dead", proof: "org-sweep", org: "prod,eu" })]);

    // Without the eu org's credentials, nothing can be proven there: not proven dead.
    await writeFile(
      join(dir, "prod-only-creds.yaml"),
      `orgs:\n  - name: prod\n    region: us-east-1\n    gateway: { host: 127.0.0.1, port: "${kit.sandbox.genesys.port}", protocol: http }\n    credentials: { clientIdEnv: PROD_GENESYS_CLIENT_ID, clientSecretEnv: PROD_GENESYS_CLIENT_SECRET }\n  - name: eu\n    region: eu-west-1\n    gateway: { host: 127.0.0.1, port: "${eu.port}", protocol: http }\n`,
    );
    const blind = await audit([await state([], { leaked: { value: wrong, type: "string", sensitive: true } })], env({ KEYWARD_ORGS_FILE: join(dir, "prod-only-creds.yaml") }));
    expect(blind.code).toBe(1);
    expect(blind.report!.findings).toEqual([expect.objectContaining({ verdict: "unknown", reason: "not-proven-dead" })]);
  });

  it("refuses an orgs file with a secret written into it, or naming a variable that is not set (exit 2)", async () => {
    const inline = join(dir, "inline.json");
    await writeFile(
      inline,
      JSON.stringify({ orgs: [{ name: "prod", region: "us-east-1", credentials: { clientId: kit.sandbox.admin.id, clientSecret: "written-into-the-file" } }] }),
    );
    const path = await state([oauth("b", randomUUID(), randomBytes(32).toString("base64url"))]);
    const a = await audit([path], env({ KEYWARD_ORGS_FILE: inline }));
    expect(a.code).toBe(2);
    expect(a.stderr).toMatch(/never write credentials into the orgs file/);
    const b = await audit([path], env({ PROD_GENESYS_CLIENT_SECRET: "" }));
    expect(b.code).toBe(2);
    expect(b.stderr).toMatch(/PROD_GENESYS_CLIENT_SECRET, which is not set/);
  });
});

describe("audit-state fails fast on input errors, before it asks for an org or credentials", () => {
  const bare = () => ({ KEYWARD_LOG_LEVEL: "warn" });
  it.each([
    ["a missing file", async () => join(dir, "missing.tfstate"), /cannot read .*missing\.tfstate: ENOENT/],
    ["a directory", async () => dir, /is a directory/],
    [
      "an unknown format",
      async () => {
        const p = join(dir, "unknown.json");
        await writeFile(p, '{"hello": "world"}');
        return p;
      },
      /unknown format/,
    ],
  ])("%s: exit 2 naming the input, with no org configured at all", async (_what, make, message) => {
    const res = await runKeyward(["audit-state", await make()], bare());
    outputs.push(res.stdout, res.stderr);
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(message);
    expect(res.stderr).not.toMatch(/GENESYSCLOUD_REGION|org is configured/);
  });

  it("a good input with no org configured is exit 2 naming what to set", async () => {
    const res = await runKeyward(["audit-state", await state([oauth("b", randomUUID(), randomBytes(32).toString("base64url"))])], bare());
    outputs.push(res.stdout, res.stderr);
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/No Genesys Cloud org is configured/);
    expect(res.stderr).toMatch(/KEYWARD_ORGS_FILE/);
  });
});
