import { randomBytes, randomUUID } from "node:crypto";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli } from "../../src/cli/app.js";
import type { CliIo } from "../../src/cli/io.js";
import { fingerprintOf } from "../../src/contracts/fingerprint.js";
import { encodedForms } from "../../src/decode/index.js";
import type { OAuthClientWithSecret } from "../../src/genesys/index.js";
import { BUILTIN_ROLES } from "../../src/sandbox/genesys/index.js";
import { useSandboxKit } from "../helpers/sandbox.js";

/**
 * The acceptance corpus of `keyward audit-state` (issue 15): crafted states, plans and cdk.tf.json in the shapes
 * Terraform and cdktf write, one for every way a live secret was called dead or missed — pairing with the wrong
 * client id, places never read, encodings never decoded, "dead" without proof, a secret used as a map key. Each
 * holds a secret minted live in the sandbox; the truth about it comes from the emulator (`POST
 * /genesys/secret-check` on the sandbox's control API), never from keyward. For each: audit-state exits 1 and names
 * the place (redacted); a twin holding the client's previous (regenerated) secret in the same place exits 0 with
 * the secret proven dead. No output carries any minted secret in any encoding.
 */
const kit = useSandboxKit();
const outputs: string[] = [];
const pairs: Array<{ id: string; secret: string }> = [];
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "keyward-audit-corpus-"));
});
beforeEach(() => {
  // Proving a secret dead tries every client of the org: this corpus makes thousands of grants.
  kit.sandbox.genesys.control.setLimits({ tokenRequestsPerWindow: 1_000_000 });
});
afterAll(() => {
  const forms = pairs.flatMap((p) => encodedForms(p.secret, p.id));
  const haystack = outputs.join("\n");
  expect(forms.filter((f) => haystack.includes(f)).map((f) => `${f.slice(0, 4)}…`)).toEqual([]);
});

interface Report {
  findings: Array<{ location: string; how: string; verdict: string; clientId: string | null; org: string | null; fingerprint: string; reason?: string; proof?: string }>;
}

async function audit(files: string[], env: Record<string, string> = {}): Promise<{ code: number; report: Report; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const io: CliIo = { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), maskCommand: () => undefined, env: { ...kit.env, ...env }, stderrIsTty: false };
  const code = await runCli(["audit-state", ...files, "--format", "json"], io);
  outputs.push(stdout, stderr);
  let report: Report = { findings: [] };
  try {
    report = JSON.parse(stdout) as Report;
  } catch {
    throw new Error(`audit-state printed no JSON report (exit ${code}): ${stderr}`);
  }
  return { code, report, stdout, stderr };
}

async function file(name: string, doc: unknown): Promise<string> {
  const path = join(dir, `${randomUUID().slice(0, 8)}-${name}`);
  await writeFile(path, typeof doc === "string" ? doc : JSON.stringify(doc, null, 2));
  return path;
}

/** The emulator's answer about a pair. */
async function truth(clientId: string, secret: string): Promise<{ valid: boolean; matches: boolean; state: string }> {
  const res = await fetch(`${kit.env.KEYWARD_SANDBOX_CONTROL_URL}/genesys/secret-check`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ clientId, secret }),
  });
  return (await res.json()) as { valid: boolean; matches: boolean; state: string };
}

/**
 * A client whose current secret is live and whose previous one was regenerated away (the twin's dead secret). A
 * secret of a rare shape (no digit: about 1 in 1,400) is set through the control API's seed instead of waiting for
 * the regeneration to produce one.
 */
async function liveAndDead(name: string, accept?: (secret: string) => boolean): Promise<{ client: OAuthClientWithSecret; live: string; dead: string }> {
  const client = await kit.createClient(name);
  const dead = client.secret;
  let live = (await kit.genesys().oauthClients.regenerateSecret(client.id)).secret;
  if (accept) {
    do live = randomBytes(32).toString("base64url");
    while (!accept(live));
    kit.sandbox.genesys.control.seed({ clients: [{ id: client.id, name: client.name, secret: live, roleIds: [BUILTIN_ROLES.readonly] }] });
  }
  kit.minted.add(live);
  pairs.push({ id: client.id, secret: live }, { id: client.id, secret: dead });
  expect(await truth(client.id, live)).toEqual({ valid: true, matches: true, state: "active" });
  expect(await truth(client.id, dead)).toMatchObject({ valid: false, matches: false });
  return { client, live, dead };
}

const b64 = (text: string) => Buffer.from(text).toString("base64");
const PROVIDER = 'provider["registry.terraform.io/mypurecloud/genesyscloud"]';
const NULL_PROVIDER = 'provider["registry.terraform.io/hashicorp/null"]';

interface Instance {
  attributes: Record<string, unknown>;
  index_key?: string | number;
  private?: string;
}
function stateV4(resources: Array<{ type: string; name: string; instances: Instance[]; provider?: string; mode?: string }>, extra: Record<string, unknown> = {}) {
  return {
    version: 4,
    terraform_version: "1.11.4",
    serial: 3,
    lineage: randomUUID(),
    outputs: {},
    resources: resources.map((r) => ({
      mode: r.mode ?? "managed",
      type: r.type,
      name: r.name,
      provider: r.provider ?? (r.type.startsWith("genesyscloud_") ? PROVIDER : NULL_PROVIDER),
      instances: r.instances.map((i) => ({ schema_version: 0, ...i, sensitive_attributes: [], dependencies: [] })),
    })),
    check_results: null,
    ...extra,
  };
}
const one = (type: string, name: string, attributes: Record<string, unknown>, more: Partial<Instance> = {}) => ({ type, name, instances: [{ attributes, ...more }] });
function oauthClient(id: string, secret: string, state = "active") {
  return {
    id,
    client_id: id,
    name: "Billing Export",
    description: "",
    authorized_grant_type: "CLIENT-CREDENTIALS",
    access_token_validity_seconds: 86400,
    state,
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
function showPlan(extra: Record<string, unknown>) {
  return {
    format_version: "1.2",
    terraform_version: "1.11.4",
    planned_values: { root_module: {} },
    resource_changes: [],
    prior_state: { format_version: "1.0", terraform_version: "1.11.4", values: { root_module: {} } },
    configuration: { provider_config: {}, root_module: {} },
    ...extra,
  };
}
function cdktf(extra: Record<string, unknown>) {
  return {
    "//": { metadata: { version: "0.21.0", stackName: "keyward-clients", backend: "local" } },
    terraform: { required_providers: { genesyscloud: { source: "mypurecloud/genesyscloud", version: "1.84.1" } } },
    ...extra,
  };
}

/** One corpus case: the input files for a secret, and where audit-state must say it sits. */
interface Case {
  name: string;
  place: RegExp;
  build(secret: string, clientId: string): Promise<string[]>;
  accept?: (secret: string) => boolean;
}

const cases: Case[] = [
  // 1. Pairing with the wrong client id.
  {
    name: "a terraform_data whose own id is the only UUID near the secret",
    place: /^terraform_data\.rotate\.input\.value$/,
    build: async (s) => [
      await file(
        "td.tfstate",
        stateV4([one("terraform_data", "rotate", { id: randomUUID(), input: { value: s, type: "string" }, output: { value: s, type: "string" }, triggers_replace: null })]),
      ),
    ],
  },
  {
    name: "an aws_secretsmanager_secret_version with its id and version_id",
    place: /^aws_secretsmanager_secret_version\.creds\.secret_string$/,
    build: async (s) => [
      await file(
        "sv.tfstate",
        stateV4([
          {
            ...one("aws_secretsmanager_secret_version", "creds", {
              id: `arn:aws:secretsmanager:us-east-1:123456789012:secret:keyward/crm-AbCdEf|${randomUUID()}`,
              version_id: randomUUID(),
              secret_id: "arn:aws:secretsmanager:us-east-1:123456789012:secret:keyward/crm-AbCdEf",
              secret_string: s,
              version_stages: ["AWSCURRENT"],
            }),
            provider: 'provider["registry.terraform.io/hashicorp/aws"]',
          },
        ]),
      ),
    ],
  },
  {
    name: "a division_id within five lines in cdk.tf",
    place: /^line 9$/,
    build: async (s) => [
      await file(
        "cdk.tf",
        `resource "genesyscloud_routing_queue" "support" {\n  name        = "Support"\n  division_id = "${randomUUID()}"\n}\n\nresource "null_resource" "sync" {\n  triggers = {\n    queue = genesyscloud_routing_queue.support.id\n    token = "${s}"\n  }\n}\n`,
      ),
    ],
  },
  {
    name: "org_id, division and queue ids nearer the secret than client_id in a config file",
    place: /^local_file\.genesys_config\.content$/,
    build: async (s, id) => [
      await file(
        "cdk.tf.json",
        cdktf({
          resource: {
            local_file: {
              genesys_config: {
                filename: "config/genesys.yaml",
                content: `genesys:\n  client_id: ${id}\n  region: us-east-1\n  environment: production\n  retries: 3\n  timeout_seconds: 30\n  log_level: info\n  org_id: ${randomUUID()}\n  division_id: ${randomUUID()}\n  queue_id: ${randomUUID()}\n  client_secret: ${s}\n`,
              },
            },
          },
        }),
      ),
    ],
  },
  {
    name: "an integration credential's own id (fields.clientSecret)",
    place: /^genesyscloud_integration_credential\.crm\.fields\.clientSecret$/,
    build: async (s) => [
      await file(
        "ic.tfstate",
        stateV4([one("genesyscloud_integration_credential", "crm", { id: randomUUID(), name: "CRM", credential_type_name: "pureCloudOAuthClient", fields: { clientSecret: s } })]),
      ),
    ],
  },
  {
    name: "another resource's client id in the same state",
    place: /^null_resource\.sync\.triggers\.secret$/,
    build: async (s) => {
      const other = await kit.createClient("corpus-other");
      return [
        await file(
          "other.tfstate",
          stateV4([
            one("genesyscloud_oauth_client", "other", oauthClient(other.id, "")),
            one("null_resource", "sync", { id: "8123", triggers: { client_id: other.id, secret: s } }),
          ]),
        ),
      ];
    },
  },
  {
    name: "a UUID from another input file of the same run",
    place: /^outputs\.crm_secret\.value$/,
    build: async (s) => [
      await file("a.tfstate", stateV4([], { outputs: { crm_secret: { value: s, type: "string", sensitive: true } } })),
      await file("b.tfstate", stateV4([one("null_resource", "noise", { id: randomUUID(), triggers: { owner: randomUUID() } })])),
    ],
  },
  // 2. Places audit-state never read.
  {
    name: "a state's check_results failure_messages",
    place: /^check check\.token_health \(check\.token_health\)\.failure_messages\[0\]$/,
    build: async (s) => [
      await file(
        "cr.tfstate",
        stateV4([], {
          check_results: [
            {
              object_kind: "check",
              config_addr: "check.token_health",
              status: "fail",
              objects: [{ object_addr: "check.token_health", status: "fail", failure_messages: [`token request for client_secret ${s} returned 503`] }],
            },
          ],
        }),
      ),
    ],
  },
  {
    name: "an instance's base64 private",
    place: /^null_resource\.sync \(private\)/,
    build: async (s) => [
      await file(
        "pv.tfstate",
        stateV4([
          one(
            "null_resource",
            "sync",
            { id: "42", triggers: null },
            { private: b64(JSON.stringify({ "e2bfb730-ecaa-11e6-8f88-34363bc7c4c0": { create: 600000000000 }, schema_version: "1", token: s })) },
          ),
        ]),
      ),
    ],
  },
  {
    name: "a plan's provider configuration (expressions.*.constant_value)",
    place: /^configuration\.provider_config\.genesyscloud\.expressions\.oauthclient_secret\.constant_value$/,
    build: async (s, id) => [
      await file(
        "pc.json",
        showPlan({
          configuration: {
            provider_config: {
              genesyscloud: {
                name: "genesyscloud",
                full_name: "registry.terraform.io/mypurecloud/genesyscloud",
                version_constraint: "1.84.1",
                expressions: { aws_region: { constant_value: "us-east-1" }, oauthclient_id: { constant_value: id }, oauthclient_secret: { constant_value: s } },
              },
            },
            root_module: {},
          },
        }),
      ),
    ],
  },
  {
    name: "a plan's provisioner command literal",
    place: /^configuration\.root_module\.resources\[0\]\.provisioners\[0\]\.expressions\.command\.constant_value$/,
    build: async (s, id) => [
      await file(
        "pp.json",
        showPlan({
          configuration: {
            provider_config: {},
            root_module: {
              resources: [
                {
                  address: "terraform_data.rotate",
                  mode: "managed",
                  type: "terraform_data",
                  name: "rotate",
                  provider_config_key: "terraform",
                  provisioners: [
                    {
                      type: "local-exec",
                      expressions: { command: { constant_value: `curl -s -u ${id}:${s} -d grant_type=client_credentials https://login.mypurecloud.com/oauth/token` } },
                    },
                  ],
                  schema_version: 0,
                },
              ],
            },
          },
        }),
      ),
    ],
  },
  {
    name: "a plan's resource_drift before",
    place: /^null_resource\.sync \(drift before\)\.triggers\.secret$/,
    build: async (s) => [
      await file(
        "rd.json",
        showPlan({
          resource_drift: [
            {
              address: "null_resource.sync",
              mode: "managed",
              type: "null_resource",
              name: "sync",
              provider_name: "registry.terraform.io/hashicorp/null",
              change: {
                actions: ["update"],
                before: { id: "7", triggers: { secret: s } },
                after: { id: "7", triggers: { secret: "rotated" } },
                after_unknown: {},
                before_sensitive: {},
                after_sensitive: {},
              },
            },
          ],
        }),
      ),
    ],
  },
  {
    name: "checks[].instances[].problems[].message of a show -json",
    place: /^check check\.token_health\.instances\[0\]\.problems\[0\]\.message$/,
    build: async (s) => [
      await file("ck.json", {
        format_version: "1.0",
        terraform_version: "1.11.4",
        values: { root_module: {} },
        checks: [
          {
            address: { kind: "check", name: "token_health", to_display: "check.token_health" },
            status: "fail",
            instances: [{ address: { to_display: "check.token_health" }, status: "fail", problems: [{ message: `grant with secret ${s} failed` }] }],
          },
        ],
      }),
    ],
  },
  {
    name: "a cdk.tf.json module input",
    place: /^module\.crm\.client_secret$/,
    build: async (s) => [await file("mod.tf.json", cdktf({ module: { crm: { source: "./modules/crm", client_secret: s } } }))],
  },
  {
    name: "a cdk.tf.json data block",
    place: /^data\.external\.token\.query\.secret$/,
    build: async (s) => [await file("data.tf.json", cdktf({ data: { external: { token: { program: ["./token.sh"], query: { secret: s } } } } }))],
  },
  {
    name: "a cdk.tf.json terraform backend block",
    place: /^terraform\.backend\.http\.password$/,
    build: async (s, id) => [await file("be.tf.json", cdktf({ terraform: { backend: { http: { address: "https://state.example.com/keyward", username: id, password: s } } } }))],
  },
  {
    name: "a cdk.tf.json check block",
    place: /^check\.token_health\.assert\[0\]\.error_message$/,
    build: async (s) => [await file("ck.tf.json", cdktf({ check: { token_health: { assert: [{ condition: "${true}", error_message: `token for secret ${s} failed` }] } } }))],
  },
  // 5. A secret used as a map key (and index_key): found, and never printed in any location.
  {
    name: "a secret as a state instance's index_key",
    place: /^null_resource\.per_client\["‹secret kwf1_[0-9a-f]{16}›"\] \(index_key\)$/,
    build: async (s) => [
      await file(
        "ik.tfstate",
        stateV4([
          {
            type: "null_resource",
            name: "per_client",
            instances: [
              { index_key: s, attributes: { id: "9", triggers: { rotated: "yes" } } },
              { index_key: "other", attributes: { id: "10", triggers: null } },
            ],
          },
        ]),
      ),
    ],
  },
  {
    name: "a secret as a map key in cdk.tf.json",
    place: /^null_resource\.keys\.triggers(\.‹secret kwf1_[0-9a-f]{16}›|\["‹secret kwf1_[0-9a-f]{16}›"\])$/,
    build: async (s) => [await file("mk.tf.json", cdktf({ resource: { null_resource: { keys: { triggers: { [s]: "rotate" } } } } }))],
  },
  // 3. Encodings.
  {
    name: "base64 user_data",
    place: /^aws_instance\.bastion\.user_data_base64$/,
    build: async (s, id) => [
      await file(
        "ud.tfstate",
        stateV4([
          {
            ...one("aws_instance", "bastion", {
              id: "i-0a1b2c3d4e5f60718",
              ami: "ami-0abcdef1234567890",
              user_data_base64: b64(
                `#!/bin/bash\nexport GENESYSCLOUD_REGION=us-east-1\nexport GENESYSCLOUD_OAUTHCLIENT_ID=${id}\nexport GENESYSCLOUD_OAUTHCLIENT_SECRET=${s}\n/opt/sync/run\n`,
              ),
            }),
            provider: 'provider["registry.terraform.io/hashicorp/aws"]',
          },
        ]),
      ),
    ],
  },
  {
    name: "a Kubernetes Secret's base64 data",
    place: /^kubernetes_manifest\.genesys\.manifest\.data\.GENESYS_CLIENT_SECRET$/,
    build: async (s, id) => [
      await file(
        "k8s.tfstate",
        stateV4([
          {
            ...one("kubernetes_manifest", "genesys", {
              manifest: {
                apiVersion: "v1",
                kind: "Secret",
                metadata: { name: "genesys", namespace: "crm" },
                type: "Opaque",
                data: { GENESYS_CLIENT_ID: b64(id), GENESYS_CLIENT_SECRET: b64(s) },
              },
            }),
            provider: 'provider["registry.terraform.io/hashicorp/kubernetes"]',
          },
        ]),
      ),
    ],
  },
  {
    name: "base64 of a JSON credential document",
    place: /^outputs\.crm_credentials\.value \(json\)\.clientSecret$/,
    build: async (s, id) => [
      await file(
        "bj.tfstate",
        stateV4([], { outputs: { crm_credentials: { value: b64(JSON.stringify({ clientId: id, clientSecret: s, region: "us-east-1" })), type: "string", sensitive: true } } }),
      ),
    ],
  },
  {
    name: "URL-encoded JSON inside a URL",
    place: /^terraform_data\.notify\.input$/,
    build: async (s, id) => [
      await file(
        "uj.tfstate",
        stateV4([
          one("terraform_data", "notify", {
            id: randomUUID(),
            input: `https://hooks.example.com/deploy?payload=${encodeURIComponent(JSON.stringify({ client_id: id, client_secret: s }))}`,
            output: null,
          }),
        ]),
      ),
    ],
  },
  {
    name: "a Basic header without = padding",
    place: /^null_resource\.probe\.triggers\.auth$/,
    build: async (s, id) => [await file("bp.tfstate", stateV4([one("null_resource", "probe", { id: "5", triggers: { auth: `Basic ${b64(`${id}:${s}`).replace(/=+$/, "")}` } })]))],
  },
  {
    name: "a Basic header in base64url",
    place: /^null_resource\.probe\.triggers\.auth$/,
    build: async (s, id) => [
      await file("bu.tfstate", stateV4([one("null_resource", "probe", { id: "5", triggers: { auth: `Basic ${Buffer.from(`${id}:${s}`).toString("base64url")}` } })])),
    ],
  },
  {
    name: "a Basic header whose secret has no digit",
    place: /^null_resource\.probe\.triggers\.auth$/,
    accept: (s) => !/[0-9]/.test(s),
    build: async (s, id) => [await file("bd.tfstate", stateV4([one("null_resource", "probe", { id: "5", triggers: { auth: `Basic ${b64(`${id}:${s}`)}` } })]))],
  },
];

describe("keyward audit-state on the acceptance corpus", () => {
  it.each(cases.map((c) => [c.name, c] as const))("%s: exit 1 naming the place with the live secret, exit 0 for its dead twin", async (_name, c) => {
    const { client, live, dead } = await liveAndDead(`corpus-${c.name.slice(0, 40)}`, c.accept);
    const run = await audit(await c.build(live, client.id));
    const mine = run.report.findings.filter((f) => f.fingerprint === fingerprintOf(live));
    expect(run.code).toBe(1);
    expect(mine.length).toBeGreaterThan(0);
    expect(mine.map((f) => f.location)).toContainEqual(expect.stringMatching(c.place));
    for (const f of mine) expect(f).toMatchObject({ verdict: "live", clientId: client.id, org: "default" });

    const twin = await audit(await c.build(dead, client.id));
    const ghost = twin.report.findings.filter((f) => f.fingerprint === fingerprintOf(dead));
    expect(ghost.map((f) => f.location)).toContainEqual(expect.stringMatching(c.place));
    expect(ghost.every((f) => f.verdict === "dead")).toBe(true);
    expect({ code: twin.code, unproven: twin.report.findings.filter((f) => f.verdict !== "dead") }).toEqual({ code: 0, unproven: [] });
  });

  it("a newcomer's state: client A's dead secret, B's live one in a sensitive output, B's id in a null_resource trigger", async () => {
    const a = await liveAndDead("corpus-newcomer-a");
    const b = await liveAndDead("corpus-newcomer-b");
    const build = (bSecret: string) =>
      file(
        "newcomer.tfstate",
        stateV4([one("genesyscloud_oauth_client", "a", oauthClient(a.client.id, a.dead)), one("null_resource", "b_rotation", { id: "77", triggers: { client_id: b.client.id } })], {
          outputs: { b_secret: { value: bSecret, type: "string", sensitive: true } },
        }),
      );
    const run = await audit([await build(b.live)]);
    expect(run.code).toBe(1);
    const byFingerprint = Object.fromEntries(run.report.findings.map((f) => [f.fingerprint, f]));
    expect(byFingerprint[fingerprintOf(a.dead)]).toMatchObject({
      verdict: "dead",
      proof: "structural-refused-active",
      clientId: a.client.id,
      location: "genesyscloud_oauth_client.a.client_secret",
    });
    expect(byFingerprint[fingerprintOf(b.live)]).toMatchObject({ verdict: "live", clientId: b.client.id, location: "outputs.b_secret.value" });
    const twin = await audit([await build(b.dead)]);
    expect(twin.code).toBe(0);
  });

  it("an inactive client's secret is not proven dead (it works again after PUT state=active); exposure off is clean", async () => {
    const { client, live } = await liveAndDead("corpus-inactive");
    const admin = kit.genesys();
    await admin.oauthClients.setState(client.id, "inactive");
    try {
      expect(await truth(client.id, live)).toEqual({ valid: false, matches: true, state: "inactive" });
      const state = (secret: string) => file("inactive.tfstate", stateV4([one("genesyscloud_oauth_client", "dormant", oauthClient(client.id, secret, "inactive"))]));
      const run = await audit([await state(live)]);
      expect(run.code).toBe(1);
      expect(run.report.findings).toEqual([
        expect.objectContaining({ verdict: "unknown", reason: "client-not-active", clientId: client.id, location: "genesyscloud_oauth_client.dormant.client_secret" }),
      ]);
      expect((await audit([await state("")])).code).toBe(0);
      await admin.oauthClients.setState(client.id, "active");
      expect(await truth(client.id, live)).toMatchObject({ valid: true });
      expect((await audit([await state(live)])).report.findings).toEqual([expect.objectContaining({ verdict: "live", clientId: client.id })]);
    } finally {
      await admin.oauthClients.setState(client.id, "active");
    }
  });

  it("a secret checked against another region's org than the one the input names is unknown, with that reason", async () => {
    const { client, dead } = await liveAndDead("corpus-region");
    const stack = (region: string) =>
      file(
        "region.tf.json",
        cdktf({ provider: { genesyscloud: [{ aws_region: region }] }, resource: { genesyscloud_oauth_client: { billing: { ...oauthClient(client.id, dead), id: client.id } } } }),
      );
    const run = await audit([await stack("eu-west-1")]);
    expect(run.code).toBe(1);
    expect(run.report.findings).toEqual([expect.objectContaining({ verdict: "unknown", reason: "region-mismatch" })]);
    expect(run.stdout).toContain("eu-west-1");
    expect((await audit([await stack("us-east-1")])).code).toBe(0);
  });

  it("one invalid_client answer is re-checked before it counts", async () => {
    const { client, live, dead } = await liveAndDead("corpus-recheck");
    const state = (secret: string) => file("recheck.tfstate", stateV4([one("genesyscloud_oauth_client", "billing", oauthClient(client.id, secret))]));
    kit.sandbox.genesys.control.addFault({ route: "POST /oauth/token", errorRate: 1, errorStatus: 401, times: 1 });
    const run = await audit([await state(live)]);
    expect(run.code).toBe(1);
    expect(run.report.findings).toEqual([expect.objectContaining({ verdict: "live", clientId: client.id })]);
    expect((await audit([await state(dead)])).code).toBe(0);
  });

  it("without org credentials, a refused secret is not proven dead (exit 1), not even a structural pair", async () => {
    const { client, dead } = await liveAndDead("corpus-blind");
    const path = await file("blind.tfstate", stateV4([one("genesyscloud_oauth_client", "billing", oauthClient(client.id, dead))]));
    const run = await audit([path], { GENESYSCLOUD_OAUTHCLIENT_ID: "", GENESYSCLOUD_OAUTHCLIENT_SECRET: "" });
    expect(run.code).toBe(1);
    expect(run.report.findings).toEqual([expect.objectContaining({ verdict: "unknown", reason: "not-proven-dead" })]);
  });
});
