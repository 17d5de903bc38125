import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { createLogger, type Logger } from "../../src/core/log.js";
import { checkCredentials, createGenesysClient, genesysSettingsFromEnv, type CredentialStatus, type GenesysClient } from "../../src/genesys/index.js";
import type { OAuthClientWithSecret } from "../../src/genesys/index.js";
import { startSandbox, type Sandbox } from "../../src/sandbox/sandbox.js";
import { BUILTIN_ROLES } from "../../src/sandbox/genesys/index.js";
import { createSecretStore, type SecretStore } from "../../src/secrets/index.js";
import { rotationDeps } from "../../src/rotation/wire.js";
import type { RotationDeps } from "../../src/rotation/rotate-client.js";

/** A started sandbox plus everything a test needs to act on it, and a record of every secret minted. */
export interface SandboxKit {
  sandbox: Sandbox;
  env: Record<string, string>;
  /** A fresh admin Genesys client (its own token), as a separate keyward process would have. */
  genesys(): GenesysClient;
  store(options?: { maxAttempts?: number }): SecretStore;
  sm: SecretsManagerClient;
  /** Every log line written through `logger()`. */
  logs: string[];
  logger(): Logger;
  deps(options?: { genesys?: GenesysClient; store?: SecretStore }): RotationDeps;
  /** Creates a client-credentials client (read-only role) and records its secret. */
  createClient(name: string): Promise<OAuthClientWithSecret>;
  /** Token-grant verdict for a pair, against the sandbox's Genesys emulator. */
  check(clientId: string, secret: string): Promise<CredentialStatus>;
  /** The credential document at AWSCURRENT (its secret is added to `minted`). */
  stored(secretId: string): Promise<{ clientId: string; clientSecret: string; region: string; versionId: string }>;
  /** Every secret this test run has seen minted: created clients, and whatever the emulator stored. */
  minted: Set<string>;
  /** Adds every value currently held in the emulated Secrets Manager (all stages) to `minted`. */
  collectStoredSecrets(): void;
  close(): Promise<void>;
}

export async function startSandboxKit(): Promise<SandboxKit> {
  const sandbox = await startSandbox();
  const env = sandbox.env;
  const settings = genesysSettingsFromEnv(env);
  const logs: string[] = [];
  const minted = new Set<string>([sandbox.admin.secret, sandbox.janitor.secret]);
  const logger = () => createLogger({ level: "debug", write: (line) => logs.push(line) });
  // The test's own view of Secrets Manager: it must not fail a test on a transient error (a reset keep-alive socket).
  const sm = new SecretsManagerClient({ endpoint: sandbox.secretsManager.url, region: sandbox.region, credentials: sandbox.awsCredentials, maxAttempts: 3 });
  const store = (options: { maxAttempts?: number } = {}) =>
    createSecretStore({
      client: new SecretsManagerClient({
        endpoint: sandbox.secretsManager.url,
        region: sandbox.region,
        credentials: sandbox.awsCredentials,
        maxAttempts: options.maxAttempts ?? 2,
      }),
    });
  const genesys = () => createGenesysClient(settings, { logger: logger() });
  const admin = genesys();
  return {
    sandbox,
    env,
    genesys,
    store,
    sm,
    logs,
    logger,
    deps: (options = {}) => rotationDeps(options.genesys ?? genesys(), options.store ?? store(), logger()),
    createClient: async (name) => {
      const created = await admin.oauthClients.create({
        name,
        authorizedGrantType: "CLIENT-CREDENTIALS",
        roleDivisions: [{ roleId: BUILTIN_ROLES.readonly, divisionId: "*" }],
      });
      minted.add(created.secret);
      return created;
    },
    check: (clientId, secret) => checkCredentials(clientId, secret, { loginBaseUrl: sandbox.genesys.url, apiBaseUrl: sandbox.genesys.url }),
    stored: async (secretId) => {
      const out = await sm.send(new GetSecretValueCommand({ SecretId: secretId }));
      const value = JSON.parse(out.SecretString ?? "{}") as { clientId: string; clientSecret: string; region: string };
      minted.add(value.clientSecret);
      return { ...value, versionId: out.VersionId ?? "" };
    },
    minted,
    collectStoredSecrets: () => {
      for (const secret of sandbox.secretsManager.control.state().secrets) {
        for (const version of secret.versions) {
          for (const stage of version.stages) {
            const value = sandbox.secretsManager.control.peek(secret.name, stage);
            let parsed: { clientSecret?: string } | undefined;
            try {
              parsed = value ? (JSON.parse(value) as { clientSecret?: string }) : undefined;
            } catch {
              parsed = undefined; // not a credential document
            }
            if (parsed?.clientSecret) minted.add(parsed.clientSecret);
          }
        }
      }
    },
    close: () => sandbox.close(),
  };
}

/**
 * Starts one sandbox for the test file (beforeAll), stops it (afterAll) and clears injected faults and limits
 * after each test. The returned object forwards to the kit once it has started.
 */
export function useSandboxKit(): SandboxKit {
  let kit: SandboxKit | undefined;
  beforeAll(async () => {
    kit = await startSandboxKit();
  });
  afterAll(async () => {
    await kit?.close();
  });
  afterEach(() => {
    if (!kit) return;
    kit.sandbox.genesys.control.clearFaults();
    kit.sandbox.secretsManager.control.clearFaults();
    kit.sandbox.genesys.control.setLimits({ apiRequestsPerWindow: 300, apiWindowSeconds: 60, tokenRequestsPerWindow: 1000, tokenWindowSeconds: 60 });
  });
  return new Proxy({} as SandboxKit, {
    get: (_target, property) => {
      if (!kit) throw new Error("the sandbox kit is used before beforeAll started it");
      return kit[property as keyof SandboxKit];
    },
  });
}
