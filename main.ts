// keyward's cdktf app: reads the stacks configuration, builds the stacks, synthesizes. Nothing else lives here
// (stacks/ holds the stacks, constructs and bindings; importing this file synthesizes).
//
// Configuration: KEYWARD_STACKS_CONFIG (a JSON/YAML file), else cdktf.json context `keyward.config` (inline) or
// `keyward.configFile`. State: KEYWARD_STATE_BUCKET etc. or context `keyward.state` (see stacks/backend.ts).
// Run with `cdktf synth [--hcl]`, or directly with `npx tsx main.ts` (cdktf.json's context is read then).
import { App } from "cdktf";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildStacks } from "./stacks/app.js";
import { stateBackendSettings } from "./stacks/backend.js";
import type { JanitorStackSettings } from "./stacks/janitor-stack.js";
import { CONTEXT_KEY, loadStacksConfig, readCdktfJsonContext, type KeywardContext } from "./stacks/config.js";

const projectDir = dirname(fileURLToPath(import.meta.url));
// The cdktf CLI hands the context over in CDKTF_CONTEXT_JSON; a plain `tsx main.ts` reads cdktf.json itself.
const app = new App(process.env.CDKTF_CONTEXT_JSON ? {} : { context: readCdktfJsonContext(join(projectDir, "cdktf.json")) });
const context = (app.node.tryGetContext(CONTEXT_KEY) ?? {}) as KeywardContext;

buildStacks(app, {
  config: loadStacksConfig({ env: process.env, context, baseDir: projectDir }),
  backend: stateBackendSettings(process.env, context.state),
  // cdktf.json context `keyward.janitor` ({} for the defaults) deploys the janitor stack (README "The janitor").
  ...((context as { janitor?: JanitorStackSettings }).janitor ? { janitor: (context as { janitor: JanitorStackSettings }).janitor } : {}),
});
app.synth();
