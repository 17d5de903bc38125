// AWS Signature Version 4 (header form, `AWS4-HMAC-SHA256`) for the AWS emulators: a verifier that answers the
// way AWS JSON 1.1 services do, and a signer for the few requests the sandbox sends without the AWS SDK.
//
// The algorithm (AWS "Create a signed AWS API request"; @smithy/signature-v4 is the SDK's implementation):
//   canonical request = METHOD \n canonical URI \n canonical query \n canonical headers \n \n signed headers \n
//                       hex(sha256(body))
//   string to sign    = "AWS4-HMAC-SHA256" \n X-Amz-Date \n <date>/<region>/<service>/aws4_request \n
//                       hex(sha256(canonical request))
//   signing key       = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request")
//   signature         = hex(HMAC(signing key, string to sign))
// The payload hash is always computed from the body received, never taken from `x-amz-content-sha256`, so a
// body changed in transit fails the signature even when the header was left alone.
import { createHash, createHmac, timingSafeEqual } from "node:crypto";

export const SIGV4_ALGORITHM = "AWS4-HMAC-SHA256";
/** AWS refuses requests whose X-Amz-Date is more than 15 minutes away from its clock. */
export const MAX_CLOCK_SKEW_MS = 15 * 60 * 1000;

export interface SigV4Credentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

export interface SignableRequest {
  readonly method: string;
  /** Path and query as sent on the request line, e.g. `/` or `/a%20b?x=1`. */
  readonly url: string;
  /** Lower- or mixed-case names; array values are joined with `,` as Node does for repeated headers. */
  readonly headers: Readonly<Record<string, string | readonly string[] | undefined>>;
  readonly body: string | Buffer;
}

export interface SigV4VerifyOptions {
  /** The keys the service knows; a request signed with any other access key id is `UnrecognizedClientException`. */
  readonly credentials: readonly SigV4Credentials[];
  /** Signing name, e.g. `secretsmanager`. */
  readonly service: string;
  /** The region the service runs in: a credential scoped to another one is refused. */
  readonly region: string;
  /** Default `Date.now`; only for the X-Amz-Date skew check. */
  readonly now?: () => number;
}

/** Why a request was refused, as the AWS JSON error `__type` + message the real services send (all HTTP 400). */
export interface SigV4Failure {
  readonly type: "MissingAuthenticationTokenException" | "IncompleteSignatureException" | "InvalidSignatureException" | "UnrecognizedClientException";
  readonly message: string;
  readonly status: 400 | 403;
}

export type SigV4Result = { readonly ok: true; readonly accessKeyId: string } | ({ readonly ok: false } & SigV4Failure);

interface ParsedAuthorization {
  accessKeyId: string;
  date: string;
  region: string;
  service: string;
  terminator: string;
  signedHeaders: string[];
  signature: string;
}

const sha256Hex = (data: string | Buffer) => createHash("sha256").update(data).digest("hex");
const hmac = (key: string | Buffer, data: string) => createHmac("sha256", key).update(data, "utf8").digest();

/** RFC 3986 encoding as SigV4 wants it (`encodeURIComponent` plus `!'()*`). */
function escapeUri(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** Canonical URI for every service but S3: dot segments removed, then each segment encoded once more. */
function canonicalUri(path: string): string {
  const segments: string[] = [];
  for (const segment of path.split("/")) {
    if (segment === "" || segment === ".") continue;
    if (segment === "..") segments.pop();
    else segments.push(segment);
  }
  const normalized = `${path.startsWith("/") ? "/" : ""}${segments.join("/")}${segments.length > 0 && path.endsWith("/") ? "/" : ""}`;
  return escapeUri(normalized).replace(/%2F/g, "/") || "/";
}

function canonicalQuery(query: string): string {
  if (!query) return "";
  const pairs = query
    .split("&")
    .filter(Boolean)
    .map((part) => {
      const eq = part.indexOf("=");
      const decode = (s: string) => {
        try {
          return decodeURIComponent(s.replace(/\+/g, " "));
        } catch {
          return s;
        }
      };
      const key = decode(eq < 0 ? part : part.slice(0, eq));
      const value = eq < 0 ? "" : decode(part.slice(eq + 1));
      return [escapeUri(key), escapeUri(value)] as const;
    });
  pairs.sort(([ak, av], [bk, bv]) => (ak < bk ? -1 : ak > bk ? 1 : av < bv ? -1 : av > bv ? 1 : 0));
  return pairs.map(([k, v]) => `${k}=${v}`).join("&");
}

function headerValue(headers: SignableRequest["headers"], name: string): string | undefined {
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== name) continue;
    if (value === undefined) return undefined;
    return typeof value === "string" ? value : value.join(",");
  }
  return undefined;
}

const trimHeader = (value: string) => value.trim().replace(/\s+/g, " ");

function stringToSign(request: SignableRequest, signedHeaders: readonly string[], amzDate: string, scope: string): string {
  const [path = "/", query = ""] = splitOnce(request.url, "?");
  const canonicalHeaders = signedHeaders.map((name) => `${name}:${trimHeader(headerValue(request.headers, name) ?? "")}\n`).join("");
  const canonicalRequest = [request.method.toUpperCase(), canonicalUri(path), canonicalQuery(query), canonicalHeaders, signedHeaders.join(";"), sha256Hex(request.body)].join("\n");
  return [SIGV4_ALGORITHM, amzDate, scope, sha256Hex(canonicalRequest)].join("\n");
}

function splitOnce(value: string, separator: string): [string, string] {
  const at = value.indexOf(separator);
  return at < 0 ? [value, ""] : [value.slice(0, at), value.slice(at + 1)];
}

function signingKey(secretAccessKey: string, date: string, region: string, service: string): Buffer {
  return hmac(hmac(hmac(hmac(`AWS4${secretAccessKey}`, date), region), service), "aws4_request");
}

/** `20300115T120000Z` -> epoch ms, or undefined when it is not that shape. */
function parseAmzDate(value: string): number | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!m) return undefined;
  const ms = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!);
  return Number.isNaN(ms) ? undefined : ms;
}

function parseAuthorization(header: string): ParsedAuthorization | SigV4Failure {
  const incomplete = (message: string): SigV4Failure => ({ type: "IncompleteSignatureException", message, status: 400 });
  const space = header.indexOf(" ");
  const algorithm = space < 0 ? header : header.slice(0, space);
  if (algorithm !== SIGV4_ALGORITHM) {
    return incomplete(`Unsupported AWS 'algorithm': '${algorithm}'. Only AWS4-HMAC-SHA256 is supported.`);
  }
  const fields = new Map<string, string>();
  for (const part of header.slice(space + 1).split(",")) {
    const eq = part.indexOf("=");
    if (eq > 0) fields.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  const missing = ["Credential", "Signature", "SignedHeaders"].filter((name) => !fields.get(name));
  if (missing.length) {
    return incomplete(`${missing.map((name) => `Authorization header requires '${name}' parameter.`).join(" ")} Authorization=${SIGV4_ALGORITHM}`);
  }
  const credential = fields.get("Credential")!.split("/");
  if (credential.length !== 5 || credential.some((part) => part === "")) {
    return incomplete(`Credential should be scoped to a valid region, service and terminator: ${credential.slice(1).join("/")}`);
  }
  const [accessKeyId, date, region, service, terminator] = credential as [string, string, string, string, string];
  return {
    accessKeyId,
    date,
    region,
    service,
    terminator,
    signedHeaders: fields.get("SignedHeaders")!.split(";"),
    signature: fields.get("Signature")!,
  };
}

/**
 * Verifies the SigV4 signature of a request (header form), in the order AWS reports problems: no Authorization
 * header → `MissingAuthenticationTokenException`; a malformed header or no X-Amz-Date → `IncompleteSignatureException`;
 * an unknown access key id → `UnrecognizedClientException`; wrong scope, stale date or a signature that does not
 * match (wrong secret key, changed body, changed signed header) → `InvalidSignatureException`. Constant-time compare.
 */
export function verifySigV4(request: SignableRequest, options: SigV4VerifyOptions): SigV4Result {
  const fail = (failure: SigV4Failure): SigV4Result => ({ ok: false, ...failure });
  const invalid = (message: string) => fail({ type: "InvalidSignatureException", message, status: 400 });
  const authorization = headerValue(request.headers, "authorization");
  if (!authorization) return fail({ type: "MissingAuthenticationTokenException", message: "Request is missing Authentication Token", status: 400 });
  const parsed = parseAuthorization(authorization);
  if ("type" in parsed) return fail(parsed);

  const amzDate = headerValue(request.headers, "x-amz-date");
  if (!amzDate) {
    return fail({
      type: "IncompleteSignatureException",
      message: `Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. Authorization=${SIGV4_ALGORITHM}`,
      status: 400,
    });
  }
  const signedAt = parseAmzDate(amzDate);
  if (signedAt === undefined) return fail({ type: "IncompleteSignatureException", message: `Date must be in ISO-8601 'basic format'. Got '${amzDate}'.`, status: 400 });

  const key = options.credentials.find((c) => c.accessKeyId === parsed.accessKeyId);
  if (!key) return fail({ type: "UnrecognizedClientException", message: "The security token included in the request is invalid.", status: 400 });

  if (parsed.terminator !== "aws4_request") return invalid(`Credential should be scoped with a valid terminator: 'aws4_request', not '${parsed.terminator}'.`);
  if (parsed.service !== options.service) return invalid(`Credential should be scoped to correct service: '${options.service}'.`);
  if (parsed.region !== options.region) return invalid(`Credential should be scoped to a valid region, not '${parsed.region}'.`);
  if (parsed.date !== amzDate.slice(0, 8))
    return invalid(`Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${parsed.date}' != '${amzDate.slice(0, 8)}'`);
  const now = (options.now ?? Date.now)();
  if (Math.abs(now - signedAt) > MAX_CLOCK_SKEW_MS) {
    return invalid(`Signature expired: ${amzDate} is now earlier than ${formatAmzDate(now - MAX_CLOCK_SKEW_MS)} (${formatAmzDate(now)} - 15 min.)`);
  }
  const signed = parsed.signedHeaders;
  if (!signed.includes("host")) return invalid("'Host' must be a 'SignedHeader' in the AWS Authorization.");
  if (signed.some((name, i) => name !== name.toLowerCase() || (i > 0 && signed[i - 1]! >= name))) {
    return invalid("SignedHeaders must be lower-case names in sorted order.");
  }

  const scope = `${parsed.date}/${parsed.region}/${parsed.service}/aws4_request`;
  const expected = createHmac("sha256", signingKey(key.secretAccessKey, parsed.date, parsed.region, parsed.service))
    .update(stringToSign(request, signed, amzDate, scope), "utf8")
    .digest();
  const given = /^[0-9a-f]{64}$/.test(parsed.signature) ? Buffer.from(parsed.signature, "hex") : undefined;
  if (!given || !timingSafeEqual(given, expected)) {
    return invalid(
      "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.",
    );
  }
  return { ok: true, accessKeyId: key.accessKeyId };
}

function formatAmzDate(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d{3}/, "");
}

export interface SignOptions {
  readonly credentials: SigV4Credentials;
  readonly service: string;
  readonly region: string;
  /** Default `Date.now()`. */
  readonly now?: number;
}

/**
 * Headers that sign `request` (header form): the request's own headers plus `x-amz-date`,
 * `x-amz-content-sha256` and `authorization`. Signs `host` and every header given.
 */
export function signSigV4(request: SignableRequest, options: SignOptions): Record<string, string> {
  const amzDate = formatAmzDate(options.now ?? Date.now());
  const date = amzDate.slice(0, 8);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers[name.toLowerCase()] = typeof value === "string" ? value : value.join(",");
  }
  if (!headers.host) throw new Error("signSigV4: the request needs a host header");
  delete headers.authorization;
  headers["x-amz-date"] = amzDate;
  headers["x-amz-content-sha256"] = sha256Hex(request.body);
  const signedHeaders = Object.keys(headers).sort();
  const scope = `${date}/${options.region}/${options.service}/aws4_request`;
  const toSign = stringToSign({ ...request, headers }, signedHeaders, amzDate, scope);
  const signature = createHmac("sha256", signingKey(options.credentials.secretAccessKey, date, options.region, options.service))
    .update(toSign, "utf8")
    .digest("hex");
  headers.authorization = `${SIGV4_ALGORITHM} Credential=${options.credentials.accessKeyId}/${scope}, SignedHeaders=${signedHeaders.join(";")}, Signature=${signature}`;
  return headers;
}

/** Fresh random keys for one emulator instance, shaped like AWS's (20-character id, 40-character secret). */
export function randomSigV4Credentials(): SigV4Credentials {
  const id = createHash("sha256")
    .update(crypto.getRandomValues(new Uint8Array(16)))
    .digest("hex")
    .slice(0, 16)
    .toUpperCase();
  const secret = Buffer.from(crypto.getRandomValues(new Uint8Array(30)))
    .toString("base64")
    .replace(/[+/]/g, "x");
  return { accessKeyId: `AKIA${id}`, secretAccessKey: secret };
}
