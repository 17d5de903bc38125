import { KeywardError } from "../core/errors.js";
import type { Logger } from "../core/log.js";
import { GenesysApiError, requestClientCredentialsToken, Transport, type GenesysClient } from "../genesys/index.js";
import { rotateClient } from "../rotation/rotate-client.js";
import type { RotationDeps, RotationResult } from "../rotation/rotate-client.js";
import type { Verdict } from "./decide.js";
import type { ContainAction } from "./policy.js";

export interface ContainContext {
  clientId: string;
  leakedSecret: string;
  genesys: GenesysClient;
  rotationDeps: () => RotationDeps;
  /** Where a rotate stores the new secret. */
  secretId?: string;
  /** A rotation into `secretId` already under way (started beside the verification, told to go): its report. */
  prepared?: Promise<RotationResult | undefined>;
  /** Token-grant verdict with the janitor's bounded retries. */
  check(clientId: string, secret: string): Promise<Verdict>;
  logger: Logger;
  sleep: (ms: number) => Promise<void>;
  now: () => number;
  /** Epoch ms: proving the leaked pair refused stops waiting here. */
  deadlineMs: number;
}

export interface ContainResult {
  /** The action that finally took effect (a failed disable falls back to revoke, a refused rotate too). */
  performed: ContainAction | "none";
  /** The leaked pair is refused by the token endpoint now (proven). */
  refused: boolean;
  /**
   * The action took effect (the secret was regenerated, the client disabled or deleted) but the token endpoint has not
   * yet answered whether the leaked pair is refused (rate limits, 5xx): the delivery is retried to prove it.
   */
  unconfirmed?: boolean;
  /** A rotation regenerated the secret but could not store or verify the new one: the managed secret needs repair. */
  repairNeeded?: boolean;
  /** Set when a rotate stored the working secret. */
  secretId?: string;
  errors: string[];
}

/**
 * Step 3, one action. Every path ends by proving that the leaked pair is refused. What never happens: a revoke after
 * a rotation that stored and verified a new secret (it would kill the secret just stored); an `unknown` answer is
 * asked again until the deadline, and stays `unconfirmed`. A rotate refused before it regenerated (a guard), a
 * disable or a delete that did not refuse the pair falls back to revoke (regenerate and discard).
 */
export async function contain(action: ContainAction, ctx: ContainContext): Promise<ContainResult> {
  const errors: string[] = [];
  const log = ctx.logger.child({ clientId: ctx.clientId });

  if (action === "rotate" && ctx.secretId) {
    // rotateSelf: a leak of the janitor's own client is contained by rotating its own secret into its own document.
    // The rotation started beside the verification, unless it never started or stopped before its regenerate (its
    // lock expired while the verification waited, a guard): then a rotation of its own, whose guards decide again.
    const early = ctx.prepared ? await ctx.prepared : undefined;
    const rotated =
      early && (early.status === "rotated" || early.regenerations > 0)
        ? early
        : await rotateClient({ clientId: ctx.clientId, secretId: ctx.secretId }, ctx.rotationDeps(), { rotateSelf: true });
    if (rotated.status === "rotated") return settle("rotate", await proveRefused(ctx), errors, { secretId: ctx.secretId });
    errors.push(`contain:rotate-${rotated.reason ?? "failed"}`);
    if (rotated.regenerations > 0) {
      // Regenerated but not stored (or not verified): the leak is dead, the managed secret needs the repair path.
      log.warn("rotate regenerated but did not store a verified secret; the managed secret will be repaired", { reason: rotated.reason });
      return settle("rotate", await proveRefused(ctx), errors, { repairNeeded: true });
    }
    log.warn("rotate refused before it regenerated; falling back to revoke", { reason: rotated.reason });
    return revoke(ctx, errors);
  }
  if (action === "rotate" || action === "revoke") return revoke(ctx, errors);

  if (action === "disable") {
    // A token minted before the disable: afterwards it must be refused too, or the disable did not contain.
    const probe = await mintProbe(ctx).catch(() => undefined);
    try {
      await ctx.genesys.oauthClients.setState(ctx.clientId, "disabled");
    } catch (err) {
      errors.push(`contain:disable-${reasonOf(err)}`);
    }
    const secret = await proveRefused(ctx);
    const tokenRefused = probe ? await probe.refused() : true;
    if (!probe) errors.push("contain:disable-probe-token-unavailable");
    if (secret !== "live" && tokenRefused) return settle("disable", secret, errors);
    log.warn("disable did not refuse the leaked secret and an earlier token; falling back to revoke", { secret, tokenRefused });
    if (!tokenRefused) errors.push("contain:disable-token-still-accepted");
    const fallback = await revoke(ctx, errors);
    await probe?.revoke();
    return fallback;
  }

  // delete: inactive, then DELETE (OAuthClientsApi.delete does both, and treats "already gone" as done).
  try {
    await ctx.genesys.oauthClients.delete(ctx.clientId);
    const secret = await proveRefused(ctx);
    if (secret !== "live") return settle("delete", secret, errors);
  } catch (err) {
    errors.push(`contain:delete-${reasonOf(err)}`);
  }
  return revoke(ctx, errors);
}

function settle(performed: ContainAction, verdict: Verdict, errors: string[], extra: Partial<ContainResult> = {}): ContainResult {
  if (verdict === "dead") return { performed, refused: true, errors, ...extra };
  if (verdict === "unknown") return { performed, refused: false, unconfirmed: true, errors, ...extra };
  errors.push(`contain:${performed}-leaked-still-live`);
  return { performed, refused: false, errors, ...extra };
}

/** Regenerate and discard: the leaked secret is dead, the client stays. Retried once unless it took effect. */
async function revoke(ctx: ContainContext, errors: string[]): Promise<ContainResult> {
  let regenerated = false;
  for (let attempt = 1; attempt <= 2 && !regenerated; attempt++) {
    try {
      await ctx.genesys.oauthClients.regenerateSecret(ctx.clientId);
      regenerated = true;
    } catch (err) {
      errors.push(`contain:revoke-${reasonOf(err)}`);
      // A lost answer may have taken effect: never regenerate twice for nothing.
      if ((await ctx.check(ctx.clientId, ctx.leakedSecret)) === "dead") return { performed: "revoke", refused: true, errors };
      if (attempt < 2) await ctx.sleep(300);
    }
  }
  if (!regenerated) return { performed: "none", refused: false, errors };
  return settle("revoke", await proveRefused(ctx), errors);
}

/** Bound on the checks that prove a pair refused after an action. */
const PROOF_ROUNDS = 6;

/** Asks until the token endpoint answers live or dead (each round with the check's own retries), within the deadline. */
async function proveRefused(ctx: ContainContext): Promise<Verdict> {
  let verdict: Verdict = "unknown";
  for (let round = 1; round <= PROOF_ROUNDS; round++) {
    verdict = await ctx.check(ctx.clientId, ctx.leakedSecret);
    if (verdict !== "unknown") return verdict;
    const wait = Math.min(10_000, 1_000 * 2 ** (round - 1));
    if (round === PROOF_ROUNDS || ctx.now() + wait >= ctx.deadlineMs) break;
    await ctx.sleep(wait);
  }
  return verdict;
}

interface Probe {
  refused(): Promise<boolean>;
  revoke(): Promise<void>;
}

const TOKENS_ME = "/api/v2/tokens/me";

async function mintProbe(ctx: ContainContext): Promise<Probe> {
  const { loginBaseUrl, apiBaseUrl } = ctx.genesys.settings.endpoints;
  const transport = new Transport({
    sleep: ctx.sleep,
    logger: ctx.logger,
    timeoutMs: 5_000,
    retryPolicy: { maxAttempts: 2, baseDelayMs: 200, maxDelayMs: 1_000, maxRetryAfterSeconds: 5, jitter: "full" },
  });
  const { accessToken } = await requestClientCredentialsToken(transport, loginBaseUrl, ctx.clientId, ctx.leakedSecret);
  const call = (method: "GET" | "DELETE") =>
    transport.send({
      method,
      url: apiBaseUrl + TOKENS_ME,
      route: TOKENS_ME,
      endpoint: "api",
      headers: { Authorization: `Bearer ${accessToken}` },
      clientId: ctx.clientId,
      acceptStatus: [401, 403, 404],
    });
  return {
    refused: async () => {
      try {
        return (await call("GET")).status === 401;
      } catch {
        return false;
      }
    },
    revoke: async () => {
      await call("DELETE").catch(() => undefined);
    },
  };
}

function reasonOf(err: unknown): string {
  if (err instanceof GenesysApiError) return err.reason;
  if (err instanceof KeywardError) return err.reason;
  return "error";
}
