import { randomUUID } from "node:crypto";
import { KeywardError, UsageError } from "../core/errors.js";
import { isLoopbackHost } from "../core/net.js";
import { signPayload } from "../janitor/signature.js";
import { ExitCode } from "../core/exit-codes.js";
import { secretOf, type Finding } from "./finding.js";
import { KEYWARD_FINDING_ACTION, KEYWARD_FINDING_EVENT, type KeywardFindingPayload } from "../contracts/finding-event.js";

export const WEBHOOK_SECRET_ENV = "KEYWARD_WEBHOOK_SECRET";
export const JANITOR_EVENT = KEYWARD_FINDING_EVENT;

/** Is this host this machine? One definition for every loopback rule of keyward. */
export { isLoopbackHost };

/** The janitor URL, refused unless https: or on loopback (the body carries the live secret). */
export function checkJanitorUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`--post-to-janitor: "${text}" is not a URL`, { hint: "pass the janitor's full webhook URL, e.g. https://janitor.example.com/api/github/webhooks" });
  }
  if (url.protocol === "https:") return url;
  if (url.protocol === "http:" && isLoopbackHost(url.hostname)) return url;
  throw new UsageError(`--post-to-janitor: refusing ${url.protocol}//${url.host}: the finding's secret would cross the network unencrypted`, {
    hint: "use an https:// URL (plain http is accepted only for 127.0.0.1, ::1 or localhost)",
  });
}

/** The `keyward_finding` event body (src/contracts/finding-event.ts). */
export type JanitorBody = KeywardFindingPayload;

export function janitorBody(finding: Finding, repository: string | null): JanitorBody {
  return {
    action: KEYWARD_FINDING_ACTION,
    repository: { full_name: repository },
    finding: {
      rule_id: finding.ruleId,
      path: finding.path,
      line: finding.line,
      column: finding.column,
      commit: finding.commit,
      author_email: finding.authorEmail,
      client_id: finding.clientId,
      secret: secretOf(finding),
      fingerprint: finding.fingerprint,
    },
  };
}

/** Posts each verified-live finding as a `keyward_finding` event, signed like GitHub webhooks. Returns how many. */
export async function postLiveFindings(findings: Finding[], options: { url: URL; webhookSecret: string; repository: string | null; fetch?: typeof fetch }): Promise<number> {
  const doFetch = options.fetch ?? fetch;
  let sent = 0;
  for (const finding of findings.filter((f) => f.verdict === "live" && f.baseline === "new")) {
    const body = JSON.stringify(janitorBody(finding, options.repository));
    let status: number;
    try {
      const res = await doFetch(options.url, {
        method: "POST",
        headers: {
          "Content-Type": "application/json",
          "X-GitHub-Event": JANITOR_EVENT,
          "X-GitHub-Delivery": randomUUID(),
          "X-Hub-Signature-256": signPayload(options.webhookSecret, body),
        },
        body,
        redirect: "error",
        signal: AbortSignal.timeout(15_000),
      });
      status = res.status;
      await res.arrayBuffer().catch(() => undefined);
    } catch (err) {
      throw new KeywardError(`--post-to-janitor: cannot reach ${options.url.host} (${(err as Error).name})`, {
        reason: "janitor-unreachable",
        exitCode: ExitCode.Usage,
        retryable: true,
      });
    }
    if (status < 200 || status >= 300) {
      throw new KeywardError(`--post-to-janitor: the janitor answered HTTP ${status} for finding ${finding.fingerprint}`, {
        reason: "janitor-rejected",
        exitCode: ExitCode.Usage,
        hint: status === 401 || status === 403 ? `check ${WEBHOOK_SECRET_ENV} matches the janitor's webhook secret` : undefined,
      });
    }
    sent++;
  }
  return sent;
}
