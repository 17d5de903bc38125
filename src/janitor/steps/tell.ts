import type { AuditEvent } from "../../audit/index.js";
import { scrub } from "../../core/redact.js";
import type { HumanAlertKind } from "../decide.js";
import { developerMessage, humanAlert, type LeakFacts } from "../messages.js";
import type { ContainAction } from "../policy.js";
import { reasonOf, type DeliveryContext } from "./context.js";

/** Step 5's outcome. */
export interface TellOutcome {
  notified: AuditEvent["notified"];
}

export const TOLD_NOBODY: TellOutcome = { notified: "none" };

type HumanFacts = Omit<LeakFacts, "clientId"> & { clientId?: string };
type HumanExtra = Parameters<typeof humanAlert>[3];

/**
 * Step 5: the developer's DM and a human's alert, as decided (src/janitor/decide.ts `decideNotify`). A DM goes only
 * to a Slack user whose email Slack has confirmed, is exactly the commit author's and is in an allowed domain
 * (`KEYWARD_SLACK_DM_DOMAINS`); otherwise the message goes to the fallback channel. Every text is scrubbed of the
 * delivery's secrets before it leaves.
 */
export async function tell(
  ctx: DeliveryContext,
  input: {
    developer?: { leak: LeakFacts; action: ContainAction; secretId?: string; confirmed?: boolean; authorEmail?: string };
    human?: { kind: HumanAlertKind; facts: HumanFacts; extra?: HumanExtra };
  },
): Promise<TellOutcome> {
  if (ctx.deps.policy.dryRun) return TOLD_NOBODY;
  let notified: AuditEvent["notified"] = "none";
  let developerReached: boolean | undefined;
  if (input.developer) {
    const d = input.developer;
    const text = developerMessage(d.leak, d.action, d.secretId, d.confirmed ?? true);
    developerReached = await directMessage(ctx, d.authorEmail, text);
    notified = developerReached ? "dm" : (await postFallback(ctx, text)) ? "fallback-channel" : "failed";
  }
  if (input.human) {
    const text = humanAlert(input.human.kind, input.human.facts, ctx.item.deliveryId, {
      ...input.human.extra,
      ...(developerReached !== undefined ? { developerNotified: developerReached } : {}),
    });
    if (input.human.kind === "own-client" || input.human.kind === "own-client-manual")
      ctx.log.error("the janitor's own credentials leaked", { clientId: input.human.facts.clientId, deliveryId: ctx.item.deliveryId });
    const posted = await postFallback(ctx, text);
    if (notified === "none") notified = posted ? "fallback-channel" : "failed";
  }
  return { notified };
}

async function directMessage(ctx: DeliveryContext, email: string | undefined, text: string): Promise<boolean> {
  const { deps, errors } = ctx;
  const slack = ctx.slack;
  if (!slack || !email) return false;
  const domain = email.slice(email.lastIndexOf("@") + 1).toLowerCase();
  if (!email.includes("@") || !deps.dmDomains.includes(domain)) {
    errors.push("notify:dm-domain-not-allowed");
    return false;
  }
  try {
    const user = await slack.lookupByEmail(email);
    if (!user) {
      errors.push("notify:slack-user-not-found");
      return false;
    }
    if (!user.emailConfirmed || user.unusable || user.email?.toLowerCase() !== email.toLowerCase()) {
      errors.push("notify:dm-recipient-unverified");
      return false;
    }
    await slack.directMessage(user.id, { text: scrub(text) });
    return true;
  } catch (err) {
    errors.push(`notify:dm-${reasonOf(err)}`);
    return false;
  }
}

async function postFallback(ctx: DeliveryContext, text: string): Promise<boolean> {
  const { deps, errors } = ctx;
  if (!ctx.slack || !deps.fallbackChannel) {
    errors.push("notify:no-fallback-channel");
    return false;
  }
  try {
    await ctx.slack.postMessage(deps.fallbackChannel, { text: scrub(text) });
    return true;
  } catch (err) {
    errors.push(`notify:fallback-${reasonOf(err)}`);
    return false;
  }
}
