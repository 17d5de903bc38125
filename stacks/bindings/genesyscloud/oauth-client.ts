// Hand-written binding of `genesyscloud_oauth_client` (provider v1.84.1,
// `genesyscloud/oauth_client/resource_genesyscloud_oauth_client_schema.go`): every argument and every computed
// attribute of the schema, as `cdktf get` would generate them.
//
// This is the raw L1 binding, so it can express `expose_client_secret = true`, `client_secret`,
// `directory_client_secret` and `integration_credential_name`. keyward's `RotatedOauthClient` construct is the
// layer that forbids or gates them; use that, not this class, to declare clients.
import type * as cdktf from "cdktf";
import type { Construct } from "constructs";
import { SchemaResource, type ResourceMetaArguments, type Schema } from "../base.js";

/** Values the provider's `authorized_grant_type` validator accepts (case-sensitive). */
export const OAUTH_CLIENT_GRANT_TYPES = ["CODE", "TOKEN", "SAML2BEARER", "SAML2-BEARER", "PASSWORD", "CLIENT-CREDENTIALS"] as const;
export type OauthClientGrantType = (typeof OAUTH_CLIENT_GRANT_TYPES)[number];

export interface OauthClientRoles {
  /** Role to be associated with the given division which forms a grant. */
  readonly roleId: string;
  /** Division of the grant. Unset: the home division; `*`: all divisions. (Optional + computed.) */
  readonly divisionId?: string;
}

export interface OauthClientConfig extends ResourceMetaArguments {
  /** The name of the OAuth client. */
  readonly name: string;
  readonly description?: string;
  /** 300 to 38,880,000 seconds; provider default 86400. */
  readonly accessTokenValiditySeconds?: number;
  readonly registeredRedirectUris?: string[];
  readonly authorizedGrantType: OauthClientGrantType;
  /** Required for grants other than CLIENT-CREDENTIALS. */
  readonly scopes?: string[];
  /** Required for CLIENT-CREDENTIALS; the roles must already be held by the OAuth client Terraform runs as. */
  readonly roles?: OauthClientRoles[] | cdktf.IResolvable;
  /** `active` (provider default) or `inactive`. */
  readonly state?: "active" | "inactive";
  /** If set, the provider creates an integration credential holding the client's secret at create time. */
  readonly integrationCredentialName?: string;
  /** Optional + computed + sensitive in the schema. Never set it: it only exists for integration credentials. */
  readonly clientSecret?: string;
  /** Provider default `false`. `true` stores the secret in Terraform state. */
  readonly exposeClientSecret?: boolean | cdktf.IResolvable;
  /** If set, the provider writes the plaintext secret to `<dir>/<clientId>` on the machine running Terraform. */
  readonly directoryClientSecret?: string;
}

const schema: Schema = {
  access_token_validity_seconds: { kind: "number" },
  authorized_grant_type: { kind: "string" },
  client_secret: { kind: "string" },
  description: { kind: "string" },
  directory_client_secret: { kind: "string" },
  expose_client_secret: { kind: "boolean" },
  integration_credential_name: { kind: "string" },
  name: { kind: "string" },
  registered_redirect_uris: { kind: "stringSet" },
  roles: {
    kind: "block",
    collection: "set",
    storageClassType: "OauthClientRolesList",
    attributes: { division_id: { kind: "string" }, role_id: { kind: "string" } },
  },
  scopes: { kind: "stringSet" },
  state: { kind: "string" },
};

/** `genesyscloud_oauth_client`. */
export class OauthClient extends SchemaResource<OauthClientConfig> {
  public static readonly tfResourceType = "genesyscloud_oauth_client";

  constructor(scope: Construct, id: string, config: OauthClientConfig) {
    super(scope, id, {
      terraformResourceType: OauthClient.tfResourceType,
      providerName: "genesyscloud",
      schema,
      config,
    });
  }

  // Computed attributes.

  /** The OAuth client id (also the Terraform id). */
  public get id(): string {
    return this.getStringAttribute("id");
  }

  /** Copy of the id, "place holder that can be referred in integration_credential fields". */
  public get clientId(): string {
    return this.getStringAttribute("client_id");
  }

  /** Empty unless `expose_client_secret` is true. keyward never reads it. */
  public get clientSecret(): string {
    return this.getStringAttribute("client_secret");
  }

  /** Id of the integration credential created from `integration_credential_name`. */
  public get integrationCredentialId(): string {
    return this.getStringAttribute("integration_credential_id");
  }

  // Arguments (as references).

  public get name(): string {
    return this.getStringAttribute("name");
  }

  public get description(): string {
    return this.getStringAttribute("description");
  }

  public get accessTokenValiditySeconds(): number {
    return this.getNumberAttribute("access_token_validity_seconds");
  }

  public get registeredRedirectUris(): string[] {
    return this.getListAttribute("registered_redirect_uris");
  }

  public get authorizedGrantType(): string {
    return this.getStringAttribute("authorized_grant_type");
  }

  public get scopes(): string[] {
    return this.getListAttribute("scopes");
  }

  public get state(): string {
    return this.getStringAttribute("state");
  }

  public get exposeClientSecret(): cdktf.IResolvable {
    return this.getBooleanAttribute("expose_client_secret");
  }

  public get directoryClientSecret(): string {
    return this.getStringAttribute("directory_client_secret");
  }

  public get integrationCredentialName(): string {
    return this.getStringAttribute("integration_credential_name");
  }

  // Inputs as given (generated code's `xInput` getters).

  public get nameInput(): string {
    return this.config.name;
  }

  public get authorizedGrantTypeInput(): OauthClientGrantType {
    return this.config.authorizedGrantType;
  }

  public get rolesInput(): OauthClientRoles[] | cdktf.IResolvable | undefined {
    return this.config.roles;
  }

  public get exposeClientSecretInput(): boolean | cdktf.IResolvable | undefined {
    return this.config.exposeClientSecret;
  }
}
