import { UsageError } from "../core/errors.js";

/**
 * The one CLI grammar. Every command declares its flags, positionals, environment variables and exit codes here;
 * parsing, `<command> --help`, `keyward help <command>` and the top-level usage are all generated from that
 * declaration, so the help can never drift from the parser. Adding a flag is one entry in a command's `flags`.
 *
 * Grammar: `--name value`, `--name=value`, `-x value` (declared short forms only); a boolean flag takes no value,
 * and a `negatable` one also accepts `--no-name`; `--` ends the flags; `-` alone is a positional (standard input).
 * Unknown flags, missing or malformed values, the same flag twice with different values, and unexpected positionals
 * are usage errors (exit 2). `-h`/`--help` anywhere before `--` prints the help and exits 0.
 */

interface FlagBase {
  /** One line, lower case, no final period: what the flag does. Defaults and aliases are appended by the help. */
  description: string;
  /** Other long names that mean exactly this flag (kept for compatibility), e.g. `jobs` for `concurrency`. */
  aliases?: readonly string[];
  /** A one-letter form, e.g. `o` for `-o`. */
  short?: string;
  /** Long spellings that are refused (exit 2) with a pointer to this flag, e.g. `env-file` for `env-out`. */
  insteadOf?: readonly string[];
}

export interface BooleanFlag extends FlagBase {
  type: "boolean";
  /** Also accept `--no-<name>` (and `--no-<alias>`), which sets it to false. */
  negatable?: boolean;
  /** The value when the flag is absent (documented in the help). Without it, absent is `undefined`. */
  default?: boolean;
}

export interface StringFlag extends FlagBase {
  type: "string";
  /** The placeholder shown in the help, e.g. `FILE`, `<name|arn>`. */
  value: string;
  /** Documented default (text only: the command applies it). */
  defaultText?: string;
  /** The fix line when the value is empty (default: "give --<name> a value"). */
  emptyHint?: string;
  /** May be given more than once; the values are collected in order. */
  multiple?: boolean;
}

export interface IntegerFlag extends FlagBase {
  type: "integer";
  value: string;
  min: number;
  max: number;
  /** The value when absent: a number, or a function computed at parse time (e.g. from the core count). */
  default?: number | (() => number);
  /** How the help describes a computed default. */
  defaultText?: string;
}

export interface ChoiceFlag<C extends string = string> extends FlagBase {
  type: "choice";
  choices: readonly C[];
  default?: C;
  /**
   * Boolean shorthands that set this flag to one value: `{ json: "json" }` makes `--json` mean `--format json`.
   * Giving a shorthand and the flag with another value is a usage error.
   */
  presets?: Readonly<Record<string, C>>;
}

export type FlagSpec = BooleanFlag | StringFlag | IntegerFlag | ChoiceFlag;

export interface EnvSpec {
  name: string;
  description: string;
}

export interface ExitSpec {
  code: number | string;
  meaning: string;
}

export interface PositionalSpec {
  /** Placeholder, e.g. `PATH` or `FILE|-`. */
  name: string;
  description: string;
  min?: number;
  /** Default: unlimited. */
  max?: number;
}

export interface CommandSpec<F extends Record<string, FlagSpec> = Record<string, FlagSpec>> {
  /** As typed after `keyward`, e.g. `rotate`. */
  name: string;
  /** One line for the command list. */
  summary: string;
  /** Synopsis lines, each starting with the command name (the help prefixes `keyward `); a line starting with a space continues the one before. */
  usage: readonly string[];
  /** Paragraphs after the synopsis (optional). */
  description?: string;
  positionals?: PositionalSpec;
  flags: F;
  env: readonly EnvSpec[];
  exitCodes: readonly ExitSpec[];
}

/** Declares a command; `const` keeps the flag names and choice values literal for the parsed values' types. */
export function defineCommand<const F extends Record<string, FlagSpec>>(spec: CommandSpec<F>): CommandSpec<F> {
  checkSpec(spec);
  return spec;
}

/**
 * The shared `--format` flag of every command that reports: `text` by default, `--json` = `--format json`.
 * `sarif` only where a report is a list of code findings (scan).
 */
export function formatFlag<const C extends string>(choices: readonly C[], description = "report format"): ChoiceFlag<C | "text"> & { default: "text" } {
  const presets = (choices as readonly string[]).includes("json") ? { json: "json" as C } : undefined;
  return { type: "choice", choices: ["text", ...choices.filter((c) => c !== "text")], default: "text", description, ...(presets ? { presets } : {}) };
}

/** `--concurrency N`, with `--jobs` kept as its alias: the one spelling of parallelism on every command. */
export function concurrencyFlag<const D extends number | (() => number)>(
  flag: { max: number; default: D; description: string } & Pick<IntegerFlag, "short" | "defaultText">,
): IntegerFlag & { default: D } {
  return { type: "integer", value: "N", min: 1, aliases: ["jobs"], ...flag };
}

type ValueOf<S extends FlagSpec> = S extends BooleanFlag
  ? S extends { default: boolean }
    ? boolean
    : boolean | undefined
  : S extends StringFlag
    ? S extends { multiple: true }
      ? string[]
      : string | undefined
    : S extends IntegerFlag
      ? S extends { default: number | (() => number) }
        ? number
        : number | undefined
      : S extends ChoiceFlag<infer C>
        ? S extends { default: string }
          ? C
          : C | undefined
        : never;

export type ParsedValues<F extends Record<string, FlagSpec>> = { -readonly [K in keyof F]: ValueOf<F[K]> };

export type ParseResult<F extends Record<string, FlagSpec>> =
  | { help: true }
  | {
      help: false;
      values: ParsedValues<F>;
      positionals: string[];
      /** The flags given on the command line (by canonical name), as opposed to defaulted. */
      given: ReadonlySet<keyof F & string>;
    };

const HELP_NAMES = new Set(["--help", "-h"]);

/** Parses `args` by the declaration. Throws a UsageError (exit 2) naming the fix; never reads the environment. */
export function parseCommand<F extends Record<string, FlagSpec>>(spec: CommandSpec<F>, args: readonly string[]): ParseResult<F> {
  const end = args.indexOf("--");
  if ((end === -1 ? args : args.slice(0, end)).some((a) => HELP_NAMES.has(a))) return { help: true };

  const lookup = flagLookup(spec);
  const raw = new Map<string, { value: string | boolean; as: string }>();
  const multiples = new Map<string, string[]>();
  const positionals: string[] = [];
  const usage = (message: string, hint = `run \`keyward help ${spec.name}\` for its flags`) => new UsageError(`${spec.name}: ${message}`, { hint });

  const set = (name: string, value: string | boolean, as: string) => {
    const flag = spec.flags[name]!;
    if (flag.type === "string" && flag.multiple) {
      multiples.set(name, [...(multiples.get(name) ?? []), value as string]);
      return;
    }
    const before = raw.get(name);
    if (before && before.value !== value) {
      throw usage(`${before.as} and ${as} contradict each other`, `give --${name} once`);
    }
    raw.set(name, { value, as });
  };

  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === "--") {
      positionals.push(...args.slice(i + 1));
      break;
    }
    if (arg === "-" || !arg.startsWith("-")) {
      positionals.push(arg);
      continue;
    }
    const eq = arg.startsWith("--") ? arg.indexOf("=") : -1;
    const written = eq === -1 ? arg : arg.slice(0, eq);
    const inline = eq === -1 ? undefined : arg.slice(eq + 1);
    const hit = lookup.get(written);
    if (!hit) throw unknownFlag(spec, written, lookup);
    const flag = spec.flags[hit.name]!;
    if (hit.kind === "preset" || hit.kind === "negated" || flag.type === "boolean") {
      if (inline !== undefined)
        throw usage(
          `${written} takes no value (got "${inline}")`,
          hit.kind === "negated" ? `write ${written} alone` : `write ${written} alone, or --no-${hit.name} where it can be turned off`,
        );
      if (hit.kind === "preset") set(hit.name, hit.value, written);
      else set(hit.name, hit.kind !== "negated", written);
      continue;
    }
    let value = inline;
    if (value === undefined) {
      const next = args[i + 1];
      if (next === undefined || (next.startsWith("-") && next !== "-" && !/^-\d/.test(next))) {
        throw usage(
          `${written} needs a value (${placeholder(flag)})`,
          next === undefined ? `write ${written} ${placeholder(flag)}` : `write ${written} ${placeholder(flag)}; a value that starts with "-" goes as ${written}=${next}`,
        );
      }
      value = next;
      i++;
    }
    set(hit.name, value, written);
  }

  const values: Record<string, unknown> = {};
  for (const [name, flag] of Object.entries(spec.flags)) {
    const given = raw.get(name);
    values[name] = convert(spec, given?.as ?? `--${name}`, flag, given?.value, multiples.get(name));
  }
  checkPositionals(spec, positionals);
  const given = new Set([...raw.keys(), ...multiples.keys()]) as Set<keyof F & string>;
  return { help: false, values: values as ParsedValues<F>, positionals, given };
}

/** `written`: the spelling on the command line (`--jobs` for `--concurrency`), so the message names what the user typed. */
function convert(spec: CommandSpec, written: string, flag: FlagSpec, value: string | boolean | undefined, multiple: string[] | undefined): unknown {
  const fail = (message: string, hint = `run \`keyward help ${spec.name}\` for its flags`) => new UsageError(`${spec.name}: ${message}`, { hint });
  switch (flag.type) {
    case "boolean":
      return value === undefined ? flag.default : value;
    case "string": {
      const all = flag.multiple ? (multiple ?? []) : value === undefined ? [] : [value as string];
      for (const v of all) if (v.trim() === "") throw fail(`${written} is empty`, flag.emptyHint ?? `give ${written} a value (${flag.value})`);
      return flag.multiple ? all : value;
    }
    case "integer": {
      if (value === undefined) return typeof flag.default === "function" ? flag.default() : flag.default;
      const text = value as string;
      const n = /^\d{1,9}$/.test(text) ? Number(text) : NaN;
      if (!(n >= flag.min && n <= flag.max)) throw fail(`${written} must be a whole number from ${flag.min} to ${flag.max}, got "${text}"`);
      return n;
    }
    case "choice": {
      if (value === undefined) return flag.default;
      if (!flag.choices.includes(value as string)) throw fail(`${written} must be ${orList(flag.choices)}, got "${String(value)}"`);
      return value;
    }
  }
}

function checkPositionals(spec: CommandSpec, positionals: string[]): void {
  const p = spec.positionals;
  if (!p) {
    if (positionals.length > 0)
      throw new UsageError(`${spec.name}: unexpected argument "${positionals[0]}"`, { hint: `\`${spec.name}\` takes flags only: run \`keyward help ${spec.name}\`` });
    return;
  }
  if (p.max !== undefined && positionals.length > p.max)
    throw new UsageError(`${spec.name}: too many arguments (at most ${p.max} ${p.name})`, { hint: `run \`keyward help ${spec.name}\`` });
  if (p.min !== undefined && positionals.length < p.min) throw new UsageError(`${spec.name}: ${p.name} is missing`, { hint: `run \`keyward help ${spec.name}\`` });
}

type Hit = { name: string; kind: "flag" } | { name: string; kind: "negated" } | { name: string; kind: "preset"; value: string };

function flagLookup(spec: CommandSpec): Map<string, Hit> {
  const map = new Map<string, Hit>();
  for (const [name, flag] of Object.entries(spec.flags)) {
    for (const long of [name, ...(flag.aliases ?? [])]) {
      map.set(`--${long}`, { name, kind: "flag" });
      if (flag.type === "boolean" && flag.negatable) map.set(`--no-${long}`, { name, kind: "negated" });
    }
    if (flag.short) map.set(`-${flag.short}`, { name, kind: "flag" });
    if (flag.type === "choice") for (const [preset, value] of Object.entries(flag.presets ?? {})) map.set(`--${preset}`, { name, kind: "preset", value });
  }
  return map;
}

function unknownFlag(spec: CommandSpec, written: string, lookup: Map<string, Hit>): UsageError {
  const replacement = Object.entries(spec.flags).find(([, flag]) => flag.insteadOf?.some((old) => `--${old}` === written));
  if (replacement) return new UsageError(`${spec.name}: unknown flag ${written}`, { hint: `use --${replacement[0]}` });
  const near = [...lookup.keys()]
    .filter((k) => k.startsWith("--"))
    .map((k) => [k, distance(written, k)] as const)
    .sort((a, b) => a[1] - b[1])[0];
  const suggestion = near && near[1] <= Math.max(2, Math.floor(written.length / 4)) ? `did you mean ${near[0]}? ` : "";
  return new UsageError(`${spec.name}: unknown flag ${written}`, { hint: `${suggestion}run \`keyward help ${spec.name}\` for its flags` });
}

/** Levenshtein distance (flag names are short). */
function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[b.length]!;
}

function placeholder(flag: FlagSpec): string {
  if (flag.type === "choice") return flag.choices.join("|");
  if (flag.type === "boolean") return "";
  return flag.value;
}

function orList(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? "") : `${items.slice(0, -1).join(", ")} or ${items[items.length - 1]}`;
}

/** The flag's left column in the help: `-o, --output FILE`, `--[no-]verify`. */
function flagColumn(name: string, flag: FlagSpec): string {
  const long = flag.type === "boolean" && flag.negatable ? `--[no-]${name}` : `--${name}`;
  const value = flag.type === "boolean" ? "" : ` ${placeholder(flag)}`;
  return `${flag.short ? `-${flag.short}, ` : ""}${long}${value}`;
}

/** The help line's text: description, then default and other spellings. */
function flagText(name: string, flag: FlagSpec): string {
  const extras: string[] = [];
  if (flag.type === "boolean" && flag.default !== undefined) extras.push(`default: ${flag.default ? "on" : "off"}`);
  if (flag.type === "string" && flag.defaultText) extras.push(`default: ${flag.defaultText}`);
  if (flag.type === "integer") {
    if (flag.defaultText) extras.push(`default: ${flag.defaultText}`);
    else if (typeof flag.default === "number") extras.push(`default: ${flag.default}`);
  }
  if (flag.type === "choice" && flag.default !== undefined) extras.push(`default: ${flag.default}`);
  if (flag.type === "choice") for (const [preset, value] of Object.entries(flag.presets ?? {})) extras.push(`--${preset} = --${name} ${value}`);
  if (flag.aliases?.length) extras.push(`alias ${flag.aliases.map((a) => `--${a}`).join(", ")}`);
  return extras.length ? `${flag.description} [${extras.join("; ")}]` : flag.description;
}

function table(rows: Array<[string, string]>, indent = "  "): string[] {
  const width = Math.min(34, Math.max(...rows.map(([left]) => left.length)));
  return rows.map(([left, right]) => `${indent}${left.length > width ? `${left}  ` : left.padEnd(width + 2)}${right}`);
}

/** The synopsis lines as printed: `  keyward <line>`, continuation lines indented under it. */
export function synopsis(spec: CommandSpec): string[] {
  return spec.usage.map((u) => (u.startsWith(" ") ? `          ${u}` : `  keyward ${u}`));
}

/** `keyward help <command>` and `<command> --help`: usage, every flag on one line, environment, exit codes. */
export function renderHelp(spec: CommandSpec): string {
  const lines = [`keyward ${spec.name} — ${spec.summary}`, "", "Usage:", ...synopsis(spec)];
  if (spec.description) lines.push("", ...spec.description.split("\n"));
  if (spec.positionals) lines.push("", "Arguments:", ...table([[spec.positionals.name, spec.positionals.description]]));
  const rows: Array<[string, string]> = Object.entries(spec.flags).map(([name, flag]) => [flagColumn(name, flag), flagText(name, flag)]);
  rows.push(["-h, --help", "print this help and exit 0"]);
  lines.push("", "Flags:", ...table(rows));
  lines.push("", "Environment:", ...(spec.env.length ? table(spec.env.map((e) => [e.name, e.description])) : ["  (none)"]));
  lines.push("", "Exit codes:", ...table(spec.exitCodes.map((e) => [String(e.code), e.meaning])));
  return lines.join("\n") + "\n";
}

/** Every long spelling a command accepts, for tests and docs (`--format`, `--json`, `--no-verify`, aliases…). */
export function acceptedFlags(spec: CommandSpec): string[] {
  return [...flagLookup(spec).keys(), "--help", "-h"];
}

/** A declaration that contradicts itself is a programming error, caught the first time the module loads. */
function checkSpec(spec: CommandSpec): void {
  const seen = new Set<string>(["--help", "-h"]);
  const claim = (spelling: string) => {
    if (seen.has(spelling)) throw new Error(`command ${spec.name}: ${spelling} is declared twice`);
    if (spelling === "--env-file") throw new Error(`command ${spec.name}: no keyward flag may be spelled --env-file (Node 20 reads it)`);
    seen.add(spelling);
  };
  for (const [name, flag] of Object.entries(spec.flags)) {
    if (!/^[a-z][a-z0-9-]*$/.test(name)) throw new Error(`command ${spec.name}: bad flag name ${name}`);
    if (flag.description.includes("\n")) throw new Error(`command ${spec.name}: --${name}'s description must be one line`);
    for (const long of [name, ...(flag.aliases ?? [])]) {
      claim(`--${long}`);
      if (flag.type === "boolean" && flag.negatable) claim(`--no-${long}`);
    }
    if (flag.short) claim(`-${flag.short}`);
    if (flag.type === "choice") {
      for (const [preset, value] of Object.entries(flag.presets ?? {})) {
        claim(`--${preset}`);
        if (!flag.choices.includes(value)) throw new Error(`command ${spec.name}: --${preset} sets --${name} to "${value}", which is not a choice`);
      }
      if (flag.default !== undefined && !flag.choices.includes(flag.default)) throw new Error(`command ${spec.name}: --${name}'s default is not a choice`);
    }
  }
}
