/** The one verification engine (README "What proves a secret dead", "Several orgs"): the only public surface of src/liveness. */
import type { Logger } from "../core/log.js";
import { UsageError } from "../core/errors.js";
import { createLivenessEngine, DEFAULT_MAX_GRANTS, type LivenessEngine, type LivenessEngineOptions } from "./engine.js";
import { loadOrgs, type LoadOrgsOptions } from "./orgs.js";

export { createLivenessEngine, DEFAULT_MAX_GRANTS, strongestFirst } from "./engine.js";
export type { EngineOrg, LivenessEngine, LivenessEngineOptions, LivenessQuery, LivenessStats } from "./engine.js";
export { DEFAULT_ORG_NAME, loadOrgs, ORGS_FILE_ENV, orgsConfigured } from "./orgs.js";
export type { DocumentReader, LoadOrgsOptions, OrgConfig } from "./orgs.js";
export { combine, PROVENANCE_RANK } from "./verdict.js";
export type { ClientState, CombineInput, DeadProof, GrantOutcome, LivenessVerdict, OrgFact, PairFact, UnknownReason } from "./verdict.js";

/** Most token requests one run may make (README "The cost in grants"). */
export const MAX_GRANTS_ENV = "KEYWARD_VERIFY_MAX_GRANTS";

type Env = Record<string, string | undefined>;

/**
 * The engine for one run of a command, from its environment: the configured orgs and the grant budget. Credential
 * documents (`KEYWARD_ADMIN_SECRET_ARN`, an org's `secretArn`) are read with `readDocument` — the CLI passes
 * {@link secretsManagerDocuments}; without one (the scan Action's bundle carries no AWS SDK) such an org is a
 * configuration error. Throws UsageError (exit 2) for bad configuration.
 */
export async function livenessEngineFromEnv(
  env: Env,
  options: { logger?: Logger; readDocument?: LoadOrgsOptions["readDocument"]; warn?: (line: string) => void } & Partial<LivenessEngineOptions> = {},
): Promise<LivenessEngine> {
  const orgs = await loadOrgs(env, { ...(options.readDocument ? { readDocument: options.readDocument } : {}), ...(options.warn ? { warn: options.warn } : {}) });
  const budgetText = env[MAX_GRANTS_ENV]?.trim();
  const maxGrants = budgetText ? Number(budgetText) : DEFAULT_MAX_GRANTS;
  if (!Number.isInteger(maxGrants) || maxGrants < 1) throw new UsageError(`${MAX_GRANTS_ENV} must be a whole number of token requests (at least 1), got "${budgetText}"`);
  const { readDocument: _r, warn: _w, ...engineOptions } = options;
  void _r;
  void _w;
  return createLivenessEngine({ ...engineOptions, orgs, maxGrants });
}
