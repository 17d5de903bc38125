import { DataResource, Fn, type TerraformProvider } from "cdktf";
import { Construct } from "constructs";
import { UsageError } from "../../src/core/errors.js";
import { CLIENT_ID_TAG, STANDBY_CLIENT_ID_TAG } from "../../src/contracts/client-id-tag.js";
import { SecretsmanagerSecret } from "../bindings/aws/secretsmanager-secret.js";
import { OauthClient, type OauthClientGrantType, type OauthClientRoles } from "../bindings/genesyscloud/oauth-client.js";

/**
 * The post-apply command. `$VAR`, not `${VAR}`: Terraform interpolates `${...}` inside the JSON string.
 * The values come from the provisioner's `environment` (non-secret identifiers only); the admin credentials
 * (GENESYSCLOUD_OAUTHCLIENT_ID/SECRET) and AWS credentials are inherited from the process running Terraform,
 * exactly as the providers get theirs.
 */
export const DEFAULT_ROTATE_COMMAND = 'npx --no-install keyward rotate --client-id "$KEYWARD_CLIENT_ID" --secret-id "$KEYWARD_SECRET_ARN"';

/** The post-apply command of an alternating pair (`KEYWARD_STANDBY_CLIENT_ID` is the standby's id). */
export const DEFAULT_ALTERNATING_ROTATE_COMMAND =
  'npx --no-install keyward rotate --client-id "$KEYWARD_CLIENT_ID" --standby-client-id "$KEYWARD_STANDBY_CLIENT_ID" --secret-id "$KEYWARD_SECRET_ARN"';

export interface RotatedOauthClientOptions {
  /** OAuth client name in Genesys Cloud. */
  readonly name: string;
  readonly description?: string;
  /** Default `CLIENT-CREDENTIALS`. */
  readonly authorizedGrantType?: OauthClientGrantType;
  readonly accessTokenValiditySeconds?: number;
  /** Role grants; required by the provider for CLIENT-CREDENTIALS clients. */
  readonly roles?: OauthClientRoles[];
  /** Required by the provider for grants other than CLIENT-CREDENTIALS. */
  readonly scopes?: string[];
  readonly registeredRedirectUris?: string[];
  readonly state?: "active" | "inactive";
  /**
   * `alternating`: a second client `<name>-standby` with the same settings and roles shares the secret; every rotation
   * regenerates the one that is not current (README "Alternating clients"). Default `single`.
   */
  readonly rotation?: "single" | "alternating";

  /** Genesys Cloud region of the org (e.g. `us-east-1`); given to `keyward rotate` as GENESYSCLOUD_REGION. */
  readonly region: string;
  /** Name of the Secrets Manager secret that receives the rotated credentials. */
  readonly secretName: string;
  /**
   * An existing secret (ARN) to rotate into instead of declaring a container: nothing of AWS is then declared for
   * this client, and `keyward rotate` tags the secret `keyward:client-id` on its first rotation. The `secret*`,
   * `recoveryWindowInDays` and `tags` options do not apply.
   */
  readonly secretArn?: string;
  readonly secretDescription?: string;
  /** Customer-managed KMS key (ARN or id) for the secret; unset: `aws/secretsmanager`. */
  readonly secretKmsKeyId?: string;
  /** 0 (force delete) or 7-30 days before a destroyed secret is really deleted; AWS default 30. */
  readonly recoveryWindowInDays?: number;
  readonly tags?: { [key: string]: string };

  /** Change it (any string or number) to force a fresh rotation on the next apply. Default `"0"`. */
  readonly rotationEpoch?: string | number;
  /** Replaces {@link DEFAULT_ROTATE_COMMAND}. Use `$VAR`/`$${VAR}`, never `${VAR}`. */
  readonly rotateCommand?: string;
  readonly rotateWorkingDir?: string;
  readonly rotateInterpreter?: string[];
  /**
   * Default true. False declares no rotate `terraform_data` (e.g. for an `inactive` client, whose post-apply
   * verification could only fail: Genesys grants no token to an inactive client).
   */
  readonly rotate?: boolean;

  /**
   * Refused unless {@link allowDirectoryClientSecret}: with it the provider writes the create-time secret in
   * plaintext to `<dir>/<clientId>` on the machine running Terraform. That is a second copy of the secret outside
   * Secrets Manager, unmanaged and unaudited, and it is already dead after the first rotation.
   */
  readonly directoryClientSecret?: string;
  readonly allowDirectoryClientSecret?: boolean;
  /**
   * Refused unless {@link allowIntegrationCredential}: the provider then creates a Genesys integration credential
   * holding the create-time secret. `keyward rotate` does not update it, so it holds a dead secret after the
   * first rotation, and the provider's own update path can overwrite it with an empty secret (it only knows the
   * secret within the run that created the client). Opt in only if something else keeps that credential in sync.
   */
  readonly integrationCredentialName?: string;
  readonly allowIntegrationCredential?: boolean;

  /** Provider instances, when the stack has more than one of a kind (aliases). */
  readonly providers?: {
    readonly genesyscloud?: TerraformProvider;
    readonly aws?: TerraformProvider;
  };
}

/** Tags on every secret container keyward declares (src/contracts/client-id-tag.ts), in canonical (lower) case. */
export { CLIENT_ID_TAG, STANDBY_CLIENT_ID_TAG } from "../../src/contracts/client-id-tag.js";

/**
 * `${` not escaped as `$${`, or `%{` not escaped as `%%{`: Terraform would evaluate it (interpolation or template
 * directive), even inside a JSON string. A run of two or more `$` (`%`) before `{` is an escape.
 */
export const UNESCAPED_INTERPOLATION = /(^|[^$])\$\{|(^|[^%])%\{/;

/** Throws when a provisioner command contains an unescaped Terraform interpolation or template directive. */
export function assertNoTerraformInterpolation(command: string, what = "rotateCommand"): void {
  const m = UNESCAPED_INTERPOLATION.exec(command);
  if (m) {
    const sequence = m[0].endsWith("${") ? "${" : "%{";
    const effect = sequence === "${" ? "interpolate it" : "read it as a template directive";
    throw new UsageError(`${what} contains "${sequence}": Terraform would ${effect} inside the configuration`, {
      hint: sequence === "${" ? 'write shell variables as "$VAR" (or escape as "$${VAR}")' : 'escape a literal "%{" as "%%{"',
    });
  }
}

/**
 * A Genesys Cloud OAuth client whose usable secret never enters Terraform state.
 *
 * Declares three resources (four for `rotation: "alternating"`):
 * - `genesyscloud_oauth_client` with `expose_client_secret = false` (always, not configurable), so the provider
 *   keeps the create-time secret out of state; for an alternating pair a second one, `<name>-standby`, with the same
 *   settings and roles;
 * - `aws_secretsmanager_secret`, an empty container (no `aws_secretsmanager_secret_version`, so no value passes
 *   through Terraform), tagged `keyward:client-id` = `lower(<the client's id>)` (and `keyward:standby-client-id` =
 *   `lower(<the standby's id>)` for a pair): canonical case, as every reader matches it;
 * - `terraform_data` (built into Terraform >= 1.4 and OpenTofu: no provider) whose `local-exec` provisioner runs
 *   `keyward rotate` after apply. `keyward rotate` regenerates
 *   the secret (`POST /api/v2/oauth/clients/{id}/secret`, which also kills the create-time secret) and writes it
 *   straight into the container. Its environment and `triggers_replace` hold only the client id, the secret ARN
 *   and the region: client id, secret ARN and `rotationEpoch`, so a replaced client, a replaced container or a
 *   bumped epoch replaces the `terraform_data` and rotates again. Left out with `rotate: false`.
 *
 * With `secretArn` the container is not declared: the client rotates into that existing secret.
 *
 * The value stored in Secrets Manager (AWSCURRENT) is the JSON object
 * `{"clientId": "...", "clientSecret": "...", "region": "us-east-1"}`, possibly with more optional fields
 * written by `keyward rotate` (for example a rotation timestamp); consumers must ignore unknown fields.
 *
 * `keyward rotate` exit codes seen by Terraform: 0 ok; 1 failed; 2 usage/config; 3 regenerated but not stored
 * (the old secret is already invalid: re-run the apply, the tainted `terraform_data` rotates again); 4 stored but
 * verification failed. Any non-zero code fails the apply and taints the `terraform_data`.
 */
export class RotatedOauthClient extends Construct {
  public readonly oauthClient: OauthClient;
  /** The pair's second client (`<name>-standby`), for `rotation: "alternating"`. */
  public readonly standbyClient?: OauthClient;
  /** Undefined when the client rotates into an existing secret (`secretArn`). */
  public readonly secret?: SecretsmanagerSecret;
  /** Undefined when `rotate: false`. */
  public readonly rotation?: DataResource;
  /** The OAuth client id (a Terraform reference). */
  public readonly clientId: string;
  /** The standby client's id (a Terraform reference), for `rotation: "alternating"`. */
  public readonly standbyClientId?: string;
  public readonly rotationMode: "single" | "alternating";
  /** ARN of the Secrets Manager secret (a Terraform reference). */
  public readonly secretArn: string;
  /** Name of the Secrets Manager secret (literal). */
  public readonly secretName: string;
  /** Genesys Cloud region (literal). */
  public readonly region: string;
  /** The command the provisioner runs. */
  public readonly rotateCommand: string;

  constructor(scope: Construct, id: string, options: RotatedOauthClientOptions) {
    super(scope, id);

    if (options.directoryClientSecret !== undefined && options.allowDirectoryClientSecret !== true) {
      throw new UsageError(`OAuth client "${options.name}": directoryClientSecret makes the provider write the plaintext secret to disk`, {
        hint: "drop it (keyward stores the secret in Secrets Manager), or set allowDirectoryClientSecret: true",
      });
    }
    if (options.integrationCredentialName !== undefined && options.allowIntegrationCredential !== true) {
      throw new UsageError(`OAuth client "${options.name}": integrationCredentialName stores the create-time secret in an integration credential that rotation does not update`, {
        hint: "drop it, or set allowIntegrationCredential: true if something else keeps the credential in sync",
      });
    }
    const alternating = options.rotation === "alternating";
    const command = options.rotateCommand ?? (alternating ? DEFAULT_ALTERNATING_ROTATE_COMMAND : DEFAULT_ROTATE_COMMAND);
    assertNoTerraformInterpolation(command);

    const clientSettings = (name: string) => ({
      name,
      description: options.description,
      authorizedGrantType: options.authorizedGrantType ?? "CLIENT-CREDENTIALS",
      accessTokenValiditySeconds: options.accessTokenValiditySeconds,
      roles: options.roles,
      scopes: options.scopes,
      registeredRedirectUris: options.registeredRedirectUris,
      state: options.state,
      exposeClientSecret: false,
      directoryClientSecret: options.directoryClientSecret,
      integrationCredentialName: options.integrationCredentialName,
      provider: options.providers?.genesyscloud,
    });
    this.oauthClient = new OauthClient(this, "client", clientSettings(options.name));
    // Alternating: the standby has the same roles and settings; the secret holds one of the two at a time.
    if (alternating) this.standbyClient = new OauthClient(this, "standby", clientSettings(`${options.name}-standby`));
    this.rotationMode = alternating ? "alternating" : "single";

    if (options.secretArn === undefined) {
      this.secret = new SecretsmanagerSecret(this, "secret", {
        name: options.secretName,
        description: options.secretDescription ?? `Genesys Cloud OAuth client "${options.name}", written by keyward rotate ({"clientId","clientSecret","region"})`,
        kmsKeyId: options.secretKmsKeyId,
        recoveryWindowInDays: options.recoveryWindowInDays,
        // How `keyward rotate` and the janitor find a client's secret (and refuse a second one for the same client):
        // written in canonical (lower) case only, as every reader matches it (src/contracts/client-id-tag.ts).
        tags: {
          ...options.tags,
          [CLIENT_ID_TAG]: Fn.lower(this.oauthClient.id),
          ...(this.standbyClient ? { [STANDBY_CLIENT_ID_TAG]: Fn.lower(this.standbyClient.id) } : {}),
        },
        provider: options.providers?.aws,
      });
    }

    this.clientId = this.oauthClient.id;
    if (this.standbyClient) this.standbyClientId = this.standbyClient.id;
    this.secretArn = this.secret?.arn ?? options.secretArn!;
    this.secretName = options.secretName;
    this.region = options.region;
    this.rotateCommand = command;

    if (options.rotate === false) return;
    this.rotation = new DataResource(this, "rotate", {
      triggersReplace: {
        client_id: this.clientId,
        ...(this.standbyClientId ? { standby_client_id: this.standbyClientId } : {}),
        secret_arn: this.secretArn,
        rotation_epoch: String(options.rotationEpoch ?? "0"),
      },
      provisioners: [
        {
          type: "local-exec",
          command,
          environment: {
            KEYWARD_CLIENT_ID: this.clientId,
            ...(this.standbyClientId ? { KEYWARD_STANDBY_CLIENT_ID: this.standbyClientId } : {}),
            KEYWARD_SECRET_ARN: this.secretArn,
            GENESYSCLOUD_REGION: options.region,
          },
          workingDir: options.rotateWorkingDir,
          interpreter: options.rotateInterpreter,
        },
      ],
    });
  }

  /** The entry of a rotation manifest (`keyward rotate --manifest`, the scheduled Lambda) for this client. */
  public get managedClient(): ManagedClient {
    return { clientId: this.clientId, secretArn: this.secretArn, ...(this.standbyClientId ? { standbyClientId: this.standbyClientId } : {}) };
  }
}

/** One client to rotate: what the scheduled rotation needs to know, and may be granted access to. */
export interface ManagedClient {
  /** OAuth client id (literal or Terraform reference). */
  readonly clientId: string;
  /** ARN of its Secrets Manager secret (literal or Terraform reference). */
  readonly secretArn: string;
  /** The alternating pair's standby (literal or Terraform reference): rotated by Secrets Manager's own rotation. */
  readonly standbyClientId?: string;
}
