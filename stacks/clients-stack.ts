import { TerraformOutput, TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import type { AwsProvider } from "./bindings/aws/provider.js";
import { AuthRole } from "./bindings/genesyscloud/auth-role.js";
import type { GenesysCloudProvider } from "./bindings/genesyscloud/provider.js";
import { configureBackend, type StateBackendSettings } from "./backend.js";
import { slugOf, type ClientConfig, type KeywardStacksConfig } from "./config.js";
import { RotatedOauthClient, type ManagedClient } from "./constructs/rotated-oauth-client.js";
import { awsProvider, genesysProvider } from "./providers.js";
import { escapeConfigLiterals } from "./terraform-literal.js";

export interface ClientsStackOptions {
  readonly config: KeywardStacksConfig;
  readonly backend: StateBackendSettings;
}

/**
 * Tags every AWS resource of keyward's stacks carries (through the provider's `default_tags`). Pass the
 * escaped configuration (see `terraform-literal.ts`): the tags go into Terraform as they are.
 */
export function keywardTags(config: KeywardStacksConfig): { [key: string]: string } {
  return { ManagedBy: "keyward", ...config.tags };
}

/**
 * The OAuth clients of one Genesys Cloud org, each a {@link RotatedOauthClient} (client + empty secret container,
 * or an existing secret named by `secretArn`, + post-apply `keyward rotate` in a `terraform_data`), plus the custom
 * roles (`genesyscloud_auth_role`) the configuration declares. Providers: `genesyscloud` (credentials from the
 * deployer's GENESYSCLOUD_* environment), and `aws` unless every client brings its own secret (`secretArn`): the
 * rotate step needs no provider (`terraform_data` is built into Terraform >= 1.4 and OpenTofu).
 * Outputs per client: `<slug>-client-id` and `<slug>-secret-arn` (identifiers only).
 *
 * Every literal string of the configuration (names, descriptions, tags, scopes, ...) is escaped for Terraform
 * (`${` -> `$${`, `%{` -> `%%{`, see `terraform-literal.ts`), so none of it is ever evaluated by `terraform apply`.
 * Clients with `state: "inactive"` get no rotate `terraform_data` and no place in the schedule: Genesys refuses
 * a token to an inactive client, so the post-apply verification could only fail the apply. Their secret
 * container is still declared (empty); activate the client and apply again to rotate it.
 */
export class ClientsStack extends TerraformStack {
  /** By client name (as in the configuration). */
  public readonly clients: ReadonlyMap<string, RotatedOauthClient>;
  /** By role name. */
  public readonly roles: ReadonlyMap<string, AuthRole>;
  public readonly genesysProvider: GenesysCloudProvider;
  /** Undefined when every client names its own secret (`secretArn`): nothing in the stack is an AWS resource. */
  public readonly awsProvider?: AwsProvider;
  private readonly config: KeywardStacksConfig;

  constructor(scope: Construct, id: string, options: ClientsStackOptions) {
    super(scope, id);
    this.config = options.config;
    const config = escapeConfigLiterals(options.config);
    configureBackend(this, options.backend, config.awsRegion);

    this.genesysProvider = genesysProvider(this, config);
    if (config.clients.some((client) => client.secretArn === undefined)) this.awsProvider = awsProvider(this, config, keywardTags(config));

    const roles = new Map<string, AuthRole>();
    for (const role of config.roles) {
      roles.set(
        role.name,
        new AuthRole(this, `role-${slugOf(role.name)}`, {
          name: role.name,
          description: role.description,
          permissions: role.permissions ? [...role.permissions] : undefined,
          permissionPolicies: role.permissionPolicies.map((p) => ({ ...p, actionSet: [...p.actionSet] })),
        }),
      );
    }
    this.roles = roles;

    const clients = new Map<string, RotatedOauthClient>();
    config.clients.forEach((client, i) => {
      const configName = options.config.clients[i]!.name;
      const slug = slugOf(client.name);
      const rotated = new RotatedOauthClient(this, `client-${slug}`, {
        name: client.name,
        description: client.description,
        authorizedGrantType: client.authorizedGrantType,
        accessTokenValiditySeconds: client.accessTokenValiditySeconds,
        roles: client.roles.length ? client.roles.map((g) => this.roleGrant(g)) : undefined,
        scopes: client.scopes ? [...client.scopes] : undefined,
        registeredRedirectUris: client.registeredRedirectUris ? [...client.registeredRedirectUris] : undefined,
        state: client.state,
        region: config.genesysRegion,
        secretName: client.secretName,
        secretArn: client.secretArn,
        secretKmsKeyId: config.secretKmsKeyArn,
        recoveryWindowInDays: config.recoveryWindowInDays,
        rotationEpoch: client.rotationEpoch,
        rotateCommand: config.rotateCommand,
        rotate: client.state !== "inactive",
        rotation: client.rotation,
      });
      clients.set(configName, rotated);
      // cdktf renders output descriptions to HCL without escaping quotes next to `$${`: name the client by its
      // slug unless the name is plain text.
      const label = /^[^"\\$%]*$/.test(client.name) ? client.name : slug;
      new TerraformOutput(this, `${slug}-client-id`, {
        value: rotated.clientId,
        description: `OAuth client id of "${label}"`,
      });
      new TerraformOutput(this, `${slug}-secret-arn`, {
        value: rotated.secretArn,
        description: `Secrets Manager secret holding "${label}" credentials`,
      });
      if (rotated.standbyClientId) {
        new TerraformOutput(this, `${slug}-standby-client-id`, {
          value: rotated.standbyClientId,
          description: `OAuth client id of "${label}-standby" (the alternating pair's second client)`,
        });
      }
    });
    this.clients = clients;
  }

  /**
   * The single-client rotations that take part in scheduled rotation (`scheduledRotation` not false, and not
   * `inactive`: an inactive client cannot get the token that verifies its new secret), as id + secret ARN: the
   * schedule's manifest.
   */
  public get scheduledClients(): ManagedClient[] {
    return this.config.clients.filter((c) => c.scheduledRotation && c.state !== "inactive" && c.rotation !== "alternating").map((c) => this.clients.get(c.name)!.managedClient);
  }

  /** The alternating pairs that take part in scheduled rotation: rotated by Secrets Manager's own rotation. */
  public get secretsManagerRotatedClients(): ManagedClient[] {
    return this.config.clients.filter((c) => c.scheduledRotation && c.state !== "inactive" && c.rotation === "alternating").map((c) => this.clients.get(c.name)!.managedClient);
  }

  private roleGrant(grant: ClientConfig["roles"][number]): { roleId: string; divisionId?: string } {
    const roleId = grant.roleName !== undefined ? this.roles.get(grant.roleName)!.id : grant.roleId!;
    return { roleId, divisionId: grant.divisionId };
  }
}
