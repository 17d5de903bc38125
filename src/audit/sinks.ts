import type { Logger } from "../core/log.js";
import { redactValue, registerSecret, scrub } from "../core/redact.js";
import type { AuditEvent } from "./event.js";

export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

export interface AuditSink {
  readonly name: string;
  write(event: AuditEvent): Promise<void>;
}

/** JSON lines on stdout, always configured (CloudWatch picks them up in Lambda). */
export function stdoutSink(write: (line: string) => void = (line) => void process.stdout.write(line + "\n")): AuditSink {
  return { name: "stdout", write: async (event) => write(serialize(event)) };
}

/** Splunk HTTP Event Collector: `POST <url>` with `Authorization: Splunk <token>`. */
export function splunkHecSink(url: string, token: string, fetchFn: FetchLike = fetch): AuditSink {
  registerSecret(token);
  return {
    name: "splunk",
    async write(event) {
      const body = JSON.stringify({ time: Date.parse(event.time) / 1000, source: "keyward-janitor", sourcetype: "keyward:janitor:audit", event: JSON.parse(serialize(event)) });
      const res = await fetchFn(url, {
        method: "POST",
        headers: { authorization: `Splunk ${token}`, "content-type": "application/json" },
        body,
        redirect: "manual",
        signal: AbortSignal.timeout(3_000),
      });
      await res.arrayBuffer();
      if (!res.ok) throw new Error(`splunk HEC answered ${res.status}${isRedirect(res) ? " (a redirect: not followed, the token stays here)" : ""}`);
    },
  };
}

export const DEFAULT_DATADOG_URL = "https://http-intake.logs.datadoghq.com/api/v2/logs";

/** Datadog Logs intake v2: `POST <url>` with `DD-API-KEY`. */
export function datadogSink(apiKey: string, url: string = DEFAULT_DATADOG_URL, fetchFn: FetchLike = fetch): AuditSink {
  registerSecret(apiKey);
  return {
    name: "datadog",
    async write(event) {
      const body = JSON.stringify([{ ddsource: "keyward", service: "keyward-janitor", ddtags: `schema:${event.schema},outcome:${event.outcome}`, message: serialize(event) }]);
      const res = await fetchFn(url, {
        method: "POST",
        headers: { "dd-api-key": apiKey, "content-type": "application/json" },
        body,
        redirect: "manual",
        signal: AbortSignal.timeout(3_000),
      });
      await res.arrayBuffer();
      if (!res.ok) throw new Error(`datadog answered ${res.status}${isRedirect(res) ? " (a redirect: not followed, the key stays here)" : ""}`);
    },
  };
}

/**
 * Sinks never follow a redirect: their credential is a custom header (`DD-API-KEY`, `Authorization: Splunk`) that
 * fetch would carry to wherever a 307 points, even another origin. A redirect is a failed write.
 */
function isRedirect(res: Response): boolean {
  return res.type === "opaqueredirect" || (res.status >= 300 && res.status < 400);
}

/** Scrubbed twice: sensitive keys censored, registered secret values replaced. */
export function serialize(event: AuditEvent): string {
  return scrub(JSON.stringify(redactValue(event)));
}

/**
 * Writes the event to every sink in parallel. A failing sink is logged (by name and reason) and reported back,
 * never thrown: auditing must not block or undo containment.
 */
export async function writeAudit(sinks: readonly AuditSink[], event: AuditEvent, logger: Logger): Promise<string[]> {
  const failures: string[] = [];
  await Promise.all(
    sinks.map(async (sink) => {
      try {
        await sink.write(event);
      } catch (err) {
        failures.push(sink.name);
        logger.warn("audit sink failed", { sink: sink.name, deliveryId: event.deliveryId, error: err instanceof Error ? err.name : "error" });
      }
    }),
  );
  return failures;
}
