// Reads the post-apply provisioners back out of a synthesized stack (`cdk.tf.json`), so the exact command and
// environment Terraform would run can be executed without Terraform: by the `npm start` demo on the sandbox and
// by the end-to-end test.

export interface ProvisionerSpec {
  /** `terraform_data.<name>`. */
  readonly resourceAddress: string;
  readonly command: string;
  /** As synthesized: values may be Terraform interpolations such as `${genesyscloud_oauth_client.x.id}`. */
  readonly environment: Readonly<Record<string, string>>;
  /** The resource's `triggers_replace`: a change replaces it (and runs the provisioner again). */
  readonly triggers: Readonly<Record<string, string>>;
  readonly workingDir?: string;
  readonly interpreter?: readonly string[];
  readonly when?: string;
}

function asObject(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function stringMap(value: unknown, where: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(asObject(value))) {
    if (typeof v !== "string") throw new Error(`${where}.${k} is not a string`);
    out[k] = v;
  }
  return out;
}

/**
 * Every `local-exec` provisioner of every `terraform_data` in a synthesized stack (the parsed `cdk.tf.json`, or
 * its text), in resource order.
 */
export function readProvisioners(synthesizedStackJson: Record<string, unknown> | string): ProvisionerSpec[] {
  const stack = typeof synthesizedStackJson === "string" ? (JSON.parse(synthesizedStackJson) as unknown) : synthesizedStackJson;
  const dataResources = asObject(asObject(asObject(stack).resource).terraform_data);
  const specs: ProvisionerSpec[] = [];
  for (const [name, body] of Object.entries(dataResources)) {
    const resource = asObject(body);
    const address = `terraform_data.${name}`;
    const triggers = stringMap(resource.triggers_replace, `${address}.triggers_replace`);
    const provisioners = Array.isArray(resource.provisioner) ? resource.provisioner : [];
    for (const entry of provisioners) {
      const localExec = asObject(asObject(entry)["local-exec"]);
      if (typeof localExec.command !== "string") continue;
      specs.push({
        resourceAddress: address,
        command: localExec.command,
        environment: stringMap(localExec.environment, `${address}.local-exec.environment`),
        triggers,
        ...(typeof localExec.working_dir === "string" ? { workingDir: localExec.working_dir } : {}),
        ...(Array.isArray(localExec.interpreter) ? { interpreter: localExec.interpreter as string[] } : {}),
        ...(typeof localExec.when === "string" ? { when: localExec.when } : {}),
      });
    }
  }
  return specs;
}

// `${expr}` is an interpolation; `$${...}` is Terraform's escape for a literal `${...}`.
const INTERPOLATION = /(\$?)\$\{([^}]*)\}/g;

/** The Terraform expressions referenced in `value` (`"${a.b.c}"` -> `["a.b.c"]`; `$${X}` is not one). */
export function interpolationsIn(value: string): string[] {
  return [...value.matchAll(INTERPOLATION)].filter((m) => m[1] === "").map((m) => m[2]!);
}

/**
 * What Terraform would make of `value`: every `${expr}` replaced with `resolve(expr)` and every `$${` escape
 * turned into a literal `${`. Throws on an expression `resolve` does not know (returns undefined for), so nothing
 * half-interpolated is ever executed.
 */
export function resolveInterpolations(value: string, resolve: (expression: string) => string | undefined): string {
  return value.replace(INTERPOLATION, (_, escaped: string, expression: string) => {
    if (escaped) return `\${${expression}}`;
    const resolved = resolve(expression);
    if (resolved === undefined) throw new Error(`no value for Terraform expression \${${expression}}`);
    return resolved;
  });
}

/** A spec with its environment and triggers resolved through `resolve` (see {@link resolveInterpolations}). */
export function resolveProvisioner(spec: ProvisionerSpec, resolve: (expression: string) => string | undefined): ProvisionerSpec {
  const map = (m: Readonly<Record<string, string>>) => Object.fromEntries(Object.entries(m).map(([k, v]) => [k, resolveInterpolations(v, resolve)]));
  return { ...spec, command: resolveInterpolations(spec.command, resolve), environment: map(spec.environment), triggers: map(spec.triggers) };
}
