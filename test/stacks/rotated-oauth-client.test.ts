import "./matchers.js";
import { DataResource, TerraformOutput, TerraformStack, Testing } from "cdktf";
import { SecretsmanagerSecret } from "../../stacks/bindings/aws/secretsmanager-secret.js";
import { OauthClient } from "../../stacks/bindings/genesyscloud/oauth-client.js";
import { DEFAULT_ROTATE_COMMAND, RotatedOauthClient, type RotatedOauthClientOptions } from "../../stacks/constructs/rotated-oauth-client.js";
import { readProvisioners } from "../../stacks/provisioners.js";

const ROLE_ID = "8c5f0c2e-4a8b-4a5e-9d0a-3f3b2a1c9e7d";
const BASE: RotatedOauthClientOptions = {
  name: "Billing Export",
  roles: [{ roleId: ROLE_ID }],
  region: "eu-west-1",
  secretName: "keyward/billing_export",
};

function synth(options: Partial<RotatedOauthClientOptions> = {}): string {
  return Testing.synthScope((stack) => {
    new RotatedOauthClient(stack, "billing", { ...BASE, ...options });
  });
}

describe("RotatedOauthClient", () => {
  it("declares the OAuth client with expose_client_secret = false and no secret attributes", () => {
    const synthesized = synth({ description: "nightly", accessTokenValiditySeconds: 3600 });
    expect(synthesized).toHaveResourceWithProperties(OauthClient, {
      name: "Billing Export",
      description: "nightly",
      authorized_grant_type: "CLIENT-CREDENTIALS",
      access_token_validity_seconds: 3600,
      roles: [{ role_id: ROLE_ID }],
      expose_client_secret: false,
    });
    const [client] = Object.values(JSON.parse(synthesized).resource.genesyscloud_oauth_client);
    expect(client).not.toHaveProperty("client_secret");
    expect(client).not.toHaveProperty("directory_client_secret");
    expect(client).not.toHaveProperty("integration_credential_name");
  });

  it("declares an empty Secrets Manager container: no secret version, optional KMS key and recovery window", () => {
    const synthesized = synth({ secretKmsKeyId: "arn:aws:kms:eu-west-1:123456789012:key/abc", recoveryWindowInDays: 7 });
    expect(synthesized).toHaveResourceWithProperties(SecretsmanagerSecret, {
      name: "keyward/billing_export",
      kms_key_id: "arn:aws:kms:eu-west-1:123456789012:key/abc",
      recovery_window_in_days: 7,
    });
    expect(JSON.parse(synthesized).resource).not.toHaveProperty("aws_secretsmanager_secret_version");
  });

  it("runs keyward rotate after apply with only the client id, secret ARN and region in its environment", () => {
    const synthesized = synth();
    const [provisioner] = readProvisioners(synthesized);
    const clientRef = expect.stringMatching(/^\$\{genesyscloud_oauth_client\.billing_client_[0-9A-F]{8}\.id\}$/);
    const secretRef = expect.stringMatching(/^\$\{aws_secretsmanager_secret\.billing_secret_[0-9A-F]{8}\.arn\}$/);
    expect(provisioner).toEqual({
      resourceAddress: expect.stringMatching(/^terraform_data\.billing_rotate_/),
      command: DEFAULT_ROTATE_COMMAND,
      environment: { KEYWARD_CLIENT_ID: clientRef, KEYWARD_SECRET_ARN: secretRef, GENESYSCLOUD_REGION: "eu-west-1" },
      triggers: { client_id: clientRef, secret_arn: secretRef, rotation_epoch: "0" },
    });
    expect(DEFAULT_ROTATE_COMMAND).toBe('npx --no-install keyward rotate --client-id "$KEYWARD_CLIENT_ID" --secret-id "$KEYWARD_SECRET_ARN"');
    // No Terraform interpolation in the shell command itself.
    expect(provisioner!.command).not.toContain("${");
  });

  it("bumping rotationEpoch changes the triggers (forces a fresh rotation)", () => {
    expect(synth({ rotationEpoch: 7 })).toHaveResourceWithProperties(DataResource, {
      triggers_replace: expect.objectContaining({ rotation_epoch: "7" }),
    });
  });

  it("lets the command be overridden, but refuses a ${...} Terraform would interpolate", () => {
    const custom = 'node ./bin/keyward.js rotate --client-id "$KEYWARD_CLIENT_ID" --secret-id "$KEYWARD_SECRET_ARN"';
    expect(readProvisioners(synth({ rotateCommand: custom }))[0]!.command).toBe(custom);
    expect(readProvisioners(synth({ rotateCommand: 'echo "$${KEYWARD_CLIENT_ID}"' }))[0]!.command).toBe('echo "$${KEYWARD_CLIENT_ID}"');
    expect(() => synth({ rotateCommand: 'keyward rotate --client-id "${KEYWARD_CLIENT_ID}"' })).toThrow(/Terraform would interpolate/);
  });

  it("refuses a %{...} template directive in the command, but lets the escaped %%{ through", () => {
    expect(() => synth({ rotateCommand: 'echo "%{if true}x%{endif}"' })).toThrow(/"%\{": Terraform would read it as a template directive/);
    expect(() => synth({ rotateCommand: '%{for x in ["a"]}${x}%{endfor}' })).toThrow(/Terraform would/);
    expect(readProvisioners(synth({ rotateCommand: 'printf "%%{x}" && printf "%s" "$KEYWARD_CLIENT_ID"' }))[0]!.command).toBe('printf "%%{x}" && printf "%s" "$KEYWARD_CLIENT_ID"');
  });

  it("refuses directory_client_secret unless explicitly allowed (it writes the plaintext secret to disk)", () => {
    expect(() => synth({ directoryClientSecret: "/tmp/secrets" })).toThrow(/plaintext secret to disk/);
    expect(synth({ directoryClientSecret: "/tmp/secrets", allowDirectoryClientSecret: true })).toHaveResourceWithProperties(OauthClient, {
      directory_client_secret: "/tmp/secrets",
      expose_client_secret: false,
    });
  });

  it("refuses integration_credential_name unless explicitly allowed (rotation would leave it stale)", () => {
    expect(() => synth({ integrationCredentialName: "billing" })).toThrow(/rotation does not update/);
    expect(synth({ integrationCredentialName: "billing", allowIntegrationCredential: true })).toHaveResourceWithProperties(OauthClient, {
      integration_credential_name: "billing",
    });
  });

  it("exposes identifiers for other constructs (the scheduled rotation, the janitor)", () => {
    const stack = new TerraformStack(Testing.app(), "stack");
    const client = new RotatedOauthClient(stack, "billing", BASE);
    expect(client.secretName).toBe("keyward/billing_export");
    expect(client.region).toBe("eu-west-1");
    expect(client.rotateCommand).toBe(DEFAULT_ROTATE_COMMAND);
    expect(client.managedClient).toEqual({ clientId: client.clientId, secretArn: client.secretArn });
    new TerraformOutput(stack, "client-id", { value: client.clientId });
    expect(JSON.parse(Testing.synth(stack)).output["client-id"].value).toMatch(/^\$\{genesyscloud_oauth_client\.billing_client_[0-9A-F]{8}\.id\}$/);
  });
});
