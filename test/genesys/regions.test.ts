import { UsageError } from "../../src/core/errors.js";
import { ExitCode } from "../../src/core/exit-codes.js";
import { findRegion, GENESYS_REGIONS, gatewayBaseUrl, resolveEndpoints } from "../../src/genesys/index.js";

/** Reference §2, verbatim: provider `aws_region` → domain. */
const EXPECTED: Array<[string, string]> = [
  ["us-east-1", "mypurecloud.com"],
  ["us-east-2", "use2.us-gov-pure.cloud"],
  ["us-west-2", "usw2.pure.cloud"],
  ["ca-central-1", "cac1.pure.cloud"],
  ["sa-east-1", "sae1.pure.cloud"],
  ["mx-central-1", "mxc1.pure.cloud"],
  ["eu-west-1", "mypurecloud.ie"],
  ["eu-west-2", "euw2.pure.cloud"],
  ["eu-central-1", "mypurecloud.de"],
  ["eu-central-2", "euc2.pure.cloud"],
  ["eusc-de-east-1", "edee1.eusc-pure.cloud"],
  ["me-central-1", "mec1.pure.cloud"],
  ["ap-south-1", "aps1.pure.cloud"],
  ["ap-southeast-1", "apse1.pure.cloud"],
  ["ap-southeast-2", "mypurecloud.com.au"],
  ["ap-northeast-1", "mypurecloud.jp"],
  ["ap-northeast-2", "apne2.pure.cloud"],
  ["ap-northeast-3", "apne3.pure.cloud"],
];

function usageErrorOf(fn: () => unknown): UsageError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(UsageError);
    return err as UsageError;
  }
  throw new Error("expected a UsageError");
}

describe("the Genesys Cloud regions", () => {
  it("are exactly the 18 public regions of the provider and the JS SDK", () => {
    expect(GENESYS_REGIONS.map((r) => [r.name, r.domain])).toEqual(EXPECTED);
  });

  it("use the JS SDK's PureCloudRegionHosts key for each region", () => {
    for (const region of GENESYS_REGIONS) expect(region.sdkKey).toBe(region.name.replace(/-/g, "_"));
  });

  it.each(EXPECTED)("resolve %s to login.%s and api.%s", (name, domain) => {
    expect(resolveEndpoints({ region: name })).toEqual({
      region: name,
      loginBaseUrl: `https://login.${domain}`,
      apiBaseUrl: `https://api.${domain}`,
    });
  });

  it("match a region name case-insensitively and ignore surrounding spaces", () => {
    expect(resolveEndpoints({ region: "  EU-West-1 " })).toEqual({
      region: "eu-west-1",
      loginBaseUrl: "https://login.mypurecloud.ie",
      apiBaseUrl: "https://api.mypurecloud.ie",
    });
    expect(findRegion("AP-NORTHEAST-1")?.domain).toBe("mypurecloud.jp");
  });

  it("reject an unknown region with a usage error that lists every valid one", () => {
    const err = usageErrorOf(() => resolveEndpoints({ region: "eu-north-9" }));
    expect(err.exitCode).toBe(ExitCode.Usage);
    expect(err.message).toContain("eu-north-9");
    for (const [name] of EXPECTED) expect(err.hint).toContain(name);
  });

  it("leave Genesys's internal test environments dca and tca out", () => {
    expect(() => resolveEndpoints({ region: "dca" })).toThrow(UsageError);
    expect(() => resolveEndpoints({ region: "tca" })).toThrow(UsageError);
  });

  it("require a region when no gateway is set", () => {
    const err = usageErrorOf(() => resolveEndpoints({}));
    expect(err.hint).toContain("GENESYSCLOUD_REGION");
    expect(() => resolveEndpoints({ region: "   " })).toThrow(UsageError);
  });
});

describe("a gateway", () => {
  it("sends login and API requests to the gateway host instead of the region", () => {
    expect(resolveEndpoints({ region: "us-east-1", gateway: { host: "gw.example.com" } })).toEqual({
      region: "us-east-1",
      loginBaseUrl: "https://gw.example.com",
      apiBaseUrl: "https://gw.example.com",
    });
  });

  it("does not need a region, and leaves it undefined", () => {
    expect(resolveEndpoints({ gateway: { host: "127.0.0.1", port: 9999, protocol: "http" } })).toEqual({
      region: undefined,
      loginBaseUrl: "http://127.0.0.1:9999",
      apiBaseUrl: "http://127.0.0.1:9999",
    });
  });

  it("still rejects an unknown region", () => {
    expect(() => resolveEndpoints({ region: "mars-1", gateway: { host: "gw" } })).toThrow(UsageError);
  });

  it.each([
    // [description, gateway, expected login base, expected api base]
    ["defaults the protocol to https", { host: "gw" }, "https://gw", "https://gw"],
    ["accepts http in any case", { host: "gw", protocol: "HTTP" }, "http://gw", "http://gw"],
    ["accepts a protocol written with a colon and slashes", { host: "gw", protocol: "https://" }, "https://gw", "https://gw"],
    ["keeps a port given as a number", { host: "gw", port: 8443 }, "https://gw:8443", "https://gw:8443"],
    ["keeps a port given as a string", { host: "gw", port: "8080", protocol: "http" }, "http://gw:8080", "http://gw:8080"],
    ["keeps port 443 like the JS SDK does", { host: "gw", port: 443 }, "https://gw:443", "https://gw:443"],
    ["ignores an empty port", { host: "gw", port: "" }, "https://gw", "https://gw"],
    ["prefixes login requests with the login path value", { host: "gw", pathParams: [{ pathName: "login", pathValue: "auth" }] }, "https://gw/auth", "https://gw"],
    ["prefixes API requests with the api path value", { host: "gw", pathParams: [{ pathName: "api", pathValue: "/genesys/api/" }] }, "https://gw", "https://gw/genesys/api"],
    [
      "prefixes each kind with its own value",
      {
        host: "gw",
        port: 8080,
        protocol: "http",
        pathParams: [
          { pathName: "login", pathValue: "/login" },
          { pathName: "API", pathValue: "api//" },
        ],
      },
      "http://gw:8080/login",
      "http://gw:8080/api",
    ],
    ["ignores an empty path value", { host: "gw", pathParams: [{ pathName: "api", pathValue: "/" }] }, "https://gw", "https://gw"],
    ["accepts a bracketed IPv6 host", { host: "[::1]", port: 9000, protocol: "http" }, "http://[::1]:9000", "http://[::1]:9000"],
  ])("%s", (_description, gateway, login, api) => {
    expect(gatewayBaseUrl(gateway, "login")).toBe(login);
    expect(gatewayBaseUrl(gateway, "api")).toBe(api);
  });

  it.each([
    ["a host with a scheme", { host: "https://gw.example.com" }],
    ["a host with a path", { host: "gw.example.com/genesys" }],
    ["a host with a port", { host: "gw.example.com:8080" }],
    ["an empty host", { host: "  " }],
    ["an unsupported protocol", { host: "gw", protocol: "ftp" }],
    ["a port that is not a number", { host: "gw", port: "eighty" }],
    ["a port out of range", { host: "gw", port: 70000 }],
    ["an unknown path name", { host: "gw", pathParams: [{ pathName: "auth", pathValue: "/x" }] }],
    [
      "a path name given twice",
      {
        host: "gw",
        pathParams: [
          { pathName: "api", pathValue: "/a" },
          { pathName: "api", pathValue: "/b" },
        ],
      },
    ],
    ["a path value with a query", { host: "gw", pathParams: [{ pathName: "api", pathValue: "/a?b=c" }] }],
  ])("rejects %s with a usage error", (_description, gateway) => {
    expect(() => gatewayBaseUrl(gateway, "api")).toThrow(UsageError);
  });

  it("never echoes a host that carries credentials", () => {
    const err = usageErrorOf(() => gatewayBaseUrl({ host: "admin:hunter2secret@gw.example.com" }, "login"));
    expect(`${err.message} ${err.hint}`).not.toContain("hunter2secret");
  });
});
