// Builds keyward's stacks into an App. `main.ts` (the cdktf app) and anything that wants the synthesized
// configuration in-process (tests, the `npm start` demo) go through here, so they all see the same stacks.
import { App } from "cdktf";
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { StateBackendSettings } from "./backend.js";
import { ClientsStack } from "./clients-stack.js";
import type { KeywardStacksConfig } from "./config.js";
import { UsageError } from "../src/core/errors.js";
import { janitorDeclaredTwice, JanitorStack, type JanitorStackSettings } from "./janitor-stack.js";
import { ScheduledRotationStack } from "./scheduled-rotation-stack.js";

export interface KeywardStacks {
  readonly clients: ClientsStack;
  /** Absent when scheduled rotation is off, or no client takes part in it. */
  readonly scheduledRotation?: ScheduledRotationStack;
  /** Present when the janitor is configured (`janitor` in the build options). */
  readonly janitor?: JanitorStack;
}

export interface BuildStacksOptions {
  readonly config: KeywardStacksConfig;
  readonly backend: StateBackendSettings;
  /** Override the rotation Lambda bundle location / entry (tests). */
  readonly bundleDir?: string;
  readonly lambdaEntry?: string;
  /** Deploys the janitor stack (`<prefix>-janitor`); its own client joins scheduled rotation. */
  readonly janitor?: JanitorStackSettings;
}

/** Stack names: `<prefix>-clients`, `<prefix>-scheduled-rotation`, `<prefix>-janitor`. */
export function stackNames(config: KeywardStacksConfig): { clients: string; scheduledRotation: string; janitor: string } {
  return { clients: `${config.stackPrefix}-clients`, scheduledRotation: `${config.stackPrefix}-scheduled-rotation`, janitor: `${config.stackPrefix}-janitor` };
}

/** Adds keyward's stacks to `app`. */
export function buildStacks(app: App, options: BuildStacksOptions): KeywardStacks {
  const names = stackNames(options.config);
  const twice = options.janitor ? janitorDeclaredTwice(options.config, options.janitor) : [];
  if (twice.length > 0) {
    throw new UsageError(`the janitor stack creates the janitor's own client and role, and the clients configuration declares them again: ${twice.join(", ")}`, {
      hint: "remove them from the clients configuration (the janitor stack manages its client, role and secret), or name the janitor differently (janitor settings clientName / namePrefix)",
    });
  }
  const clients = new ClientsStack(app, names.clients, { config: options.config, backend: options.backend });
  const janitor = options.janitor ? new JanitorStack(app, names.janitor, { config: options.config, backend: options.backend, janitor: options.janitor }) : undefined;
  const scheduledClients = janitor ? [...clients.scheduledClients, janitor.managedClient] : clients.scheduledClients;
  const pairs = clients.secretsManagerRotatedClients;
  const scheduledRotation =
    options.config.scheduledRotation && scheduledClients.length + pairs.length > 0
      ? new ScheduledRotationStack(app, names.scheduledRotation, {
          config: options.config,
          backend: options.backend,
          clients: scheduledClients,
          secretsManagerRotated: pairs,
          bundleDir: options.bundleDir,
          lambdaEntry: options.lambdaEntry,
        })
      : undefined;
  return { clients, ...(scheduledRotation ? { scheduledRotation } : {}), ...(janitor ? { janitor } : {}) };
}

export interface SynthesizedStack {
  readonly name: string;
  /** Working directory of the stack (where Terraform runs and the provisioner's relative paths start). */
  readonly workingDirectory: string;
  /** Path of `cdk.tf.json`. */
  readonly file: string;
  /** The parsed `cdk.tf.json`. */
  readonly json: Record<string, unknown>;
}

/**
 * Synthesizes keyward's stacks to `outdir` in-process (what `cdktf synth` does, without the CLI) and returns the
 * synthesized stacks by name. Use `readProvisioners(stacks[name].json)` to get the post-apply commands.
 */
export function synthStacks(options: BuildStacksOptions & { readonly outdir: string }): Record<string, SynthesizedStack> {
  const outdir = resolve(options.outdir);
  const app = new App({ outdir, stackTraces: false });
  buildStacks(app, options);
  app.synth();
  const manifest = JSON.parse(readFileSync(join(outdir, "manifest.json"), "utf8")) as {
    stacks: Record<string, { workingDirectory: string; synthesizedStackPath: string }>;
  };
  return Object.fromEntries(
    Object.entries(manifest.stacks).map(([name, s]) => {
      const file = join(outdir, s.synthesizedStackPath);
      return [name, { name, workingDirectory: join(outdir, s.workingDirectory), file, json: JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown> }];
    }),
  );
}
