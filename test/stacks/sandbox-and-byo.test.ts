// What applying the stacks with real Terraform showed the configuration must say (issue 19): the provider blocks
// must be pointable at the sandbox (`gateway`, `awsEndpoints`; a real config leaves both out), token validity is
// bounded as the API bounds it, and a client may bring its own Secrets Manager secret (`secretArn`), in which case
// the clients stack declares nothing of AWS.
import { join } from "node:path";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { synthStacks } from "../../stacks/app.js";
import { stateBackendSettings } from "../../stacks/backend.js";
import { parseStacksConfig, StacksConfigError, type KeywardStacksConfig } from "../../stacks/config.js";

const ROLE_ID = "8c5f0c2e-4a8b-4a5e-9d0a-3f3b2a1c9e7d";
const ARN = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:keyward/team/billing-AbC123";

function config(overrides: Record<string, unknown> = {}, client: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    genesysRegion: "us-east-1",
    awsRegion: "eu-west-1",
    scheduledRotation: false,
    clients: [{ name: "Billing Export", roles: [{ roleId: ROLE_ID }], ...client }],
    ...overrides,
  };
}

function issuesOf(raw: unknown): string[] {
  try {
    parseStacksConfig(raw, "test");
    return [];
  } catch (err) {
    if (err instanceof StacksConfigError) return [...err.issues];
    throw err;
  }
}

function synthClients(parsed: KeywardStacksConfig): {
  provider: Record<string, unknown>;
  terraform: { required_providers: Record<string, unknown> };
  resource: Record<string, Record<string, Record<string, unknown>>>;
  output: Record<string, { value: string }>;
} {
  const outdir = mkdtempSync(join(tmpdir(), "keyward-byo-"));
  try {
    return synthStacks({ config: parsed, backend: stateBackendSettings({}), outdir })["keyward-clients"]!.json as never;
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

describe("token validity", () => {
  it("accepts 300 to 172,800 seconds, the API's bounds, and refuses what only the provider's own check would pass", () => {
    expect(issuesOf(config({}, { accessTokenValiditySeconds: 172_800 }))).toEqual([]);
    expect(issuesOf(config({}, { accessTokenValiditySeconds: 300 }))).toEqual([]);
    const [issue] = issuesOf(config({}, { accessTokenValiditySeconds: 172_801 }));
    expect(issue).toMatch(/^\$\.clients\[0\]\.accessTokenValiditySeconds: expected an integer from 300 to 172800 \(48 h/);
    expect(issuesOf(config({}, { accessTokenValiditySeconds: 38_880_000 }))).toHaveLength(1);
  });
});

describe("awsEndpoints", () => {
  it("points the aws provider at the sandbox's emulator and, for an endpoint on this machine, skips STS and instance metadata", () => {
    const clients = synthClients(parseStacksConfig(config({ awsEndpoints: { secretsmanager: "http://127.0.0.1:4566" } }), "test"));
    expect(clients.provider.aws).toEqual([
      expect.objectContaining({
        region: "eu-west-1",
        endpoints: [{ secretsmanager: "http://127.0.0.1:4566" }],
        skip_credentials_validation: true,
        skip_requesting_account_id: true,
        skip_metadata_api_check: "true",
      }),
    ]);
  });

  it("leaves a remote https endpoint (e.g. a VPC endpoint) without the skip flags, and a real config without any", () => {
    const remote = synthClients(parseStacksConfig(config({ awsEndpoints: { secretsmanager: "https://vpce-1.secretsmanager.eu-west-1.vpce.amazonaws.com" } }), "test"));
    expect(remote.provider.aws).toEqual([expect.not.objectContaining({ skip_credentials_validation: true })]);
    const real = synthClients(parseStacksConfig(config(), "test"));
    expect(real.provider.aws).toEqual([expect.not.objectContaining({ endpoints: expect.anything() })]);
  });

  it("refuses unknown services, non-URLs and plain http to another machine", () => {
    expect(issuesOf(config({ awsEndpoints: { secretmanager: "http://127.0.0.1:1" } }))).toEqual([expect.stringMatching(/^\$\.awsEndpoints\.secretmanager: unknown key/)]);
    expect(issuesOf(config({ awsEndpoints: { secretsmanager: "localhost:4566" } }))).toEqual([expect.stringMatching(/must be an https URL/)]);
    expect(issuesOf(config({ awsEndpoints: { sts: "not a url" } }))).toEqual([expect.stringMatching(/is not a URL/)]);
    expect(issuesOf(config({ awsEndpoints: { secretsmanager: "http://10.0.0.5:4566" } }))).toEqual([expect.stringMatching(/plain http is allowed to this machine only/)]);
  });
});

describe("gateway", () => {
  it("declares the genesyscloud provider's gateway block when set (the sandbox), and none in a real config", () => {
    const sandbox = synthClients(parseStacksConfig(config({ gateway: { host: "127.0.0.1", port: 8600, protocol: "http" } }), "test"));
    expect(sandbox.provider.genesyscloud).toEqual([{ aws_region: "us-east-1", gateway: [{ host: "127.0.0.1", port: "8600", protocol: "http" }] }]);
    expect(synthClients(parseStacksConfig(config(), "test")).provider.genesyscloud).toEqual([{ aws_region: "us-east-1" }]);
  });
});

describe("bring-your-own secret (secretArn)", () => {
  it("rotates into the named secret: no container, the ARN in the rotate step, triggers and output", () => {
    const clients = synthClients(parseStacksConfig(config({ secretNamePrefix: "keyward/" }, { secretArn: ARN }), "test"));
    expect(clients.resource).not.toHaveProperty("aws_secretsmanager_secret");
    const [rotate] = Object.values(clients.resource.terraform_data!) as Array<{
      triggers_replace: Record<string, string>;
      provisioner: Array<{ "local-exec": { environment: Record<string, string> } }>;
    }>;
    expect(rotate!.triggers_replace.secret_arn).toBe(ARN);
    expect(rotate!.provisioner[0]!["local-exec"].environment.KEYWARD_SECRET_ARN).toBe(ARN);
    expect(clients.output["billing-export-secret-arn"]!.value).toBe(ARN);
  });

  it("needs no AWS provider when every client brings its own secret, and declares it as soon as one does not", () => {
    const all = synthClients(parseStacksConfig(config({}, { secretArn: ARN }), "test"));
    expect(all.provider).not.toHaveProperty("aws");
    expect(all.terraform.required_providers).not.toHaveProperty("aws");
    const mixed = parseStacksConfig(
      {
        ...config(),
        clients: [
          { name: "Billing Export", roles: [{ roleId: ROLE_ID }], secretArn: ARN },
          { name: "CRM Sync", roles: [{ roleId: ROLE_ID }] },
        ],
      },
      "test",
    );
    const clients = synthClients(mixed);
    expect(clients.provider).toHaveProperty("aws");
    expect(Object.keys(clients.resource.aws_secretsmanager_secret!)).toHaveLength(1);
  });

  it("takes the secret's name from the ARN; refuses a bad ARN, one outside secretNamePrefix, and secretName beside it", () => {
    expect(parseStacksConfig(config({}, { secretArn: ARN }), "test").clients[0]).toMatchObject({ secretArn: ARN, secretName: "keyward/team/billing" });
    expect(issuesOf(config({}, { secretArn: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:keyward/x" }))).toEqual([
      expect.stringMatching(/secretArn: .* is not a Secrets Manager secret ARN/),
    ]);
    expect(issuesOf(config({ secretNamePrefix: "prod/" }, { secretArn: ARN }))).toEqual([
      expect.stringMatching(/outside secretNamePrefix "prod\/".*keyward \(the janitor, keyward status\) counts only secrets under the prefix/),
    ]);
    expect(issuesOf(config({}, { secretArn: ARN, secretName: "keyward/other" }))).toEqual([expect.stringMatching(/give secretName .* or secretArn .*, not both/)]);
  });
});
