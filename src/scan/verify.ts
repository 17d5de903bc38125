import type { CandidateClientId } from "../contracts/verdict.js";
import { GENESYS_REGIONS, resolveEndpoints } from "../genesys/regions.js";
import {
  createLivenessEngine,
  livenessEngineFromEnv,
  orgsConfigured,
  type DocumentReader,
  type LivenessEngine,
  type LivenessStats,
  type LivenessVerdict,
} from "../liveness/index.js";
import { secretOf, type Finding } from "./finding.js";

/**
 * The engine `keyward scan --verify` and the scan Action use: the configured org(s) (README "Several orgs"); with
 * none configured, every public region, without credentials (a live pair is still found; nothing can be proven dead).
 */
export async function scanEngine(env: NodeJS.ProcessEnv, readDocument?: DocumentReader): Promise<LivenessEngine> {
  if (orgsConfigured(env)) return livenessEngineFromEnv(env, readDocument ? { readDocument } : {});
  const orgs = GENESYS_REGIONS.map((r) => {
    const { loginBaseUrl, apiBaseUrl } = resolveEndpoints({ region: r.name });
    return { name: r.name, region: r.name, settings: { region: r.name, endpoints: { loginBaseUrl, apiBaseUrl } } };
  });
  return createLivenessEngine({ orgs });
}

/** A finding's candidate client ids: what the scanner paired with it (until findings carry all their candidates). */
export function candidatesOf(finding: Finding): CandidateClientId[] {
  const listed = (finding as Finding & { candidates?: CandidateClientId[] }).candidates;
  if (listed && listed.length > 0) return listed;
  return finding.clientId ? [{ clientId: finding.clientId.toLowerCase(), provenance: "nearby" }] : [];
}

/** Writes the engine's verdict into the finding: a live one names the client (and org) it is live for. */
export function applyVerdict(finding: Finding, verdict: LivenessVerdict): void {
  const f = finding;
  switch (verdict.verdict) {
    case "live":
      f.verdict = "live";
      f.clientId = verdict.clientId;
      f.org = verdict.org;
      return;
    case "dead":
      f.verdict = "dead";
      f.org = verdict.orgs.join(",");
      return;
    case "unknown":
      f.verdict = "unknown";
      if (verdict.org) f.org = verdict.org;
      return;
    case "unpaired":
      f.verdict = "unpaired";
      return;
  }
}

/**
 * Classifies every finding through the liveness engine (README "What proves a secret dead"): its candidate client
 * ids, then, with org credentials, every active client-credentials client of the org. Each pair is granted once per
 * run, each minted token revoked at once.
 */
export async function verifyFindings(
  findings: Finding[],
  env: NodeJS.ProcessEnv,
  options: { engine?: LivenessEngine; readDocument?: DocumentReader } = {},
): Promise<LivenessStats> {
  const engine = options.engine ?? (await scanEngine(env, options.readDocument));
  await Promise.all(
    findings.map(async (finding) => {
      const verdict = await engine.verify({ secret: secretOf(finding), candidates: candidatesOf(finding), region: finding.region ?? undefined });
      applyVerdict(finding, verdict);
    }),
  );
  return engine.stats();
}
