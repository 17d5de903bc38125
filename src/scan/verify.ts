import { checkCredentials, type CredentialStatus, type CredentialTarget } from "../genesys/check-credentials.js";
import { GENESYS_REGIONS, resolveEndpoints } from "../genesys/regions.js";
import { genesysSettingsFromEnv } from "../genesys/settings.js";
import { secretOf, type Finding, type Verdict } from "./finding.js";

export type Check = (clientId: string, secret: string, target: CredentialTarget) => Promise<CredentialStatus>;

export const VERIFY_CONCURRENCY = 4;

/**
 * Where a pair is tried: the configured gateway (GENESYSCLOUD_GATEWAY_*, e.g. the sandbox) for every pair;
 * otherwise the region of the host found next to the finding, else GENESYSCLOUD_REGION, else every region.
 */
export function verifyTargets(finding: Finding, env: NodeJS.ProcessEnv): CredentialTarget[] {
  if (env.GENESYSCLOUD_GATEWAY_HOST) {
    const { endpoints } = genesysSettingsFromEnv({ ...env, GENESYSCLOUD_OAUTHCLIENT_ID: undefined, GENESYSCLOUD_OAUTHCLIENT_SECRET: undefined });
    return [endpoints];
  }
  const region = finding.region ?? env.GENESYSCLOUD_REGION?.trim();
  if (region) {
    const { loginBaseUrl, apiBaseUrl } = resolveEndpoints({ region });
    return [{ loginBaseUrl, apiBaseUrl }];
  }
  return GENESYS_REGIONS.map((r) => ({ loginBaseUrl: `https://login.${r.domain}`, apiBaseUrl: `https://api.${r.domain}` }));
}

/**
 * Combines the answers of several regions: live if any region mints a token, dead only if every region said
 * invalid_client, unknown otherwise. Never dead on a failure.
 */
export function combineVerdicts(statuses: CredentialStatus[]): Verdict {
  if (statuses.includes("live")) return "live";
  if (statuses.length > 0 && statuses.every((s) => s === "dead")) return "dead";
  return "unknown";
}

/**
 * Classifies every finding that has a client id with a token grant (bounded concurrency, each pair once, each
 * minted token revoked by checkCredentials). A secret without a client id cannot be tried and stays unverified.
 */
export async function verifyFindings(findings: Finding[], env: NodeJS.ProcessEnv, options: { check?: Check; concurrency?: number } = {}): Promise<void> {
  const check = options.check ?? ((id, secret, target) => checkCredentials(id, secret, target));
  const cache = new Map<string, Promise<Verdict>>();
  const verdictOf = (finding: Finding): Promise<Verdict> => {
    const clientId = finding.clientId!;
    const secret = secretOf(finding);
    const targets = verifyTargets(finding, env);
    const key = `${clientId}\0${secret}\0${JSON.stringify(targets)}`;
    let pending = cache.get(key);
    if (!pending) {
      pending = (async () => {
        const statuses: CredentialStatus[] = [];
        for (const target of targets) {
          const status = await check(clientId, secret, target).catch(() => "unknown" as const);
          statuses.push(status);
          if (status === "live") break;
        }
        return combineVerdicts(statuses);
      })();
      cache.set(key, pending);
    }
    return pending;
  };
  const queue = findings.filter((f) => f.clientId !== null);
  let next = 0;
  const worker = async () => {
    while (next < queue.length) {
      const finding = queue[next++]!;
      finding.verdict = await verdictOf(finding);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.concurrency ?? VERIFY_CONCURRENCY) }, worker));
}
