import { canonicalClientId } from "../../contracts/client-id-tag.js";
import type { Logger } from "../../core/log.js";
import { rotateClient, type RotationDeps } from "../../rotation/rotate-client.js";
import type { Verdict } from "../decide.js";
import type { ManagedTargets } from "../targets.js";
import type { AlertState } from "./collect.js";
import { reasonOf, type DeliveryContext } from "./context.js";

/**
 * What a managed secret's health check found. "A managed secret's AWSCURRENT does not authenticate" is observable,
 * so the repair needs no record of what went wrong: a crash between a regenerate and its store, a store that
 * failed, a revoke that fell back past a refused rotation — any later delivery, redelivery or sweep that sees it
 * rotates again, stores, and tells a human.
 */
export type ManagedHealth =
  /** AWSCURRENT authenticates. `rotatedAfter`: keyward rotated it after the alert was raised (the leak was contained by rotation). */
  | { kind: "healthy"; clientId: string; secretId: string; rotatedAfter: boolean }
  /** It did not authenticate and was rotated again: it works now. */
  | { kind: "repaired"; clientId: string; secretId: string }
  /** It does not authenticate and the repair failed (`reason`): retried, a human is told on the last try. */
  | { kind: "repair-failed"; clientId: string; secretId: string; reason: string }
  /** Could not be checked (the token endpoint or Secrets Manager kept failing). */
  | { kind: "unknown"; clientId: string; secretId: string };

export interface HealthDeps {
  targets: ManagedTargets;
  rotationDeps(): RotationDeps;
  check(clientId: string, secret: string): Promise<Verdict>;
  logger: Logger;
  dryRun: boolean;
}

/**
 * Checks one managed secret and repairs it when its AWSCURRENT is dead. `knownDead`: a secret already proven dead
 * (the leaked one), so a stored copy of it needs no token grant to be known dead.
 */
export async function checkManagedSecret(
  deps: HealthDeps,
  target: { clientId: string; secretId: string },
  options: { knownDead?: string; alert?: AlertState } = {},
): Promise<ManagedHealth> {
  const { clientId, secretId } = target;
  let verdict: Verdict;
  let rotatedAfter = false;
  try {
    const doc = await deps.targets.current(secretId);
    if (!doc || canonicalClientId(doc.clientId) !== canonicalClientId(clientId)) verdict = "dead";
    else {
      verdict = options.knownDead !== undefined && doc.clientSecret === options.knownDead ? "dead" : await deps.check(doc.clientId, doc.clientSecret);
      const raised = options.alert?.createdAt ? Date.parse(options.alert.createdAt) : Number.NaN;
      rotatedAfter = doc.rotatedBy === "keyward" && typeof doc.rotatedAt === "string" && Date.parse(doc.rotatedAt) >= raised;
    }
  } catch (err) {
    deps.logger.warn("managed secret could not be read", { secretId, reason: reasonOf(err) });
    return { kind: "unknown", clientId, secretId };
  }
  if (verdict === "live") return { kind: "healthy", clientId, secretId, rotatedAfter };
  if (verdict === "unknown") return { kind: "unknown", clientId, secretId };
  if (deps.dryRun) return { kind: "repair-failed", clientId, secretId, reason: "dry-run" };
  deps.logger.warn("managed secret does not authenticate; rotating it again", { clientId, secretId });
  const rotated = await rotateClient({ clientId, secretId }, deps.rotationDeps());
  if (rotated.status === "rotated") {
    void deps.targets.refresh();
    return { kind: "repaired", clientId, secretId };
  }
  return { kind: "repair-failed", clientId, secretId, reason: rotated.reason ?? "failed" };
}

/** The step for a leak found dead: the managed secrets of its candidates are checked (and repaired). */
export async function checkCandidatesManaged(ctx: DeliveryContext, candidates: readonly string[], leaked: string, alert: AlertState | undefined): Promise<ManagedHealth[]> {
  const { deps } = ctx;
  const own = canonicalClientId(deps.genesys.ownClientId());
  const out: ManagedHealth[] = [];
  for (const id of candidates.slice(0, 8)) {
    if (canonicalClientId(id) === own) continue;
    let secretId: string | undefined;
    try {
      secretId = await deps.targets.secretFor(id);
    } catch (err) {
      ctx.errors.push(`repair:secret-lookup-${reasonOf(err)}`);
      continue;
    }
    if (!secretId) continue;
    const health = await checkManagedSecret(
      {
        targets: deps.targets,
        rotationDeps: () => deps.genesys.rotationDeps(),
        check: (c, s) => ctx.verdicts.checkHealth(c, s, () => ctx.check(c, s)),
        logger: ctx.log,
        dryRun: deps.policy.dryRun,
      },
      { clientId: canonicalClientId(id), secretId },
      { knownDead: leaked, ...(alert ? { alert } : {}) },
    );
    if (health.kind === "repair-failed") ctx.errors.push(`repair:${health.reason}`);
    out.push(health);
  }
  return out;
}
