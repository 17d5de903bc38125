import { UsageError } from "./errors.js";
import { redactValue, scrub } from "./redact.js";

export type LogLevel = "debug" | "info" | "warn" | "error" | "silent";
const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  child(fields: Record<string, unknown>): Logger;
}

export interface LoggerOptions {
  level?: LogLevel;
  /** Where JSON lines go; stderr by default so stdout stays the command's report. */
  write?: (line: string) => void;
  base?: Record<string, unknown>;
}

/**
 * The redacting logger, configured once per process. Lines are JSON; every field passes `redactValue`
 * (sensitive keys censored, registered secret values scrubbed) and the finished line is scrubbed again.
 * Log identifiers (client id, secret ARN, delivery id), never values.
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  const level = options.level ?? parseLevel(process.env.KEYWARD_LOG_LEVEL) ?? "warn";
  const write = options.write ?? ((line: string) => process.stderr.write(line + "\n"));
  const base = options.base ?? {};
  const emit = (lvl: LogLevel, msg: string, fields?: Record<string, unknown>) => {
    if (ORDER[lvl] < ORDER[level]) return;
    const record = redactValue({ time: new Date().toISOString(), level: lvl, msg, ...base, ...fields });
    write(scrub(JSON.stringify(record)));
  };
  return {
    debug: (m, f) => emit("debug", m, f),
    info: (m, f) => emit("info", m, f),
    warn: (m, f) => emit("warn", m, f),
    error: (m, f) => emit("error", m, f),
    child: (fields) => createLogger({ level, write, base: { ...base, ...fields } }),
  };
}

/** KEYWARD_LOG_LEVEL, checked: an unknown value is a configuration error (exit 2), not a silent default. */
export function logLevelFromEnv(env: Record<string, string | undefined>): LogLevel | undefined {
  const raw = env.KEYWARD_LOG_LEVEL?.trim();
  if (!raw) return undefined;
  const level = parseLevel(raw.toLowerCase());
  if (!level) {
    throw new UsageError(`KEYWARD_LOG_LEVEL="${raw}" is not a log level.`, {
      hint: `set KEYWARD_LOG_LEVEL to one of ${Object.keys(ORDER).join(", ")}, or unset it (default warn)`,
    });
  }
  return level;
}

function parseLevel(value: string | undefined): LogLevel | undefined {
  return value && Object.hasOwn(ORDER, value) ? (value as LogLevel) : undefined;
}

export const silentLogger: Logger = createLogger({ level: "silent" });
