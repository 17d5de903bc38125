import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadStacksConfig, loadStacksConfigFile, parseStacksConfig, readCdktfJsonContext, StacksConfigError, STACKS_CONFIG_ENV } from "../../stacks/config.js";

const ROLE_ID = "8c5f0c2e-4a8b-4a5e-9d0a-3f3b2a1c9e7d";
const EXAMPLE = join(process.cwd(), "stacks", "examples", "clients.json");

function minimal(overrides: Record<string, unknown> = {}, client: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    genesysRegion: "us-east-1",
    awsRegion: "eu-west-1",
    clients: [{ name: "Billing Export", roles: [{ roleId: ROLE_ID }], ...client }],
    ...overrides,
  };
}

/** The issues a configuration produces (empty when it is valid). */
function issuesOf(raw: unknown): string[] {
  try {
    parseStacksConfig(raw, "test");
    return [];
  } catch (err) {
    if (err instanceof StacksConfigError) return [...err.issues];
    throw err;
  }
}

describe("parseStacksConfig", () => {
  it("applies defaults: CLIENT-CREDENTIALS, secret name from the client name, daily scheduled rotation", () => {
    const config = parseStacksConfig(minimal(), "test");
    expect(config).toMatchObject({
      stackPrefix: "keyward",
      genesysRegion: "us-east-1",
      awsRegion: "eu-west-1",
      secretNamePrefix: "keyward/",
      rotationEpoch: "0",
      roles: [],
      clients: [
        {
          name: "Billing Export",
          authorizedGrantType: "CLIENT-CREDENTIALS",
          roles: [{ roleId: ROLE_ID }],
          secretName: "keyward/billing_export",
          rotationEpoch: "0",
          scheduledRotation: true,
        },
      ],
      scheduledRotation: {
        functionName: "keyward-rotation",
        scheduleExpression: "rate(1 day)",
        adminSecretName: "keyward-admin/genesys",
        logRetentionInDays: 30,
        logLevel: "info",
        runtime: "nodejs22.x",
        architecture: "arm64",
        enabled: true,
      },
    });
  });

  it("accepts the example configuration", () => {
    const config = loadStacksConfigFile(EXAMPLE);
    expect(config.clients.map((c) => c.name)).toEqual(["Billing Export", "CRM Sync", "keyward audit"]);
    expect(config.roles.map((r) => r.name)).toEqual(["keyward audit reader"]);
  });

  it("unknown grant type: names the allowed values, suggests the right spelling", () => {
    expect(issuesOf(minimal({}, { authorizedGrantType: "client_credentials" }))).toEqual([
      '$.clients[0].authorizedGrantType: unknown grant type "client_credentials" (did you mean "CLIENT-CREDENTIALS"?); expected one of CODE, SAML2BEARER, SAML2-BEARER, PASSWORD, CLIENT-CREDENTIALS',
    ]);
    expect(issuesOf(minimal({}, { authorizedGrantType: "IMPLICIT" }))[0]).toMatch(/unknown grant type "IMPLICIT"; expected one of/);
    expect(issuesOf(minimal({}, { authorizedGrantType: "TOKEN" }))[0]).toMatch(/implicit grant\) clients have no secret/);
  });

  it("bad role ids: not a UUID, unknown role name, neither or both, bad division", () => {
    expect(
      issuesOf(
        minimal(
          { roles: [{ name: "narrow", permissionPolicies: [{ domain: "oauth", entityName: "client", actionSet: ["view"] }] }] },
          {
            roles: [
              { roleId: "admin" },
              { roleName: "missing" },
              {},
              { roleId: ROLE_ID, roleName: "narrow" },
              { roleId: ROLE_ID, divisionId: "home" },
              { roleName: "narrow" },
              { roleName: "narrow" },
            ],
          },
        ),
      ),
    ).toEqual([
      '$.clients[0].roles[0].roleId: "admin" is not a role id (a UUID)',
      '$.clients[0].roles[1].roleName: "missing" is not declared in roles (declared: narrow)',
      "$.clients[0].roles[2]: give exactly one of roleId (an existing role) or roleName (a role declared in roles)",
      "$.clients[0].roles[3]: give exactly one of roleId (an existing role) or roleName (a role declared in roles)",
      '$.clients[0].roles[4].divisionId: "home" is not a division id (a UUID) or "*"',
      "$.clients[0].roles[6]: duplicate role grant",
    ]);
  });

  it("duplicate names: clients (also after slugging), roles and secret names", () => {
    const policy = [{ domain: "oauth", entityName: "client", actionSet: ["view"] }];
    const issues = issuesOf({
      genesysRegion: "us-east-1",
      awsRegion: "eu-west-1",
      roles: [
        { name: "Narrow", permissionPolicies: policy },
        { name: "narrow", permissionPolicies: policy },
      ],
      clients: [
        { name: "Billing Export", roles: [{ roleId: ROLE_ID }] },
        { name: "billing-export", roles: [{ roleId: ROLE_ID }], secretName: "keyward/other" },
        { name: "CRM", roles: [{ roleId: ROLE_ID }], secretName: "keyward/billing_export" },
        { name: "Admin", roles: [{ roleId: ROLE_ID }], secretName: "keyward-admin/genesys" },
      ],
    });
    expect(issues).toEqual([
      '$.roles[1].name: duplicate role name "narrow" (same as roles[0])',
      '$.clients[1].name: duplicate client name "billing-export" (same as clients[0])',
      '$.clients[2].secretName: duplicate secret name "keyward/billing_export" (also used by clients[0])',
      '$.clients[3].secretName: duplicate secret name "keyward-admin/genesys" (also used by scheduledRotation.adminSecretName)',
    ]);
  });

  it("reports every problem at once, with paths", () => {
    const issues = issuesOf({
      genesysRegion: "mars-1",
      awsRegion: "EU",
      expose_client_secret: true,
      recoveryWindowInDays: 3,
      rotateCommand: 'keyward rotate --client-id "${KEYWARD_CLIENT_ID}"',
      clients: [
        { name: "A", roles: [], accessTokenValiditySeconds: 10, state: "disabled", directory_client_secret: "/tmp" },
        { name: "B", authorizedGrantType: "CODE" },
        { name: "C", roles: [{ roleId: ROLE_ID }], secretName: "keyward/c-abc123" },
      ],
      scheduledRotation: { scheduleExpression: "every day", logRetentionInDays: 10, runtime: "nodejs18.x" },
    });
    expect(issues).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^\$\.expose_client_secret: unknown key/),
        expect.stringMatching(/^\$\.genesysRegion: unknown Genesys Cloud region "mars-1"/),
        expect.stringMatching(/^\$\.awsRegion: "EU" is not an AWS region/),
        "$.recoveryWindowInDays: must be 0 (delete without recovery) or from 7 to 30",
        expect.stringMatching(/^\$\.rotateCommand: contains "\$\{"/),
        expect.stringMatching(/^\$\.clients\[0\]\.directory_client_secret: unknown key/),
        "$.clients[0].roles: CLIENT-CREDENTIALS clients need at least one role (the provider requires it)",
        expect.stringMatching(/^\$\.clients\[0\]\.accessTokenValiditySeconds: expected an integer from 300 to 172800 \(48 h.*got 10$/),
        '$.clients[0].state: "disabled" is not one of active, inactive',
        "$.clients[1].scopes: CODE clients need at least one scope (the provider requires it)",
        expect.stringMatching(/^\$\.clients\[2\]\.secretName: "keyward\/c-abc123" ends with "-" and six characters/),
        expect.stringMatching(/^\$\.scheduledRotation\.logRetentionInDays: 10 is not a CloudWatch Logs retention/),
        expect.stringMatching(/^\$\.scheduledRotation\.scheduleExpression: "every day" is not a schedule expression/),
        '$.scheduledRotation.runtime: "nodejs18.x" is not one of nodejs22.x, nodejs20.x',
      ]),
    );
    expect(issues).toHaveLength(14);
  });

  it("suggests the camelCase key for a snake_case one", () => {
    expect(issuesOf(minimal({}, { secret_name: "x" }))).toEqual(['$.clients[0].secret_name: unknown key (did you mean "secretName"?)']);
  });

  it("rejects KMS aliases (IAM grants need the key ARN) and an unusable gateway host", () => {
    expect(issuesOf(minimal({ secretKmsKeyArn: "arn:aws:kms:eu-west-1:123456789012:alias/keyward" }))[0]).toMatch(/not an alias/);
    expect(issuesOf(minimal({ gateway: { host: "user:pw@127.0.0.1" } }))[0]).toMatch(/^\$\.gateway: The Genesys Cloud gateway host is not a bare host name/);
    expect(parseStacksConfig(minimal({ gateway: { host: "127.0.0.1", port: 8080, protocol: "http" } })).gateway).toEqual({
      host: "127.0.0.1",
      port: "8080",
      protocol: "http",
      pathParams: undefined,
    });
  });

  it("scheduledRotation: false turns the scheduled stack off; clients can opt out one by one", () => {
    expect(parseStacksConfig(minimal({ scheduledRotation: false })).scheduledRotation).toBeUndefined();
    expect(parseStacksConfig(minimal({}, { scheduledRotation: false })).clients[0]!.scheduledRotation).toBe(false);
  });

  it("the error message lists the issues and a hint, and is a usage error (exit code 2)", () => {
    let error: unknown;
    try {
      parseStacksConfig(minimal({}, { authorizedGrantType: "nope" }), "clients.json");
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(StacksConfigError);
    expect((error as StacksConfigError).message).toMatch(/^clients\.json: invalid keyward stacks configuration\n {2}- \$\.clients\[0\]\.authorizedGrantType/);
    expect((error as StacksConfigError).exitCode).toBe(2);
  });
});

describe("loadStacksConfig", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "keyward-config-"));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("KEYWARD_STACKS_CONFIG wins over context; YAML files are accepted", () => {
    const yamlPath = join(dir, "stacks.yaml");
    writeFileSync(yamlPath, "genesysRegion: eu-west-1\nawsRegion: eu-west-1\nclients:\n  - name: From YAML\n    roles:\n      - roleId: " + ROLE_ID + "\n");
    const config = loadStacksConfig({ env: { [STACKS_CONFIG_ENV]: yamlPath }, context: { configFile: EXAMPLE }, baseDir: dir });
    expect(config.clients[0]!.name).toBe("From YAML");
  });

  it("context: inline config, then configFile relative to cdktf.json's directory", () => {
    expect(loadStacksConfig({ env: {}, context: { config: minimal(), configFile: "nope.json" }, baseDir: dir }).clients[0]!.name).toBe("Billing Export");
    writeFileSync(join(dir, "c.json"), JSON.stringify(minimal({}, { name: "Relative" })));
    expect(loadStacksConfig({ env: {}, context: { configFile: "c.json" }, baseDir: dir }).clients[0]!.name).toBe("Relative");
  });

  it("clear errors for no configuration, a missing file, invalid JSON", () => {
    expect(() => loadStacksConfig({ env: {}, baseDir: dir })).toThrow(/no keyward stacks configuration/);
    expect(() => loadStacksConfig({ env: { [STACKS_CONFIG_ENV]: join(dir, "missing.json") }, baseDir: dir })).toThrow(/cannot read keyward stacks config .*ENOENT/);
    writeFileSync(join(dir, "bad.json"), "{ nope");
    expect(() => loadStacksConfigFile(join(dir, "bad.json"))).toThrow(/is not valid JSON/);
  });

  it("reads cdktf.json's context for runs without the cdktf CLI", () => {
    expect(readCdktfJsonContext(join(process.cwd(), "cdktf.json"))).toEqual({ keyward: { configFile: "stacks/examples/clients.json" } });
    expect(readCdktfJsonContext(join(dir, "missing", "cdktf.json"))).toBeUndefined();
  });
});
