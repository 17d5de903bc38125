// The stand-in providers against the table transcribed from the real providers' source (real-schema.ts), through
// Terraform itself: `terraform providers schema -json` must equal the table row for row; every value the table says
// the real provider's validators accept must pass `terraform validate` and every value they reject must fail it, on
// its own block; every default must show in a plan. A transcription mistake fails one of these loudly.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { startSandboxKit, type SandboxKit } from "../helpers/sandbox.js";
import { cleanup, terraformOk, terraformTool, workDir, type TerraformTool } from "./harness.js";
import { TABLES, type AttributeRow, type BlockRow, type ProviderTable, type TypeTable } from "./real-schema.js";

type Json = Record<string, unknown>;
interface SchemaBlock {
  version?: number;
  attributes?: Record<string, { type: unknown; required?: boolean; optional?: boolean; computed?: boolean; sensitive?: boolean }>;
  block_types?: Record<string, { nesting_mode: string; block: SchemaBlock; min_items?: number; max_items?: number }>;
}

/** `["set","string"]` -> `set(string)`. */
function typeName(type: unknown): string {
  return Array.isArray(type) ? `${type[0]}(${typeName(type[1])})` : String(type);
}

/** The schema JSON of one block as the table's rows, sorted. */
function rowsOf(block: SchemaBlock, prefix = ""): { attributes: string[]; blocks: string[] } {
  const attributes: string[] = [];
  const blocks: string[] = [];
  for (const [name, a] of Object.entries(block.attributes ?? {})) {
    const flags = a.required ? "required" : a.optional && a.computed ? "optional+computed" : a.optional ? "optional" : "computed";
    attributes.push(`${prefix}${name} ${typeName(a.type)} ${flags}${a.sensitive ? " sensitive" : ""}`);
  }
  for (const [name, b] of Object.entries(block.block_types ?? {})) {
    blocks.push(`${prefix}${name} ${b.nesting_mode}${b.min_items ? ` min ${b.min_items}` : ""}${b.max_items ? ` max ${b.max_items}` : ""}`);
    const inner = rowsOf(b.block, `${prefix}${name}.`);
    attributes.push(...inner.attributes);
    blocks.push(...inner.blocks);
  }
  return { attributes: attributes.sort(), blocks: blocks.sort() };
}

function tableRows(table: TypeTable): { attributes: string[]; blocks: string[] } {
  return {
    attributes: table.attributes.map((r: AttributeRow) => `${r.path} ${r.type} ${r.flags}${r.sensitive ? " sensitive" : ""}`).sort(),
    blocks: table.blocks.map((b: BlockRow) => `${b.path} ${b.nesting}${b.min ? ` min ${b.min}` : ""}${b.max ? ` max ${b.max}` : ""}`).sort(),
  };
}

// ---- HCL for the validator checks: one block per value, so each diagnostic names the block it belongs to ----------

function hclValue(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (value && typeof value === "object" && !Array.isArray(value)) {
    return `{ ${Object.entries(value)
      .map(([k, v]) => `${JSON.stringify(k)} = ${hclValue(v)}`)
      .join(", ")} }`;
  }
  throw new Error(`no HCL for ${JSON.stringify(value)}`);
}

function hclBody(body: Json, indent: string): string[] {
  const lines: string[] = [];
  for (const [key, value] of Object.entries(body)) {
    if (Array.isArray(value) && value.every((v) => v && typeof v === "object")) {
      for (const item of value as Json[]) lines.push(`${indent}${key} {`, ...hclBody(item, indent + "  "), `${indent}}`);
    } else lines.push(`${indent}${key} = ${hclValue(value)}`);
  }
  return lines;
}

/** Sets `path` (dotted through nested blocks) in `body`, creating one block per level. */
function withValue(body: Json, path: string, value: unknown): Json {
  const copy = structuredClone(body);
  const parts = path.split(".");
  let node = copy;
  for (const part of parts.slice(0, -1)) {
    const existing = node[part];
    if (!Array.isArray(existing) || existing.length === 0) node[part] = [{}];
    node = (node[part] as Json[])[0]!;
  }
  node[parts.at(-1)!] = value;
  return copy;
}

interface Case {
  label: string;
  expect: "accept" | "reject";
  row: string;
}

/**
 * One `.tf` file holding every accepted and rejected value of `table`, and the line span of each block: for the
 * resources (judged by `terraform validate`), or for the provider block (judged by `terraform plan`: validate leaves
 * provider configuration alone), one aliased provider per value, each used by one resource and otherwise configured
 * from `providerBase` (the sandbox), so that an accepted value also configures.
 */
function validatorConfig(table: ProviderTable, target: "resources" | "provider", providerBase: Json = {}): { text: string; cases: Array<Case & { from: number; to: number }> } {
  const local = table.address.split("/").at(-1)!;
  const lines = [`terraform {`, `  required_providers {`, `    ${local} = { source = "${table.address.split("/").slice(1).join("/")}", version = "${table.version}" }`, `  }`, `}`];
  const cases: Array<Case & { from: number; to: number }> = [];
  let n = 0;
  const add = (header: string, body: Json, c: Case) => {
    const from = lines.length + 1;
    lines.push(`${header} {`, ...hclBody(body, "  "), `}`);
    cases.push({ ...c, from, to: lines.length });
  };
  if (target === "provider") {
    const [type, spec] = Object.entries(table.resources).find(([, t]) => t.minimal)!;
    for (const row of table.provider.attributes) {
      for (const [kind, values] of [
        ["accept", row.accepts ?? []],
        ["reject", row.rejects ?? []],
      ] as const) {
        for (const value of values) {
          const label = `p${++n}`;
          add(`provider "${local}"`, withValue({ alias: label, ...providerBase }, row.path, value), {
            label,
            expect: kind,
            row: `provider.${row.path} = ${JSON.stringify(value)}`,
          });
          lines.push(`resource "${type}" "${label}" {`, `  provider = ${local}.${label}`, ...hclBody(spec.minimal!, "  "), `}`);
        }
      }
    }
    return { text: lines.join("\n") + "\n", cases };
  }
  for (const [type, spec] of Object.entries(table.resources)) {
    for (const row of spec.attributes) {
      for (const [kind, values] of [
        ["accept", row.accepts ?? []],
        ["reject", row.rejects ?? []],
      ] as const) {
        for (const value of values) {
          const label = `r${++n}`;
          add(`resource "${type}" "${label}"`, withValue(spec.minimal ?? {}, row.path, value), { label, expect: kind, row: `${type}.${row.path} = ${JSON.stringify(value)}` });
        }
      }
    }
  }
  return { text: lines.join("\n") + "\n", cases };
}

let tool: TerraformTool;
let kit: SandboxKit;
let dir: string;

beforeAll(async () => {
  tool = terraformTool();
  kit = await startSandboxKit();
  dir = workDir("schema");
  // Both providers, no configuration of them: enough for `init` and `providers schema`.
  writeFileSync(
    join(dir, "main.tf.json"),
    JSON.stringify({
      terraform: {
        required_providers: Object.fromEntries(TABLES.map((t) => [t.address.split("/").at(-1)!, { source: t.address.split("/").slice(1).join("/"), version: t.version }])),
      },
    }),
  );
  await terraformOk(tool, dir, ["init", "-no-color"], {});
});

afterAll(async () => {
  await kit?.close();
  cleanup();
});

describe("the stand-ins' wire schema equals the table transcribed from the real providers' source", () => {
  let schemas: Record<
    string,
    { provider: { block: SchemaBlock }; resource_schemas?: Record<string, { block: SchemaBlock; version?: number }>; data_source_schemas?: Record<string, { block: SchemaBlock }> }
  >;

  beforeAll(async () => {
    const out = await terraformOk(tool, dir, ["providers", "schema", "-json"], {});
    schemas = (JSON.parse(out.stdout) as { provider_schemas: typeof schemas }).provider_schemas;
  });

  for (const table of TABLES) {
    describe(`${table.address} ${table.version} (${table.repository} ${table.tag})`, () => {
      it("serves exactly the transcribed resource and data source types", () => {
        const schema = schemas[table.address]!;
        expect(Object.keys(schema.resource_schemas ?? {}).sort()).toEqual(Object.keys(table.resources).sort());
        expect(Object.keys(schema.data_source_schemas ?? {}).sort()).toEqual(Object.keys(table.dataSources).sort());
      });

      it(`provider block (${table.provider.source})`, () => {
        expect(rowsOf(schemas[table.address]!.provider.block)).toEqual(tableRows(table.provider));
      });

      for (const [type, spec] of Object.entries({ ...table.resources, ...table.dataSources })) {
        it(`${type} (${spec.source}): attributes, blocks and schema version`, () => {
          const schema = schemas[table.address]!;
          const entry = (schema.resource_schemas?.[type] ?? schema.data_source_schemas?.[type])!;
          expect(rowsOf(entry.block)).toEqual(tableRows(spec));
          expect(entry.block.version ?? (entry as { version?: number }).version ?? 0).toBe(spec.version);
        });
      }
    });
  }
});

type Diagnostic = { severity: string; summary: string; detail?: string; range?: { start: { line: number } } };

/** The error diagnostics of `terraform validate -json` or of the JSON lines of `terraform plan -json`. */
function diagnosticsOf(stdout: string, streamed: boolean): Diagnostic[] {
  if (!streamed) return (JSON.parse(stdout) as { diagnostics: Diagnostic[] }).diagnostics;
  return stdout
    .split("\n")
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line) as { type?: string; diagnostic?: Diagnostic })
    .filter((m) => m.type === "diagnostic" && m.diagnostic)
    .map((m) => m.diagnostic!);
}

describe("the real providers' validators, through terraform validate (resources) and plan (provider blocks)", () => {
  const providerBases = (): Record<string, Json> => {
    const genesys = new URL(kit.sandbox.genesys.url);
    return {
      [TABLES[0].address]: { aws_region: "us-east-1", gateway: [{ host: genesys.hostname, port: genesys.port, protocol: "http" }] },
      [TABLES[1].address]: {
        region: kit.sandbox.region,
        skip_credentials_validation: true,
        skip_requesting_account_id: true,
        endpoints: [{ secretsmanager: kit.sandbox.secretsManager.url }],
      },
    };
  };
  for (const table of TABLES)
    for (const target of ["resources", "provider"] as const) {
      it(`${table.address} ${target}: every accepted value passes and every rejected one fails on its own block`, async () => {
        const { text, cases } = validatorConfig(table, target, providerBases()[table.address]);
        const check = workDir("validators");
        writeFileSync(join(check, "main.tf"), text);
        await terraformOk(tool, check, ["init", "-no-color"], {});
        const command = target === "resources" ? ["validate", "-json", "-no-color"] : ["plan", "-json", "-no-color", "-refresh=false"];
        const out = await (await import("./harness.js")).terraform(tool, check, command, kit.env);
        const diagnostics = diagnosticsOf(out.stdout, target === "provider");
        const errorsIn = (c: { from: number; to: number }) =>
          diagnostics.filter((d) => d.severity === "error" && d.range && d.range.start.line >= c.from && d.range.start.line <= c.to);
        const wrong = cases.filter((c) => (c.expect === "reject") !== errorsIn(c).length > 0).map((c) => `${c.expect === "reject" ? "not rejected" : "rejected"}: ${c.row}`);
        expect(wrong).toEqual([]);
        expect(cases.filter((c) => c.expect === "reject").length).toBeGreaterThan(0);
        // Nothing outside the generated blocks may fail (e.g. a minimal configuration that is not valid).
        expect(diagnostics.filter((d) => d.severity === "error" && !cases.some((c) => errorsIn(c).includes(d)))).toEqual([]);
      });
    }
});

describe("the real providers' defaults, through a plan", () => {
  it("a plan of each applied type's minimal configuration shows every transcribed default", async () => {
    const plan = workDir("defaults");
    const genesys = new URL(kit.sandbox.genesys.url);
    const resources: Record<string, Record<string, Json>> = {};
    const expected: Array<[string, string, unknown]> = [];
    for (const table of TABLES) {
      for (const [type, spec] of Object.entries(table.resources)) {
        const defaults = spec.attributes.filter((r) => r.default !== undefined && !r.path.includes("."));
        if (!defaults.length || !spec.minimal) continue;
        (resources[type] ??= {}).d = spec.minimal;
        for (const row of defaults) expected.push([type, row.path, row.default]);
      }
    }
    writeFileSync(
      join(plan, "main.tf.json"),
      JSON.stringify({
        terraform: { required_providers: { genesyscloud: { source: "mypurecloud/genesyscloud", version: "1.84.1" }, aws: { source: "hashicorp/aws", version: "6.28.0" } } },
        provider: {
          genesyscloud: [{ aws_region: "us-east-1", gateway: [{ host: genesys.hostname, port: genesys.port, protocol: "http" }] }],
          aws: [
            { region: kit.sandbox.region, endpoints: [{ secretsmanager: kit.sandbox.secretsManager.url }], skip_credentials_validation: true, skip_requesting_account_id: true },
          ],
        },
        resource: resources,
      }),
    );
    await terraformOk(tool, plan, ["init", "-no-color"], {});
    await terraformOk(tool, plan, ["plan", "-no-color", "-out=plan.bin"], kit.env);
    const show = JSON.parse((await terraformOk(tool, plan, ["show", "-json", "plan.bin"], kit.env)).stdout) as {
      resource_changes: Array<{ type: string; change: { after: Json } }>;
    };
    const actual = expected.map(([type, path]) => [type, path, show.resource_changes.find((r) => r.type === type)?.change.after[path]]);
    expect(actual).toEqual(expected);
    expect(expected.length).toBeGreaterThan(20);
  });
});
