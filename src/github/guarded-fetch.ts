/**
 * The only way a GitHub request leaves keyward: the `fetch` octokit is given. Every URL must be on the configured
 * API origin and under its path (exact origin, parsed — `:4100` is not `:41001`), so pagination `Link`s, location
 * URLs and redirects can never carry the token elsewhere; a redirect is followed only on that origin and without
 * the credentials (sensitive headers are dropped on any redirect); each attempt has a timeout; a response body
 * larger than the cap is refused, never buffered.
 *
 * A refusal is answered locally as HTTP 400 with `x-keyward-refusal: <slug>`, which the client maps to a typed,
 * non-retryable error.
 */
export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

export const REFUSAL_HEADER = "x-keyward-refusal";
export type Refusal = "foreign-url" | "redirect-refused" | "response-too-large";

/** Headers that carry a credential: never sent after a redirect. */
const SENSITIVE = new Set(["authorization", "cookie", "proxy-authorization"]);
const MAX_REDIRECTS = 3;

export interface GuardedFetchOptions {
  /** The API base URL (normalised): requests must be on its origin and under its path. */
  baseUrl: string;
  /** Largest response body accepted, in bytes. */
  maxBytes: number;
  /** Per attempt (a retry is a new attempt). */
  timeoutMs: number;
  fetch?: FetchLike;
}

export function guardedFetch(options: GuardedFetchOptions): FetchLike {
  const base = new URL(options.baseUrl);
  const basePath = base.pathname.replace(/\/+$/, "");
  const doFetch = options.fetch ?? ((input, init) => fetch(input, init));
  const allowed = (url: URL) => url.origin === base.origin && (basePath === "" || url.pathname === basePath || url.pathname.startsWith(basePath + "/"));

  return async (input, init) => {
    let url: URL;
    try {
      url = new URL(input);
    } catch {
      return refuse("foreign-url");
    }
    if (!allowed(url)) return refuse("foreign-url");
    const signal = init.signal ? AbortSignal.any([init.signal, AbortSignal.timeout(options.timeoutMs)]) : AbortSignal.timeout(options.timeoutMs);
    let headers = new Headers(init.headers);
    let res = await doFetch(url.href, { ...init, headers, redirect: "manual", signal });
    for (let hop = 0; res.status >= 300 && res.status < 400 && res.headers.has("location"); hop++) {
      await res.body?.cancel().catch(() => undefined);
      const next = new URL(res.headers.get("location")!, url);
      if (hop >= MAX_REDIRECTS || !allowed(next)) return refuse("redirect-refused");
      headers = new Headers([...headers].filter(([k]) => !SENSITIVE.has(k.toLowerCase())));
      url = next;
      const method = res.status === 303 ? "GET" : (init.method ?? "GET");
      res = await doFetch(url.href, { ...init, method, headers, redirect: "manual", signal, ...(method === "GET" ? { body: null } : {}) });
    }
    return capBody(res, options.maxBytes);
  };
}

async function capBody(res: Response, maxBytes: number): Promise<Response> {
  const declared = Number(res.headers.get("content-length"));
  if (Number.isFinite(declared) && declared > maxBytes) {
    await res.body?.cancel().catch(() => undefined);
    return refuse("response-too-large");
  }
  if (!res.body || res.status === 204 || res.status === 304) return new Response(null, { status: res.status, statusText: res.statusText, headers: res.headers });
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = res.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => undefined);
      return refuse("response-too-large");
    }
    chunks.push(value);
  }
  const headers = new Headers(res.headers);
  headers.delete("content-length");
  headers.delete("content-encoding");
  return new Response(Buffer.concat(chunks), { status: res.status, statusText: res.statusText, headers });
}

function refuse(refusal: Refusal): Response {
  return new Response(JSON.stringify({ message: `keyward refused the request: ${refusal}` }), {
    status: 400,
    headers: { "content-type": "application/json", [REFUSAL_HEADER]: refusal },
  });
}
