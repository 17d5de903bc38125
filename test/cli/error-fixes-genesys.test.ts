import { runKeyward } from "../helpers/keyward-cli.js";
import { useSandboxKit } from "../helpers/sandbox.js";
import { CLI_TIMEOUT_MS, closedPort, errorFixTools, SLOW } from "./error-fixes-kit.js";

/** Genesys Cloud failure classes name their own fix (the shared tools: error-fixes-kit.ts). */
const kit = useSandboxKit();
const { rotate } = errorFixTools(kit);

describe("Genesys Cloud failures name their own fix", () => {
  it(
    "a wrong admin secret is rejected admin credentials (exit 2)",
    async () => {
      const client = await kit.createClient("fix-bad-admin");
      const run = await runKeyward(
        ["rotate", "--client-id", client.id, "--secret-id", "fixes/bad-admin", "--create-secret"],
        { ...kit.env, GENESYSCLOUD_OAUTHCLIENT_SECRET: "not-the-admin-secret-0123456789abcdefghijk" },
        { timeoutMs: CLI_TIMEOUT_MS },
      );
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/fix: .*GENESYSCLOUD_OAUTHCLIENT_ID .*GENESYSCLOUD_OAUTHCLIENT_SECRET/);
      expect(run.stderr).not.toContain("not-the-admin-secret");
    },
    SLOW,
  );

  it(
    "a permission the admin role lacks is named (exit 2)",
    async () => {
      kit.sandbox.genesys.control.addFault({ route: "POST /api/v2/oauth/clients/{clientId}/secret", errorRate: 1, errorStatus: 403 });
      const run = await rotate("forbidden");
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/\[exit 2, admin-permission-missing\]/);
      expect(run.stderr).toMatch(/fix: give the admin OAuth client \(GENESYSCLOUD_OAUTHCLIENT_ID\) a role with oauth:client:view and oauth:client:edit/);
      expect(run.stderr).not.toMatch(/AWS_|Secrets Manager/);
    },
    SLOW,
  );

  it(
    "a client id that is not in the org says to check the id (exit 1 or 2), not the credentials",
    async () => {
      const run = await runKeyward(["rotate", "--client-id", "0b9e3c43-5d5f-4c0e-9b7a-3c1f2e4d5a6b", "--secret-id", "fixes/no-client", "--create-secret"], kit.env, {
        timeoutMs: CLI_TIMEOUT_MS,
      });
      expect([1, 2]).toContain(run.code);
      expect(run.stderr).toMatch(/0b9e3c43-5d5f-4c0e-9b7a-3c1f2e4d5a6b/);
      expect(run.stderr).toMatch(/fix: .*(does not exist|client id|--client-id)/i);
      expect(run.stderr).not.toMatch(/GENESYSCLOUD_OAUTHCLIENT_SECRET|AWS_/);
    },
    SLOW,
  );

  it(
    "a 5xx that persists is a server error (exit 1) quoting no network fix",
    async () => {
      kit.sandbox.genesys.control.addFault({ route: "GET /api/v2/oauth/clients/{clientId}", errorRate: 1, errorStatus: 500 });
      const run = await rotate("genesys-500");
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/\[exit 1, server-error\]/);
      expect(run.stderr).toMatch(/fix: Genesys Cloud had an internal error: retry later/);
    },
    SLOW,
  );

  it(
    "a 429 that persists is rate limiting (exit 1): lower --concurrency",
    async () => {
      kit.sandbox.genesys.control.addFault({ route: "GET /api/v2/oauth/clients/{clientId}", errorRate: 1, errorStatus: 429 });
      const run = await rotate("genesys-429");
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/\[exit 1, rate-limited\]/);
      expect(run.stderr).toMatch(/fix: Genesys Cloud is throttling the admin client: lower --concurrency/);
    },
    SLOW,
  );

  it(
    "a gateway nothing listens on is unreachable (exit 1): check the region and gateway variables",
    async () => {
      const client = await kit.createClient("fix-genesys-down");
      const run = await runKeyward(
        ["rotate", "--client-id", client.id, "--secret-id", "fixes/genesys-down", "--create-secret"],
        { ...kit.env, GENESYSCLOUD_GATEWAY_PORT: String(await closedPort()) },
        { timeoutMs: CLI_TIMEOUT_MS },
      );
      expect([1, 2]).toContain(run.code);
      expect(run.stderr).toMatch(/could not connect|unreachable/);
      expect(run.stderr).toMatch(/fix: .*GENESYSCLOUD_REGION, the GENESYSCLOUD_GATEWAY_\* variables/);
    },
    SLOW,
  );

  it(
    "a token endpoint that never answers is a timeout naming KEYWARD_HTTP_TIMEOUT_SECONDS",
    async () => {
      const client = await kit.createClient("fix-genesys-hang");
      kit.sandbox.genesys.control.addFault({ route: "POST /oauth/token", hang: true });
      const run = await runKeyward(
        ["rotate", "--client-id", client.id, "--secret-id", "fixes/genesys-hang", "--create-secret"],
        { ...kit.env, KEYWARD_HTTP_TIMEOUT_SECONDS: "1" },
        { timeoutMs: CLI_TIMEOUT_MS },
      );
      expect([1, 2]).toContain(run.code);
      expect(run.stderr).toMatch(/timed out/);
      expect(run.stderr).toMatch(/fix: .*KEYWARD_HTTP_TIMEOUT_SECONDS/);
    },
    SLOW,
  );
});
