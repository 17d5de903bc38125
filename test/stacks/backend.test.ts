import { App, DataResource, TerraformStack, Testing } from "cdktf";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { configureBackend, stateBackendSettings, STATE_ENV } from "../../stacks/backend.js";

/** The `terraform.backend` block of a fully synthesized stack (`app.synth()`, as `cdktf synth` runs it). */
function backendOf(build: (stack: TerraformStack) => void): { json: Record<string, unknown>; text: string } {
  const outdir = mkdtempSync(join(tmpdir(), "keyward-backend-"));
  try {
    const app = new App({ outdir });
    const stack = new TerraformStack(app, "keyward-clients");
    build(stack);
    app.synth();
    const text = readFileSync(join(outdir, "stacks", "keyward-clients", "cdk.tf.json"), "utf8");
    return { json: (JSON.parse(text) as { terraform: { backend: Record<string, unknown> } }).terraform.backend, text };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

describe("state backend settings", () => {
  it("come from KEYWARD_STATE_* first, then cdktf.json context keyward.state", () => {
    const settings = stateBackendSettings(
      { [STATE_ENV.bucket]: "env-bucket", [STATE_ENV.useLockfile]: "false" },
      { bucket: "ctx-bucket", region: "eu-west-1", keyPrefix: "teams/cx/", lockTable: "locks" },
    );
    expect(settings).toEqual({ bucket: "env-bucket", region: "eu-west-1", lockTable: "locks", keyPrefix: "teams/cx", useLockfile: false, kmsKeyId: undefined });
  });

  it("refuse nonsense: a lock table without a bucket, a non-boolean lockfile flag", () => {
    expect(() => stateBackendSettings({ [STATE_ENV.lockTable]: "locks" })).toThrow(/need a state bucket/);
    expect(() => stateBackendSettings({ [STATE_ENV.bucket]: "b", [STATE_ENV.useLockfile]: "maybe" })).toThrow(/must be true or false/);
  });
});

describe("configureBackend", () => {
  it("S3 with encrypt, one key per stack, the stacks' region by default, S3-native locking", () => {
    const { json } = backendOf((stack) => configureBackend(stack, stateBackendSettings({ [STATE_ENV.bucket]: "tf-state" }), "eu-west-1"));
    expect(json).toEqual({ s3: { bucket: "tf-state", key: "keyward/keyward-clients.tfstate", region: "eu-west-1", encrypt: true, use_lockfile: true } });
  });

  it("S3 with a DynamoDB lock table and a KMS key", () => {
    const settings = stateBackendSettings({
      [STATE_ENV.bucket]: "tf-state",
      [STATE_ENV.region]: "us-east-2",
      [STATE_ENV.lockTable]: "tf-locks",
      [STATE_ENV.kmsKeyId]: "arn:aws:kms:us-east-2:123456789012:key/k",
      [STATE_ENV.keyPrefix]: "cx",
    });
    const { json } = backendOf((stack) => configureBackend(stack, settings, "eu-west-1"));
    expect(json).toEqual({
      s3: {
        bucket: "tf-state",
        key: "cx/keyward-clients.tfstate",
        region: "us-east-2",
        encrypt: true,
        dynamodb_table: "tf-locks",
        kms_key_id: "arn:aws:kms:us-east-2:123456789012:key/k",
      },
    });
  });

  it("no bucket: a local backend with a RELATIVE path, never cdktf's absolute default", () => {
    const { json, text } = backendOf((stack) => configureBackend(stack, stateBackendSettings({}), "eu-west-1"));
    expect(json).toEqual({ local: { path: "terraform.keyward-clients.tfstate" } });
    expect(text).not.toContain(process.cwd());
    expect(text).not.toContain(tmpdir());
  });

  it("keeps the backend (and use_lockfile) in HCL output", () => {
    const stack = new TerraformStack(Testing.app(), "keyward-clients");
    configureBackend(stack, stateBackendSettings({ [STATE_ENV.bucket]: "tf-state" }), "eu-west-1");
    const text: string = Testing.synthHcl(stack);
    expect(text).toMatch(/backend "s3" \{[\s\S]*bucket\s*=\s*"tf-state"[\s\S]*encrypt\s*=\s*true[\s\S]*use_lockfile\s*=\s*true/);
  });

  it("cross-stack references read the other stack's local state from its sibling working directory", () => {
    const outdir = mkdtempSync(join(tmpdir(), "keyward-backend-"));
    try {
      const app = new App({ outdir });
      const producer = new TerraformStack(app, "producer");
      configureBackend(producer, stateBackendSettings({}), "eu-west-1");
      const consumer = new TerraformStack(app, "consumer");
      configureBackend(consumer, stateBackendSettings({}), "eu-west-1");
      const source = new DataResource(producer, "source", {});
      new DataResource(consumer, "sink", { triggersReplace: { id: source.id } });
      app.synth();
      const consumerJson = JSON.parse(readFileSync(join(outdir, "stacks", "consumer", "cdk.tf.json"), "utf8"));
      expect(consumerJson.data.terraform_remote_state["cross-stack-reference-input-producer"]).toEqual({
        backend: "local",
        config: { path: "../producer/terraform.producer.tfstate" },
        workspace: "${terraform.workspace}",
      });
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  });
});
