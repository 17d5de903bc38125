import { detect } from "../../src/scan/detect.js";
import { loadRules } from "../../src/scan/rules.js";
import { keyBefore, keyRole } from "../../src/scan/structure.js";

const rules = loadRules();
const SECRET = "Ct5zrCxDsD1Upz7YJ5r9pLmN6WG1nUchdZtN63FIq3w";
const OTHER = "KU9ML3lnwIM4NEQqSsvAH9cC9KjHAvQ-TWGqqDi7JqI";
const ID = "6f1c2a4e-8d3b-4c7a-9e21-5b0f3d8a7c14";
const ID2 = "01e21cfd-47ce-4775-87f6-ff746ffb9ea7";
const ORG = "9d5e3f7a-1b2c-4d6e-8f0a-2b4c6d8e0f1a";

const only = (text: string) => {
  const found = detect(text, rules);
  expect(found).toHaveLength(1);
  return found[0]!;
};

describe("the key a value sits under", () => {
  const at = (text: string) => keyBefore(text, text.indexOf("VALUE"));
  it.each([
    ["CLIENT_SECRET=VALUE", "CLIENT_SECRET"],
    ['"clientSecret": "VALUE"', "clientSecret"],
    ['{\\"clientSecret\\":\\"VALUE\\"}', "clientSecret"],
    ["client_secret = 'VALUE'", "client_secret"],
    ["client-secret: VALUE", "client-secret"],
    ["node app.js /clientSecret=VALUE /config=x", "clientSecret"],
    ["gc --client-secret VALUE", "client-secret"],
    ["grant_type=client_credentials&client_secret=VALUE", "client_secret"],
    ["body=client_secret%3DVALUE", "client_secret"],
    ["<ClientSecret>VALUE</ClientSecret>", "ClientSecret"],
    ["$clientSecret => 'VALUE',", "$clientSecret"],
    ['clientSecret := "VALUE"', "clientSecret"],
    ['builder.withClientSecret("VALUE")', "builder.withClientSecret"],
    ['os.environ["CLIENT_SECRET"] = "VALUE"', "CLIENT_SECRET"],
    ['setenv("CLIENT_SECRET", "VALUE")', "CLIENT_SECRET"],
    ['{"key": "clientSecret", "value": "VALUE", "type": "secret"}', "clientSecret"],
  ])("reads %s as %s", (text, key) => {
    expect(at(text)).toBe(key);
  });

  it.each([['PostToken("6f1c2a4e-8d3b-4c7a-9e21-5b0f3d8a7c14", "VALUE")'], ["the client secret VALUE is shown once"], ["foo(bar, VALUE)"]])("finds no key in %s", (text) => {
    expect(at(text)).toBeUndefined();
  });

  it.each([
    ["GENESYSCLOUD_OAUTHCLIENT_SECRET", "secret"],
    ["oauthclient_secret", "secret"],
    ["ORG_A_CLIENT_ID", "id"],
    ["client_credentials", "id"],
    ["clientId", "id"],
    ["code", "authorization-code"],
    ["authCode", "authorization-code"],
    ["password", "basic-password"],
    ["username", "basic-user"],
    ["api_key", "other"],
  ])("classifies %s as %s", (key, role) => {
    expect(keyRole(key, rules)).toBe(role);
  });
});

describe("candidate client ids, with provenance", () => {
  it("takes the client-id key of the same JSON object first, however far, and keeps the other UUIDs as weaker candidates", () => {
    const text = `{\n  "genesys": {\n    "clientId": "${ID}",\n    "note": "a",\n    "b": 1,\n    "c": 2,\n    "d": 3,\n    "e": 4,\n    "f": 5,\n    "clientSecret": "${SECRET}",\n    "orgId": "${ORG}"\n  }\n}\n`;
    const f = only(text);
    expect(f.clientId).toBe(ID);
    expect(f.candidates).toEqual([
      { clientId: ID, provenance: "structural" },
      { clientId: ORG, provenance: "nearby" },
    ]);
  });

  it("does not take the client id of a neighbouring object as structural", () => {
    const text = `{"genesys": {"prod": {"clientId": "${ID}"}, "test": {"clientSecret": "${SECRET}"}}}`;
    const f = only(text);
    expect(f.candidates[0]).toEqual({ clientId: ID, provenance: "key-named" });
  });

  it("follows Postman's key/value entries (collection auth and environments)", () => {
    const entries = [
      `{"key": "clientSecret", "value": "${SECRET}"}`,
      `{"key": "accessTokenUrl", "value": "https://login.{{environment}}/oauth/token"}`,
      `{"key": "orgId", "value": "${ORG}"}`,
      `{"key": "clientId", "value": "${ID}"}`,
    ];
    const text = `{"auth": {"type": "oauth2", "oauth2": [\n${entries.join(",\n\n\n\n")}\n]}}`;
    const f = only(text);
    expect(f.clientId).toBe(ID);
    expect(f.candidates[0]).toEqual({ clientId: ID, provenance: "structural" });
  });

  it("follows YAML indentation: the sibling key under the same parent", () => {
    const text = `genesys:\n  prod:\n    client_id: ${ID2}\n  test:\n    client_id: ${ID}\n    region: eu-west-1\n    client_secret: ${SECRET}\n`;
    expect(only(text).candidates.slice(0, 2)).toEqual([
      { clientId: ID, provenance: "structural" },
      { clientId: ID2, provenance: "key-named" },
    ]);
  });

  it("follows TOML sections (the Genesys Cloud CLI's profiles)", () => {
    const text = `[default]\nclient_credentials = "${ID2}"\nclient_secret = "${OTHER}"\nenvironment = "us-east-1"\n\n[test]\nclient_credentials = "${ID}"\nclient_secret = "${SECRET}"\n`;
    const found = detect(text, rules);
    expect(found.map((f) => [f.secret, f.clientId, f.ruleId, f.confidence])).toEqual([
      [OTHER, ID2, "oauth-client-credentials-pair", "medium"],
      [SECRET, ID, "oauth-client-credentials-pair", "medium"],
    ]);
  });

  it("pairs keys with the same prefix in a flat .env (two orgs in one file)", () => {
    const text = `ORG_A_CLIENT_ID=${ID2}\nORG_B_CLIENT_ID=${ID}\nORG_A_CLIENT_SECRET=${OTHER}\nORG_B_CLIENT_SECRET=${SECRET}\n`;
    expect(detect(text, rules).map((f) => [f.secret, f.clientId])).toEqual([
      [OTHER, ID2],
      [SECRET, ID],
    ]);
  });

  it('treats <uuid>:<secret> and ("<uuid>", "<secret>") as a pair by themselves', () => {
    expect(only(`curl -u ${ID}:${SECRET} https://login.mypurecloud.com/oauth/token -d "org=${ORG}"`).candidates[0]).toEqual({ clientId: ID, provenance: "structural" });
    expect(only(`platformClient.loginClientCredentialsGrant("${ID}", "${SECRET}") // org ${ORG}`).candidates[0]).toEqual({ clientId: ID, provenance: "structural" });
  });

  it("falls back to a UUID within the line window (nearby), and lists the rest of the file as same-file", () => {
    const far = Array.from({ length: 12 }, (_, i) => `line ${i}`).join("\n");
    const text = `owner ${ORG}\n${far}\n# genesys\nsomething ${ID}\nsecret ${SECRET}\n`;
    const f = only(text);
    expect(f.clientId).toBe(ID);
    expect(f.candidates).toEqual([
      { clientId: ID, provenance: "nearby" },
      { clientId: ORG, provenance: "same-file" },
    ]);
  });

  it("writes candidate ids in canonical lower case, each once", () => {
    const f = only(`{"clientId": "${ID.toUpperCase()}", "clientSecret": "${SECRET}", "genesys": "${ID}"}`);
    expect(f.candidates).toEqual([{ clientId: ID, provenance: "structural" }]);
  });

  it("never offers an allowlisted placeholder id", () => {
    const f = only(`genesys client_id=00000000-0000-0000-0000-000000000000 client_secret=${SECRET}`);
    expect(f.candidates).toEqual([]);
    expect(f.clientId).toBeUndefined();
  });
});

describe("what is not a client secret", () => {
  it("skips the authorization-code grant's code and an argument after a redirect URI", () => {
    expect(detect(`genesys {"grant_type": "authorization_code", "code": "${SECRET}", "client_id": "${ID}"}`, rules)).toEqual([]);
    expect(detect(`PureCloud PostToken("${ID}", secret, "https://localhost/cb", "${SECRET}")`, rules)).toEqual([]);
    // The same call's client secret is still one.
    expect(only(`PureCloud PostToken("${ID}", "${SECRET}", "https://localhost/cb", code)`).clientId).toBe(ID);
  });

  it("needs a UUID under a client-id key for the generic tier", () => {
    expect(detect(`CLIENT_ID=my-service\nCLIENT_SECRET=${SECRET}\n`, rules)).toEqual([]);
    expect(detect(`CLIENT_ID=${ID}\nAPI_TOKEN=${SECRET}\n`, rules)).toEqual([]);
    expect(only(`CLIENT_ID=${ID}\nCLIENT_SECRET=${SECRET}\n`)).toMatchObject({ ruleId: "oauth-client-credentials-pair", confidence: "medium", clientId: ID });
  });

  it("reports keyward's credential document under its own rule, also escaped inside `aws secretsmanager` output", () => {
    const doc = JSON.stringify({ clientId: ID, clientSecret: SECRET, region: "eu-west-1", rotatedBy: "keyward" });
    expect(only(doc)).toMatchObject({ ruleId: "keyward-credential-document", confidence: "high", clientId: ID });
    expect(only(JSON.stringify({ Name: "keyward/app", SecretString: doc }))).toMatchObject({ ruleId: "keyward-credential-document", clientId: ID });
  });
});

describe("the byte prefilter", () => {
  it("never drops what the text search would find: random credentials in every encoding, in random surroundings (property)", async () => {
    const fc = (await import("fast-check")).default;
    const { detectBuffer } = await import("../../src/scan/detect.js");
    const { encodedForms } = await import("../../src/decode/index.js");
    const noise = fc.stringMatching(/^[ a-zA-Z0-9_.,:;"'=\n{}()\-/+%\\]{0,120}$/);
    fc.assert(
      fc.property(
        noise,
        noise,
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.integer({ min: 0, max: 20 }),
        fc.constantFrom("genesys ", "CLIENT_ID=6f1c2a4e-8d3b-4c7a-9e21-5b0f3d8a7c14\nCLIENT_SECRET=", "Authorization: Basic ", "value: "),
        (before, after, bytes, pick, lead) => {
          const secret = Buffer.from(bytes).toString("base64url");
          const forms = encodedForms(secret, ID);
          const text = `${before}${lead}${forms[pick % forms.length]}${after}`;
          expect(detectBuffer(Buffer.from(text, "utf8"), rules)).toEqual(detect(text, rules));
        },
      ),
      { numRuns: 400 },
    );
  });
});
