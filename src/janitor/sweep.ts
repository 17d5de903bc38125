import { canonicalClientId } from "../contracts/client-id-tag.js";
import { withRedactionScope } from "../core/redact.js";
import { humanAlert } from "./messages.js";
import type { ProcessorDeps } from "./processor.js";
import { checkManagedSecret, type ManagedHealth } from "./steps/repair.js";
import { checkWithRetries } from "./steps/verify.js";
import { reasonOf } from "./steps/context.js";

export interface SweepReport {
  checked: number;
  healthy: number;
  repaired: string[];
  failed: string[];
  unknown: string[];
}

/**
 * The scheduled sweep: every managed secret's AWSCURRENT is tried (one token grant each); one that does not
 * authenticate — a containment interrupted between its regenerate and its store, a store that failed — is rotated
 * again and a human is told. Needs no record of what went wrong: "does not authenticate" is observable.
 */
export async function sweepManagedSecrets(deps: ProcessorDeps): Promise<SweepReport> {
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const report: SweepReport = { checked: 0, healthy: 0, repaired: [], failed: [], unknown: [] };
  const own = canonicalClientId(deps.genesys.ownClientId());
  let managed: Awaited<ReturnType<ProcessorDeps["targets"]["list"]>>;
  try {
    managed = await deps.targets.list();
  } catch (err) {
    deps.logger.error("sweep: managed secrets could not be listed", { reason: reasonOf(err) });
    return report;
  }
  for (const m of managed) {
    if (m.clientId === own) continue;
    const health: ManagedHealth = await withRedactionScope(() =>
      checkManagedSecret(
        {
          targets: deps.targets,
          rotationDeps: () => deps.genesys.rotationDeps(),
          check: (id, s) => (deps.verdicts ? deps.verdicts.check(id, s, () => checkWithRetries(id, s, deps, sleep)) : checkWithRetries(id, s, deps, sleep)),
          logger: deps.logger,
          dryRun: deps.policy.dryRun,
        },
        { clientId: m.clientId, secretId: m.arn },
      ),
    );
    report.checked++;
    if (health.kind === "healthy") report.healthy++;
    else if (health.kind === "unknown") report.unknown.push(m.name);
    else {
      (health.kind === "repaired" ? report.repaired : report.failed).push(m.name);
      const text =
        health.kind === "repaired"
          ? humanAlert("repaired", { repository: null, clientId: m.clientId }, "sweep", { secretId: m.name })
          : humanAlert("gave-up", { repository: null, clientId: m.clientId }, "sweep", {
              why: `managed secret ${m.name} does not authenticate and its repair failed: ${health.reason}`,
            });
      if (deps.slack && deps.fallbackChannel && !deps.policy.dryRun)
        await deps.slack.postMessage(deps.fallbackChannel, { text }).catch((err: unknown) => deps.logger.warn("sweep: human alert failed", { reason: reasonOf(err) }));
    }
  }
  deps.logger.info("sweep done", {
    checked: report.checked,
    healthy: report.healthy,
    repaired: report.repaired.length,
    failed: report.failed.length,
    unknown: report.unknown.length,
  });
  return report;
}
