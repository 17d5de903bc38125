// Schema-driven core of keyward's hand-written provider bindings.
//
// `cdktf get` would generate one class per resource with a hand-unrolled `synthesizeAttributes` (Terraform
// JSON) and `synthesizeHclAttributes` (typed values for `cdktf synth --hcl`). Writing those by hand for every
// resource invites the classic mistake of forgetting one of the two (the HCL output then silently drops the
// attribute). Here each binding declares its attributes once, as a table, and both methods are derived from
// it with the same cdktf runtime mappers the generator emits (`stringToTerraform`, `listMapperHcl`, ...), so
// the output is what generated code would produce for the same schema shapes:
//
//   string/number/bool  JSON: value                  HCL: {type:"simple", storageClassType:"string"|"number"|"boolean"}
//   list/set of string  JSON: array                  HCL: {type:"list"|"set", storageClassType:"stringList"}
//   map of string       JSON: object                 HCL: {type:"map", storageClassType:"stringMap"}
//   block, max 1        JSON: object                 HCL: {isBlock:true, type:"list"|"set", storageClassType:"<Name>List"}
//   block list/set      JSON: array of objects       HCL: {isBlock:true, type:"list"|"set", storageClassType:"<Name>List"}
//
// Config property names are the camelCase of the Terraform attribute names (`role_arn` -> `roleArn`), exactly
// as in generated bindings, so the typed config interfaces stay the public surface.
import * as cdktf from "cdktf";
import type { Construct } from "constructs";

/** One attribute of a resource, data source, provider or nested block. */
export type AttributeSchema =
  | { readonly kind: "string" | "number" | "boolean" }
  | { readonly kind: "stringList" | "stringSet" | "numberList" | "numberSet" }
  | { readonly kind: "stringMap" }
  | BlockSchema;

/** A nested block (`schema.Resource` elem in the provider). */
export interface BlockSchema {
  readonly kind: "block";
  /** How the provider declares it: TypeList or TypeSet. */
  readonly collection: "list" | "set";
  /** MaxItems: 1 blocks are a single object in the typed config and in the Terraform JSON. */
  readonly maxOne?: boolean;
  /** Generated-code class name of the element list, used as HCL `storageClassType` (e.g. `OauthClientRolesList`). */
  readonly storageClassType: string;
  readonly attributes: Schema;
}

/** Terraform attribute name (snake_case) -> how it is typed. */
export type Schema = { readonly [terraformName: string]: AttributeSchema };

/** HCL attribute descriptor as understood by cdktf's HCL renderer. */
interface HclAttribute {
  value: unknown;
  isBlock: boolean;
  type: "simple" | "list" | "set" | "map";
  storageClassType: string;
}

/** `access_token_validity_seconds` -> `accessTokenValiditySeconds` (the generator's rule). */
export function camelCase(terraformName: string): string {
  return terraformName.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

function readConfig(struct: unknown, terraformName: string): unknown {
  return (struct as Record<string, unknown>)[camelCase(terraformName)];
}

/** Passes tokens and lazies through untouched, as generated `xToTerraform` helpers do. */
function isOpaque(struct: unknown): boolean {
  if (!cdktf.canInspect(struct) || cdktf.Tokenization.isResolvable(struct)) return true;
  if (cdktf.isComplexElement(struct)) {
    throw new Error("A complex element was used as configuration, this is not supported: https://cdk.tf/complex-object-as-configuration");
  }
  return false;
}

function blockToTerraform(schema: Schema): cdktf.Mapper {
  return (struct: unknown) => (isOpaque(struct) ? struct : attributesToTerraform(schema, struct));
}

function blockToHclTerraform(schema: Schema): cdktf.Mapper {
  return (struct: unknown) => {
    if (struct === undefined) return struct;
    return isOpaque(struct) ? struct : attributesToHclTerraform(schema, struct);
  };
}

function attributeToTerraform(spec: AttributeSchema, value: unknown): unknown {
  switch (spec.kind) {
    case "string":
      return cdktf.stringToTerraform(value);
    case "number":
      return cdktf.numberToTerraform(value);
    case "boolean":
      return cdktf.booleanToTerraform(value);
    case "stringList":
    case "stringSet":
      return cdktf.listMapper(cdktf.stringToTerraform, false)(value);
    case "numberList":
    case "numberSet":
      return cdktf.listMapper(cdktf.numberToTerraform, false)(value);
    case "stringMap":
      return cdktf.hashMapper(cdktf.stringToTerraform)(value);
    case "block":
      return spec.maxOne ? blockToTerraform(spec.attributes)(value) : cdktf.listMapper(blockToTerraform(spec.attributes), true)(value);
  }
}

// `${...}` spans of a string: cdktf token markers (`${TfToken[TOKEN.12]}`) or literal Terraform interpolations.
// An escaped `$${...}` (a literal, e.g. from the configuration) is not one: its quotes must be escaped too.
const INTERPOLATION_SPAN = /((?<!\$)\$\{TfToken\[[^\]]*\]\}|(?<!\$)\$\{[^}]*\})/;

/**
 * A string attribute's HCL value. cdktf's HCL renderer quotes a string that contains an interpolation WITHOUT
 * escaping its double quotes (they could belong to the expression, as in `${filebase64sha256("x")}`), so a JSON
 * document with a reference inside (an IAM policy naming `${aws_secretsmanager_secret.x.arn}`, the schedule's
 * manifest input) would come out as broken HCL. Such strings get their literal parts escaped here, before the
 * tokens are resolved; the expressions themselves are left alone. The JSON output is unaffected.
 */
function stringToHcl(value: unknown): unknown {
  const mapped = cdktf.stringToHclTerraform(value);
  // Multi-line strings become heredocs, where quotes need no escaping.
  if (typeof mapped !== "string" || !mapped.includes('"') || /[\r\n]/.test(mapped)) return mapped;
  if (!cdktf.Token.isUnresolved(mapped) && !mapped.includes("${")) return mapped; // cdktf escapes these itself
  return mapped
    .split(INTERPOLATION_SPAN)
    .map((part, i) => (i % 2 === 1 ? part : part.replace(/\\/g, "\\\\").replace(/"/g, '\\"')))
    .join("");
}

function attributeToHclTerraform(spec: AttributeSchema, value: unknown): HclAttribute {
  switch (spec.kind) {
    case "string":
      return { value: stringToHcl(value), isBlock: false, type: "simple", storageClassType: "string" };
    case "number":
    case "boolean": {
      const mapper = spec.kind === "number" ? cdktf.numberToHclTerraform : cdktf.booleanToHclTerraform;
      return { value: mapper(value), isBlock: false, type: "simple", storageClassType: spec.kind };
    }
    case "stringList":
    case "stringSet":
      return {
        value: cdktf.listMapperHcl(stringToHcl, false)(value),
        isBlock: false,
        type: spec.kind === "stringSet" ? "set" : "list",
        storageClassType: "stringList",
      };
    case "numberList":
    case "numberSet":
      return {
        value: cdktf.listMapperHcl(cdktf.numberToHclTerraform, false)(value),
        isBlock: false,
        type: spec.kind === "numberSet" ? "set" : "list",
        storageClassType: "numberList",
      };
    case "stringMap":
      return {
        value: cdktf.hashMapperHcl(stringToHcl)(value),
        isBlock: false,
        type: "map",
        storageClassType: "stringMap",
      };
    case "block":
      return {
        value: spec.maxOne ? blockToHclTerraform(spec.attributes)(value) : cdktf.listMapperHcl(blockToHclTerraform(spec.attributes), true)(value),
        isBlock: true,
        type: spec.collection,
        storageClassType: spec.storageClassType,
      };
  }
}

/** The Terraform JSON attributes of `struct` (a typed config object) under `schema`. */
export function attributesToTerraform(schema: Schema, struct: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(schema)) {
    out[name] = attributeToTerraform(spec, readConfig(struct, name));
  }
  return out;
}

/** The typed HCL attributes of `struct` under `schema`; unset attributes are removed, as generated code does. */
export function attributesToHclTerraform(schema: Schema, struct: unknown): Record<string, HclAttribute> {
  const attrs: Record<string, HclAttribute> = {};
  for (const [name, spec] of Object.entries(schema)) {
    attrs[name] = attributeToHclTerraform(spec, readConfig(struct, name));
  }
  return Object.fromEntries(Object.entries(attrs).filter(([, value]) => value !== undefined && value.value !== undefined));
}

/** Meta-arguments every resource config accepts (`dependsOn`, `provider`, `lifecycle`, `provisioners`, ...). */
export type ResourceMetaArguments = cdktf.TerraformMetaArguments;

export interface SchemaResourceProps<C> {
  readonly terraformResourceType: string;
  readonly providerName: string;
  readonly schema: Schema;
  readonly config: C;
}

/**
 * Base of every hand-written resource binding: a `TerraformResource` whose two synth methods come from its
 * attribute table. Subclasses add the typed config interface, `static tfResourceType` and the attribute getters.
 */
export abstract class SchemaResource<C extends ResourceMetaArguments> extends cdktf.TerraformResource {
  /** The typed config this resource was created with (generated code keeps the same values in `_x` fields). */
  protected readonly config: C;
  private readonly schema: Schema;

  protected constructor(scope: Construct, id: string, props: SchemaResourceProps<C>) {
    const { config } = props;
    super(scope, id, {
      terraformResourceType: props.terraformResourceType,
      terraformGeneratorMetadata: { providerName: props.providerName },
      provider: config.provider,
      dependsOn: config.dependsOn,
      count: config.count,
      lifecycle: config.lifecycle,
      provisioners: config.provisioners,
      connection: config.connection,
      forEach: config.forEach,
    });
    this.config = config;
    this.schema = props.schema;
  }

  protected override synthesizeAttributes(): { [name: string]: any } {
    return attributesToTerraform(this.schema, this.config);
  }

  protected override synthesizeHclAttributes(): { [name: string]: any } {
    return attributesToHclTerraform(this.schema, this.config);
  }
}

export interface SchemaProviderProps<C> {
  /** Provider local name, e.g. `genesyscloud` (the `provider "<name>"` block and `required_providers` key). */
  readonly terraformResourceType: string;
  /** Registry source, e.g. `mypurecloud/genesyscloud`. Never omit it: Terraform would assume `hashicorp/<name>`. */
  readonly source: string;
  /** What goes into `required_providers.<name>.version`. */
  readonly versionConstraint: string;
  readonly schema: Schema;
  readonly config: C & { readonly alias?: string };
}

/** Base of the hand-written provider bindings; `alias` is handled like generated providers do. */
export abstract class SchemaProvider<C> extends cdktf.TerraformProvider {
  protected readonly config: C;
  private readonly schema: Schema;
  private _alias: string | undefined;

  protected constructor(scope: Construct, id: string, props: SchemaProviderProps<C>) {
    super(scope, id, {
      terraformResourceType: props.terraformResourceType,
      terraformGeneratorMetadata: {
        providerName: props.terraformResourceType,
        providerVersionConstraint: props.versionConstraint,
      },
      terraformProviderSource: props.source,
    });
    this.config = props.config;
    this.schema = props.schema;
    this._alias = props.config.alias;
  }

  public override get alias(): string | undefined {
    return this._alias;
  }

  public override set alias(value: string | undefined) {
    this._alias = value;
  }

  protected override synthesizeAttributes(): { [name: string]: any } {
    return {
      ...attributesToTerraform(this.schema, this.config),
      alias: cdktf.stringToTerraform(this._alias),
    };
  }

  protected override synthesizeHclAttributes(): { [name: string]: any } {
    return attributesToHclTerraform({ ...this.schema, alias: { kind: "string" } }, { ...(this.config as object), alias: this._alias });
  }
}
