import { UsageError } from "../../src/core/errors.js";
import { ExitCode } from "../../src/core/exit-codes.js";
import { resetSecretRegistry, scrub } from "../../src/core/redact.js";
import { genesysSettingsFromEnv, requireCredentials } from "../../src/genesys/index.js";

const ID = "a0bda580-cb41-4ff6-8f06-28ffb4227594";
const SECRET = "e4meQ53cXGq53j6uffdULVjRl8It8M3FVsupKei0nSg";

describe("Genesys settings from the environment", () => {
  beforeEach(() => resetSecretRegistry());

  it("read the provider's variables into region, endpoints and credentials", () => {
    const settings = genesysSettingsFromEnv({
      GENESYSCLOUD_OAUTHCLIENT_ID: ID,
      GENESYSCLOUD_OAUTHCLIENT_SECRET: SECRET,
      GENESYSCLOUD_REGION: "eu-central-1",
    });
    expect(settings).toEqual({
      region: "eu-central-1",
      endpoints: { loginBaseUrl: "https://login.mypurecloud.de", apiBaseUrl: "https://api.mypurecloud.de" },
      credentials: { clientId: ID, clientSecret: SECRET },
    });
  });

  it("register the client secret and its Basic form for redaction as soon as they are read", () => {
    genesysSettingsFromEnv({ GENESYSCLOUD_OAUTHCLIENT_ID: ID, GENESYSCLOUD_OAUTHCLIENT_SECRET: SECRET, GENESYSCLOUD_REGION: "us-east-1" });
    const basic = Buffer.from(`${ID}:${SECRET}`).toString("base64");
    expect(scrub(`${SECRET} ${basic}`)).toBe("[REDACTED] [REDACTED]");
  });

  it("trim whitespace around values, including a trailing newline on the secret", () => {
    const settings = genesysSettingsFromEnv({
      GENESYSCLOUD_OAUTHCLIENT_ID: ` ${ID} `,
      GENESYSCLOUD_OAUTHCLIENT_SECRET: `${SECRET}\n`,
      GENESYSCLOUD_REGION: "US-EAST-1",
    });
    expect(settings.credentials).toEqual({ clientId: ID, clientSecret: SECRET });
    expect(settings.region).toBe("us-east-1");
  });

  it("leave credentials out when neither variable is set", () => {
    const settings = genesysSettingsFromEnv({ GENESYSCLOUD_REGION: "us-west-2" });
    expect(settings.credentials).toBeUndefined();
    expect(settings.endpoints.apiBaseUrl).toBe("https://api.usw2.pure.cloud");
  });

  it("refuse a client id without a secret, naming the missing variable", () => {
    expect(() => genesysSettingsFromEnv({ GENESYSCLOUD_OAUTHCLIENT_ID: ID, GENESYSCLOUD_REGION: "us-east-1" })).toThrow(/GENESYSCLOUD_OAUTHCLIENT_SECRET is not set/);
  });

  it("refuse a secret without a client id, without printing the secret", () => {
    try {
      genesysSettingsFromEnv({ GENESYSCLOUD_OAUTHCLIENT_SECRET: SECRET, GENESYSCLOUD_REGION: "us-east-1" });
      throw new Error("expected a UsageError");
    } catch (err) {
      expect(err).toBeInstanceOf(UsageError);
      expect((err as UsageError).message).toContain("GENESYSCLOUD_OAUTHCLIENT_ID");
      expect(JSON.stringify(err) + (err as Error).message).not.toContain(SECRET);
    }
  });

  it("reject a missing or unknown region", () => {
    expect(() => genesysSettingsFromEnv({})).toThrow(UsageError);
    expect(() => genesysSettingsFromEnv({ GENESYSCLOUD_REGION: "us-east-9" })).toThrow(/us-east-9/);
  });

  it("route everything through the gateway given by GENESYSCLOUD_GATEWAY_*", () => {
    const settings = genesysSettingsFromEnv({
      GENESYSCLOUD_GATEWAY_HOST: "127.0.0.1",
      GENESYSCLOUD_GATEWAY_PORT: "4010",
      GENESYSCLOUD_GATEWAY_PROTOCOL: "http",
      GENESYSCLOUD_GATEWAY_PATH_NAME: "login",
      GENESYSCLOUD_GATEWAY_PATH_VALUE: "/login",
    });
    expect(settings).toEqual({
      region: undefined,
      endpoints: { loginBaseUrl: "http://127.0.0.1:4010/login", apiBaseUrl: "http://127.0.0.1:4010" },
      gateway: { host: "127.0.0.1", port: "4010", protocol: "http", pathParams: [{ pathName: "login", pathValue: "/login" }] },
    });
  });

  it("keep the region when a gateway is set too", () => {
    const settings = genesysSettingsFromEnv({ GENESYSCLOUD_REGION: "ap-south-1", GENESYSCLOUD_GATEWAY_HOST: "gw.internal" });
    expect(settings.region).toBe("ap-south-1");
    expect(settings.endpoints.loginBaseUrl).toBe("https://gw.internal");
  });

  it("refuse gateway variables without GENESYSCLOUD_GATEWAY_HOST", () => {
    expect(() => genesysSettingsFromEnv({ GENESYSCLOUD_REGION: "us-east-1", GENESYSCLOUD_GATEWAY_PORT: "8080" })).toThrow(
      /GENESYSCLOUD_GATEWAY_PORT is set but GENESYSCLOUD_GATEWAY_HOST is not/,
    );
  });

  it("refuse plain http to a gateway that is not on this machine unless explicitly allowed", () => {
    const remote = { GENESYSCLOUD_REGION: "us-east-1", GENESYSCLOUD_GATEWAY_HOST: "gw.corp.example", GENESYSCLOUD_GATEWAY_PROTOCOL: "http" };
    expect(() => genesysSettingsFromEnv(remote)).toThrow(/unencrypted/);
    expect(() => genesysSettingsFromEnv(remote)).toThrow(UsageError);
    expect(genesysSettingsFromEnv({ ...remote, KEYWARD_ALLOW_INSECURE_GATEWAY: "true" }).endpoints.apiBaseUrl).toBe("http://gw.corp.example");
    for (const host of ["127.0.0.1", "localhost", "[::1]", "127.10.0.2"]) {
      expect(genesysSettingsFromEnv({ ...remote, GENESYSCLOUD_GATEWAY_HOST: host }).endpoints.loginBaseUrl).toMatch(/^http:\/\//);
    }
  });

  it("refuse a gateway path name without a path value", () => {
    expect(() => genesysSettingsFromEnv({ GENESYSCLOUD_GATEWAY_HOST: "gw", GENESYSCLOUD_GATEWAY_PATH_NAME: "api" })).toThrow(UsageError);
  });
});

describe("requireCredentials", () => {
  it("returns the configured credentials", () => {
    const settings = genesysSettingsFromEnv({ GENESYSCLOUD_OAUTHCLIENT_ID: ID, GENESYSCLOUD_OAUTHCLIENT_SECRET: SECRET, GENESYSCLOUD_REGION: "us-east-1" });
    expect(requireCredentials(settings)).toEqual({ clientId: ID, clientSecret: SECRET });
  });

  it("throws a usage error (exit 2) that names the variables to set", () => {
    const settings = genesysSettingsFromEnv({ GENESYSCLOUD_REGION: "us-east-1" });
    try {
      requireCredentials(settings);
      throw new Error("expected a UsageError");
    } catch (err) {
      expect(err).toBeInstanceOf(UsageError);
      const usage = err as UsageError;
      expect(usage.exitCode).toBe(ExitCode.Usage);
      expect(usage.hint).toContain("GENESYSCLOUD_OAUTHCLIENT_ID");
      expect(usage.hint).toContain("GENESYSCLOUD_OAUTHCLIENT_SECRET");
      expect(usage.hint).toContain("GENESYSCLOUD_REGION");
    }
  });
});
