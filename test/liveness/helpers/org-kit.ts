import { genesysSettingsFromEnv } from "../../../src/genesys/index.js";
import type { OrgConfig } from "../../../src/liveness/orgs.js";
import { BUILTIN_ROLES, startGenesysEmulator, type GenesysEmulator, type SeedClient, type SeededClient } from "../../../src/sandbox/genesys/index.js";

/** What the emulator says about a pair: the truth every verdict in these tests is judged against. */
export interface PairTruth {
  valid: boolean;
  matches: boolean;
  state: string;
}

/** One emulated org (its own Genesys emulator on loopback) with an admin client, and a record of every secret minted. */
export interface OrgKit {
  emulator: GenesysEmulator;
  admin: SeededClient;
  /** The org as keyward's configuration would describe it: region plus the emulator as gateway, admin credentials unless told otherwise. */
  org(name: string, options?: { credentials?: boolean; region?: string }): OrgConfig;
  /** Seeds a client-credentials client (a fresh random secret unless given) and records its secret. */
  client(name: string, options?: Partial<SeedClient>): SeededClient;
  /** `POST /genesys/secret-check` on the emulator's control API. */
  truth(clientId: string, secret: string): Promise<PairTruth>;
  /** Token requests the emulator answered so far (every status). */
  tokenRequests(): number;
  minted: Set<string>;
  close(): Promise<void>;
}

export async function startOrgKit(options: { tokenRequestsPerWindow?: number } = {}): Promise<OrgKit> {
  const emulator = await startGenesysEmulator({ limits: { tokenRequestsPerWindow: options.tokenRequestsPerWindow ?? 1_000_000 } });
  const [admin] = emulator.control.seed({ clients: [{ name: "org-admin", roleIds: [BUILTIN_ROLES.admin] }] }).clients as [SeededClient];
  const minted = new Set<string>([admin.secret]);
  return {
    emulator,
    admin,
    minted,
    org: (name, o = {}) => {
      const settings = genesysSettingsFromEnv({
        GENESYSCLOUD_REGION: o.region ?? "us-east-1",
        GENESYSCLOUD_GATEWAY_HOST: "127.0.0.1",
        GENESYSCLOUD_GATEWAY_PORT: String(emulator.port),
        GENESYSCLOUD_GATEWAY_PROTOCOL: "http",
        ...(o.credentials === false ? {} : { GENESYSCLOUD_OAUTHCLIENT_ID: admin.id, GENESYSCLOUD_OAUTHCLIENT_SECRET: admin.secret }),
      });
      return { name, region: settings.region, settings };
    },
    client: (name, o = {}) => {
      const [c] = emulator.control.seed({ clients: [{ name, roleIds: [BUILTIN_ROLES.readonly], ...o }] }).clients as [SeededClient];
      minted.add(c.secret);
      return c;
    },
    truth: async (clientId, secret) => (await emulator.handleControl("POST", "/secret-check", { clientId, secret })).body as PairTruth,
    tokenRequests: () => Object.values(emulator.control.state().requests["POST /oauth/token"] ?? {}).reduce((a, b) => a + b, 0),
    close: () => emulator.close(),
  };
}
