import { invalidParameter, serialization } from "./errors.js";
import type { SecretsManagerTag } from "./types.js";

interface StringRule {
  min?: number;
  max?: number;
  pattern?: RegExp;
  /** Shown when `pattern` fails. */
  patternMessage?: string;
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Typed access to a request body's members; a wrong type or constraint is an InvalidParameterException. */
export class InputReader {
  private readonly body: Record<string, unknown>;

  constructor(body: unknown) {
    if (body === null || typeof body !== "object" || Array.isArray(body)) throw serialization("The request body must be a JSON object.");
    this.body = body as Record<string, unknown>;
  }

  has(name: string): boolean {
    return this.body[name] !== undefined && this.body[name] !== null;
  }

  /** An object member (a nested structure), for a nested InputReader. */
  object(name: string): Record<string, unknown> {
    const value = this.body[name];
    if (value === null || typeof value !== "object" || Array.isArray(value)) throw invalidParameter(`${name} must be a structure.`);
    return value as Record<string, unknown>;
  }

  /** A list member of any item type (for members the emulator only checks for emptiness). */
  list(name: string): unknown[] | undefined {
    const value = this.body[name];
    if (value === undefined || value === null) return undefined;
    if (!Array.isArray(value)) throw invalidParameter(`${name} must be a list.`);
    return value;
  }

  string(name: string, rule: StringRule = {}): string | undefined {
    const value = this.body[name];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== "string") throw invalidParameter(`${name} must be a string.`);
    if (rule.min !== undefined && value.length < rule.min) throw invalidParameter(`${name} must be at least ${rule.min} characters long.`);
    if (rule.max !== undefined && value.length > rule.max) throw invalidParameter(`${name} must be at most ${rule.max} characters long.`);
    if (rule.pattern && !rule.pattern.test(value)) throw invalidParameter(rule.patternMessage ?? `${name} has an invalid format.`);
    return value;
  }

  requiredString(name: string, rule: StringRule = {}): string {
    const value = this.string(name, rule);
    if (value === undefined) throw invalidParameter(`${name} is required.`);
    return value;
  }

  boolean(name: string): boolean | undefined {
    const value = this.body[name];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== "boolean") throw invalidParameter(`${name} must be a boolean.`);
    return value;
  }

  integer(name: string, min: number, max: number, message?: string): number | undefined {
    const value = this.body[name];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
      throw invalidParameter(message ?? `${name} must be an integer from ${min} to ${max}.`);
    }
    return value;
  }

  stringList(name: string, rule: StringRule & { maxItems?: number } = {}): string[] | undefined {
    const value = this.body[name];
    if (value === undefined || value === null) return undefined;
    if (!Array.isArray(value) || value.some((item) => typeof item !== "string")) throw invalidParameter(`${name} must be a list of strings.`);
    if (rule.maxItems !== undefined && value.length > rule.maxItems) throw invalidParameter(`${name} can hold at most ${rule.maxItems} items.`);
    for (const item of value as string[]) {
      if ((rule.min !== undefined && item.length < rule.min) || (rule.max !== undefined && item.length > rule.max)) {
        throw invalidParameter(`Each ${name} item must be ${rule.min ?? 0} to ${rule.max ?? "any"} characters long.`);
      }
    }
    return value as string[];
  }

  /** A base64 blob (SecretBinary), kept as its base64 text. */
  base64(name: string, maxBytes: number): string | undefined {
    const value = this.string(name);
    if (value === undefined) return undefined;
    if (!BASE64.test(value)) throw serialization(`${name} must be base64 encoded.`);
    if (Buffer.byteLength(value, "base64") > maxBytes) throw invalidParameter(`${name} must be at most ${maxBytes} bytes.`);
    return value;
  }

  tags(name: string): SecretsManagerTag[] | undefined {
    const value = this.body[name];
    if (value === undefined || value === null) return undefined;
    if (!Array.isArray(value)) throw invalidParameter(`${name} must be a list of {Key, Value}.`);
    return value.map((tag: unknown) => {
      const t = (tag ?? {}) as Record<string, unknown>;
      if (typeof t.Key !== "string" || t.Key.length < 1 || t.Key.length > 128) throw invalidParameter("Each tag Key must be a string of 1 to 128 characters.");
      const tagValue = t.Value ?? "";
      if (typeof tagValue !== "string" || tagValue.length > 256) throw invalidParameter("Each tag Value must be a string of at most 256 characters.");
      return { Key: t.Key, Value: tagValue };
    });
  }
}
