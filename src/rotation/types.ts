import type { Outcome, ExitCode } from "../core/exit-codes.js";
import type { Logger } from "../core/log.js";
import type { OAuthClient } from "../genesys/types.js";
import type { SecretStore, StoredCredentials } from "../secrets/index.js";
import type { Clock } from "./clock.js";
import type { Liveness } from "./decide.js";
import type { RunGate } from "./interrupt.js";
import type { RotationPolicy } from "./policy.js";

/** One entry of a rotation: which OAuth client, and which Secrets Manager secret receives its credentials. */
export interface RotationTarget {
  clientId?: string;
  clientName?: string;
  /**
   * Alternating rotation (README "Alternating clients"): the pair's second client. The rotation regenerates whichever
   * of the two is not at AWSCURRENT and makes it current; the other keeps working until the next rotation.
   */
  standbyClientId?: string;
  secretId: string;
}

/** See `OAuthClientsApi.regenerateSecret`: the rotation's last word on whether the request may still be sent. */
export interface RegenerateOptions {
  notAfter?: number;
  beforeSend?: () => void;
}

/** What a rotation needs from the outside world; each piece is a narrow interface the caller wires. */
export interface RotationDeps {
  genesys: {
    /** The admin client's own id (rotating it kills the credentials the run itself uses). */
    adminClientId: string;
    /** Proves the admin credentials work (a token grant; cached). */
    adminToken(): Promise<unknown>;
    /**
     * The permissions a rotation needs that the admin client's roles do not grant (`oauth:client:edit`, …), read
     * from its roles; empty when all are there; undefined when the roles cannot be read (no
     * `authorization:role:view`): the check is then skipped and the dry run says so. Cached per run.
     */
    missingPermissions?(): Promise<string[] | undefined>;
    getClient(id: string): Promise<OAuthClient>;
    listClients(): Promise<OAuthClient[]>;
    /** `POST /api/v2/oauth/clients/{id}/secret`: returns the new secret. */
    regenerateSecret(id: string, options?: RegenerateOptions): Promise<string>;
  };
  store: SecretStore;
  /** Token grant with the given pair: live / dead / unknown. */
  check(clientId: string, secret: string): Promise<Liveness>;
  /** `GENESYSCLOUD_REGION` written into the stored value. */
  region: string;
  gateway?: StoredCredentials["gateway"];
  logger: Logger;
  /** The clock every wait and budget uses; the system clock by default. */
  clock?: Clock;
  /** Worst cases the critical budget counts (src/rotation/wire.ts computes them from the configured timeouts). */
  timing?: {
    /** One regenerate attempt (the Genesys request timeout). */
    regenerateMs: number;
    /** One token grant with the new secret, its retries and the revoke of the minted token included. */
    checkMs: number;
  };
}

export interface RotateOptions {
  createSecret?: boolean;
  dryRun?: boolean;
  policy?: Partial<RotationPolicy>;
  /**
   * Called with every new secret the moment Genesys returns it, before anything else touches it
   * (GitHub Actions masking). Must not store or print the value.
   */
  onNewSecret?: (clientId: string, secret: string) => void | Promise<void>;
  /**
   * Allow writing over a secret that belongs to another client (its tag or its stored document says so), and
   * move this client's claim away from any other secret that holds it (`--take-over`).
   */
  takeOver?: boolean;
  /** Allow rotating the admin client itself (`--rotate-self`). */
  rotateSelf?: boolean;
  /** Critical sections and stop requests (signals, deadlines): no regenerate starts once a stop is requested. */
  gate?: RunGate;
  /**
   * `repair` (src/rotation/repair.ts): take the lock, promote a pending secret of an interrupted rotation that still
   * works, and regenerate only when AWSCURRENT does not authenticate. Default `rotate`.
   */
  mode?: "rotate" | "repair";
  /**
   * A go/no-go awaited after the lock and the guards, right before the regenerate (the point of no return): `false`
   * ends the run skipped (reason `called-off`) with nothing changed and the lock released. The janitor takes a managed
   * client's lock while the leaked secret is still being verified, and says go only once it is proven live.
   */
  proceed?: () => Promise<boolean>;
  /** Who rotates, for the lock's record (`keyward rotate` by default). */
  by?: string;
  /**
   * The ARN of the secret the admin credentials were read from (KEYWARD_ADMIN_SECRET_ARN): rotating the admin client
   * is allowed only into that secret, so the next command reads the new secret from where it looks.
   */
  adminSecretArn?: string;
}

export interface RotationTimings {
  preflightMs: number;
  regenerateMs: number;
  storeMs: number;
  verifyMs: number;
  totalMs: number;
}

/** The report of one rotation. Never contains a secret. */
export interface RotationResult {
  clientId: string;
  clientName?: string;
  secretId: string;
  secretArn?: string;
  /** Version at AWSCURRENT that was verified. */
  versionId?: string;
  status: "rotated" | "dry-run" | "failed" | "skipped";
  /** What became of it, as a type; `exitCode` is looked up from it (src/core/exit-codes.ts). */
  outcome: Outcome;
  exitCode: ExitCode;
  /** Short slug of the failure, e.g. `not-stored`, `client-not-active`. */
  reason?: string;
  message?: string;
  hint?: string;
  /** Regenerates performed (more than 1 only when a concurrent run raced this one). */
  regenerations: number;
  /** True when the verified AWSCURRENT value was written by a concurrent run. */
  superseded?: boolean;
  createdSecret?: boolean;
  /** Secrets that held this client's claim before `--take-over` moved it here. */
  tookOverFrom?: string[];
  /** The admin client rotated itself: its own environment's secret is now invalid. */
  selfRotated?: boolean;
  /** `alternating` when the secret holds a pair (`standbyClientId`). */
  rotation?: "single" | "alternating";
  /** The client whose secret was regenerated (the pair's standby in alternating rotation). */
  regeneratedClientId?: string;
  /** The client whose document is at AWSCURRENT afterwards. */
  currentClientId?: string;
  /** A repair (or a rotation that found an interrupted one): what it did before or instead of regenerating. */
  recovered?: "promoted-pending" | "healthy";
  /**
   * A pair's first rotation: the other member's secret (its creation-time one, which no document holds) was
   * regenerated and the new value discarded (`sealed`), or that regenerate failed (`not-sealed`: the next rotation
   * regenerates that member anyway).
   */
  pairMember?: { clientId: string; outcome: "sealed" | "not-sealed"; reason?: string };
  plan?: { clientState: string; secretExists: boolean; wouldCreateSecret: boolean; steps: string[] };
  timings: RotationTimings;
}
