import { GetSecretValueCommand, type SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { parseStoredCredentials, type StoredCredentials } from "../contracts/credential-document.js";
import { checkCredentials, type CredentialTarget } from "../genesys/index.js";

/** What one iteration of the consumer saw. */
export interface ConsumerIteration {
  /** A token grant with the credentials read in the previous iteration (the ones an integration still holds). */
  held?: "live" | "dead" | "unknown";
  /** A token grant with what Secrets Manager holds now. */
  fresh: "live" | "dead" | "unknown" | "unreadable";
  /** The client whose document was read. */
  clientId?: string;
}

/**
 * An integration that uses a rotated secret the way keyward asks consumers to: every iteration it takes a token with
 * the credentials it holds (read one iteration ago), then re-reads AWSCURRENT from Secrets Manager and takes a token
 * with that. A refused grant is what its users would see as an outage. Used by the alternating-rotation acceptance
 * test and bench P7; `intervalMs` is the re-read interval (each second in production; tests drive it by conditions).
 */
export class SecretConsumer {
  readonly iterations: ConsumerIteration[] = [];
  private held: StoredCredentials | undefined;
  private stopped = false;
  private running: Promise<void> | undefined;
  private waiters: Array<() => void> = [];
  private parked: { reached: () => void; resume: Promise<void>; release: () => void } | undefined;

  constructor(
    private readonly sm: SecretsManagerClient,
    private readonly secretId: string,
    private readonly target: CredentialTarget,
    private readonly intervalMs = 1_000,
  ) {}

  start(): void {
    this.running ??= this.loop();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.resume();
    await this.running;
  }

  /** Refused grants: with the held credentials and with freshly read ones. */
  get refused(): number {
    return this.iterations.filter((i) => i.held === "dead" || i.fresh === "dead").length;
  }

  /**
   * Parks the loop after the iteration in progress: resolves once it is parked, holding what it read last. Until
   * `resume()`, it neither re-reads nor takes tokens: the stretch of time a consumer goes between two reads.
   */
  pause(): Promise<void> {
    let reached!: () => void;
    let release!: () => void;
    const parked = new Promise<void>((resolve) => (reached = resolve));
    const resume = new Promise<void>((resolve) => (release = resolve));
    this.parked = { reached, resume, release };
    return parked;
  }

  resume(): void {
    const parked = this.parked;
    this.parked = undefined;
    parked?.release();
  }

  /** Resolves once `count` iterations have completed. */
  waitForIterations(count: number): Promise<void> {
    if (this.iterations.length >= count) return Promise.resolve();
    return new Promise((resolve) => {
      const check = () => {
        if (this.iterations.length >= count) resolve();
        else this.waiters.push(check);
      };
      check();
    });
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      const iteration: ConsumerIteration = { fresh: "unreadable" };
      if (this.held) iteration.held = await checkCredentials(this.held.clientId, this.held.clientSecret, this.target);
      try {
        const out = await this.sm.send(new GetSecretValueCommand({ SecretId: this.secretId }));
        const doc = parseStoredCredentials(out.SecretString ?? "");
        if (doc) {
          this.held = doc;
          iteration.clientId = doc.clientId;
          iteration.fresh = await checkCredentials(doc.clientId, doc.clientSecret, this.target);
        }
      } catch {
        iteration.fresh = "unreadable";
      }
      this.iterations.push(iteration);
      const waiters = this.waiters;
      this.waiters = [];
      for (const w of waiters) w();
      if (this.parked) {
        this.parked.reached();
        await this.parked.resume;
        continue;
      }
      if (!this.stopped) await new Promise((resolve) => setTimeout(resolve, this.intervalMs));
    }
  }
}
