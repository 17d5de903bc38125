import { UsageError } from "../../src/core/errors.js";
import { loadOrgs, ORGS_FILE_ENV } from "../../src/liveness/orgs.js";

const ID = "0a1b2c3d-0000-4000-8000-000000000001";
const SECRET = "orgs-test-secret-Hn3Kd8Wq1Zp5Rt7YvXXXXXXXXXXXX";
const ARN = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:keyward/eu-admin-AbCdEf";

const files: Record<string, string> = {};
const readFile = (path: string) => {
  if (!(path in files)) throw Object.assign(new Error("missing"), { code: "ENOENT" });
  return files[path]!;
};
const documents: Record<string, string> = { [ARN]: JSON.stringify({ clientId: ID, clientSecret: SECRET, region: "eu-west-1" }) };
const readDocument = async (id: string) => documents[id] ?? "{}";
const load = (env: Record<string, string>) => loadOrgs(env, { readFile, readDocument });
async function refusal(env: Record<string, string>): Promise<string> {
  const err = await load(env).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(UsageError);
  return (err as UsageError).message;
}

describe("the orgs a run proves verdicts in", () => {
  it("is one org, `default`, from today's variables: region, optional admin credentials", async () => {
    const [org] = await load({ GENESYSCLOUD_REGION: "eu-west-1" });
    expect(org).toMatchObject({ name: "default", region: "eu-west-1", settings: { endpoints: { loginBaseUrl: "https://login.mypurecloud.ie" } } });
    expect(org!.settings.credentials).toBeUndefined();
    const [withCredentials] = await load({ GENESYSCLOUD_REGION: "us-east-1", GENESYSCLOUD_OAUTHCLIENT_ID: ID, GENESYSCLOUD_OAUTHCLIENT_SECRET: SECRET });
    expect(withCredentials!.settings.credentials).toEqual({ clientId: ID, clientSecret: SECRET });
  });

  it("reads the default org's credentials (and region) from the document KEYWARD_ADMIN_SECRET_ARN names", async () => {
    const [org] = await load({ KEYWARD_ADMIN_SECRET_ARN: ARN });
    expect(org).toMatchObject({ name: "default", region: "eu-west-1", credentialSource: "KEYWARD_ADMIN_SECRET_ARN", settings: { credentials: { clientId: ID } } });
  });

  it("refuses to run with no org at all, naming what to set", async () => {
    expect(await refusal({})).toMatch(/No Genesys Cloud org is configured/);
  });

  it("reads several orgs from KEYWARD_ORGS_FILE (JSON or YAML), credentials named, never written", async () => {
    files["/orgs.json"] = JSON.stringify({
      orgs: [
        { name: "prod", region: "us-east-1", credentials: { clientIdEnv: "PROD_ID", clientSecretEnv: "PROD_SECRET" } },
        { name: "eu", credentials: { secretArn: ARN } },
        { name: "sandbox", region: "us-east-1", gateway: { host: "127.0.0.1", port: 9000, protocol: "http" } },
      ],
    });
    const orgs = await load({ [ORGS_FILE_ENV]: "/orgs.json", PROD_ID: ID, PROD_SECRET: SECRET });
    expect(orgs.map((o) => [o.name, o.region, o.settings.credentials?.clientId ?? null, o.settings.endpoints.loginBaseUrl])).toEqual([
      ["prod", "us-east-1", ID, "https://login.mypurecloud.com"],
      ["eu", "eu-west-1", ID, "https://login.mypurecloud.ie"],
      ["sandbox", "us-east-1", null, "http://127.0.0.1:9000"],
    ]);
    files["/orgs.yaml"] = "orgs:\n  - name: prod\n    region: ap-southeast-2\n";
    expect((await load({ [ORGS_FILE_ENV]: "/orgs.yaml" })).map((o) => o.region)).toEqual(["ap-southeast-2"]);
  });

  it.each([
    [
      "a secret written into the file",
      { orgs: [{ name: "p", region: "us-east-1", credentials: { clientId: ID, clientSecret: "x" } }] },
      /never write credentials into the orgs file/,
    ],
    ["a secret at the org level", { orgs: [{ name: "p", region: "us-east-1", clientSecret: "x" }] }, /never write a secret into the orgs file/],
    [
      "two orgs with one name",
      {
        orgs: [
          { name: "p", region: "us-east-1" },
          { name: "P", region: "eu-west-1" },
        ],
      },
      /used twice/,
    ],
    ["an unknown field", { orgs: [{ name: "p", region: "us-east-1", regoin: "x" }] }, /regoin is not an org field/],
    ["an unknown region", { orgs: [{ name: "p", region: "mars-1" }] }, /Unknown Genesys Cloud region "mars-1"/],
    ["no orgs", { orgs: [] }, /at least one org/],
    ["half the credentials", { orgs: [{ name: "p", region: "us-east-1", credentials: { clientIdEnv: "X" } }] }, /needs secretArn, or both/],
  ])("refuses %s (exit 2)", async (_what, doc, message) => {
    files["/bad.json"] = JSON.stringify(doc);
    expect(await refusal({ [ORGS_FILE_ENV]: "/bad.json" })).toMatch(message);
  });

  it("refuses an orgs file naming variables that are not set, and a file that cannot be read", async () => {
    files["/unset.json"] = JSON.stringify({ orgs: [{ name: "p", region: "us-east-1", credentials: { clientIdEnv: "NOPE_ID", clientSecretEnv: "NOPE_SECRET" } }] });
    expect(await refusal({ [ORGS_FILE_ENV]: "/unset.json" })).toMatch(/names NOPE_ID and NOPE_SECRET, which are not set/);
    expect(await refusal({ [ORGS_FILE_ENV]: "/missing.json" })).toMatch(/cannot read the file \(ENOENT\)/);
    files["/broken.json"] = "{";
    expect(await refusal({ [ORGS_FILE_ENV]: "/broken.json" })).toMatch(/not valid JSON/);
  });
});
