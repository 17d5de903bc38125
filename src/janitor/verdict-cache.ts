import { createHmac, randomBytes } from "node:crypto";
import type { Verdict } from "./decide.js";

/**
 * Token-grant verdicts by (keyed fingerprint of the secret, client id), for a window: a replayed delivery (the same
 * signed body under new delivery ids) costs no more grants than one check. Only `dead` is remembered (a refused
 * secret stays refused: it was regenerated, or never was one); `live` and `unknown` are always asked again, and
 * concurrent checks of the same pair share one grant.
 */
export interface VerdictCache {
  check(clientId: string, secret: string, run: () => Promise<Verdict>): Promise<Verdict>;
  /**
   * The same, but a `live` answer from within the window is reused too: for health checks of a stored secret (a
   * managed secret's AWSCURRENT), never for proving a leaked pair refused.
   */
  checkHealth(clientId: string, secret: string, run: () => Promise<Verdict>): Promise<Verdict>;
  /** Records a verdict proven elsewhere (the leaked pair refused after containment). */
  remember(clientId: string, secret: string, verdict: Verdict): void;
  readonly size: number;
}

export function verdictCache(options: { windowMs?: number; maxEntries?: number; now?: () => number } = {}): VerdictCache {
  const windowMs = options.windowMs ?? 10 * 60_000;
  const maxEntries = options.maxEntries ?? 10_000;
  const now = options.now ?? Date.now;
  const key = randomBytes(32);
  const dead = new Map<string, number>();
  const healthy = new Map<string, number>();
  const inflight = new Map<string, Promise<Verdict>>();
  const id = (clientId: string, secret: string) => createHmac("sha256", key).update(clientId.toLowerCase()).update("\0").update(secret).digest("base64url");
  const remember = (k: string, verdict: Verdict) => {
    if (verdict !== "dead") return void dead.delete(k);
    if (dead.size >= maxEntries) for (const [old, at] of dead) if (now() - at >= windowMs || dead.size >= maxEntries) dead.delete(old);
    dead.set(k, now());
  };
  return {
    async check(clientId, secret, run) {
      const k = id(clientId, secret);
      const at = dead.get(k);
      if (at !== undefined && now() - at < windowMs) return "dead";
      const pending = inflight.get(k);
      if (pending) return pending;
      const p = run().then((v) => {
        remember(k, v);
        return v;
      });
      inflight.set(k, p);
      try {
        return await p;
      } finally {
        inflight.delete(k);
      }
    },
    async checkHealth(clientId, secret, run) {
      const k = id(clientId, secret);
      const at = healthy.get(k);
      if (at !== undefined && now() - at < windowMs) return "live";
      const verdict = await this.check(clientId, secret, run);
      if (verdict === "live") {
        if (healthy.size >= maxEntries) healthy.clear();
        healthy.set(k, now());
      } else healthy.delete(k);
      return verdict;
    },
    remember: (clientId, secret, verdict) => remember(id(clientId, secret), verdict),
    get size() {
      return dead.size;
    },
  };
}
