import type { Logger } from "../core/log.js";
import { withRedactionScope } from "../core/redact.js";
import { DeliveryRejected, EnqueueFailed } from "./errors.js";
import { verifySignature } from "./signature.js";
import { classifyDelivery, groupIdOf, type WorkItem } from "./work-item.js";

export const WEBHOOK_PATH = "/api/github/webhooks";
export const HEALTH_PATH = "/healthz";
export const MAX_BODY_BYTES = 1024 * 1024;

/** A request as both adapters (node:http, Function URL) see it. Header names lowercased. */
export interface DeliveryRequest {
  method: string;
  path: string;
  headers: Record<string, string | undefined>;
  /** The raw bytes, or `tooLarge` when the adapter stopped reading past MAX_BODY_BYTES. */
  body: Buffer | "tooLarge";
}

export interface DeliveryResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Queues the item with dedupe on its delivery id and ordering by group; `duplicate` when already seen. */
export type Enqueue = (item: WorkItem, groupId: string) => Promise<"queued" | "duplicate">;

export interface ReceiverDeps {
  /** Current secret first, then the previous one while configured. */
  webhookSecrets(): Promise<readonly string[]>;
  /** Alerts whose payload names another `secret_type` are acknowledged and ignored (src/janitor/config.ts). */
  secretTypes?: readonly string[];
  enqueue: Enqueue;
  logger: Logger;
}

/** Fixed, outcome-free bodies: a response never says whether a credential was live (warehouse's rule). */
const TEXT: Record<number, string> = {
  202: "accepted\n",
  204: "",
  400: "bad request\n",
  401: "unauthorized\n",
  404: "not found\n",
  405: "method not allowed\n",
  413: "payload too large\n",
  415: "unsupported media type\n",
  503: "unavailable\n",
};

export function respond(status: number, extra: Record<string, string> = {}): DeliveryResponse {
  return { status, headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store", ...extra }, body: TEXT[status] ?? "" };
}

/**
 * The receiver, shared by the local server and the Lambda receiver. Order: route → method (405) → content type
 * (415) → size (413) → signature over the raw bytes, current then previous secret (401) → JSON (400) → event and
 * action (`ping` and everything not acted on: 204) → shape (400) → queue (202; 503 when the queue is down).
 * Nothing but the queue is touched: no GitHub, Slack or Genesys call happens here.
 */
export function receiveDelivery(req: DeliveryRequest, deps: ReceiverDeps): Promise<DeliveryResponse> {
  // A finding's secret is registered while the request is handled, and forgotten with it.
  return withRedactionScope(() => receiveInScope(req, deps));
}

async function receiveInScope(req: DeliveryRequest, deps: ReceiverDeps): Promise<DeliveryResponse> {
  try {
    return await route(req, deps);
  } catch (err) {
    // The one place a receiver error becomes an HTTP status.
    if (err instanceof DeliveryRejected) {
      deps.logger.info("delivery rejected", { reason: err.reason, status: err.status, deliveryId: safeId(req.headers["x-github-delivery"]) });
      return respond(err.status, err.status === 405 ? { allow: allowFor(req.path) } : {});
    }
    if (err instanceof EnqueueFailed) {
      deps.logger.error("could not queue delivery", { deliveryId: safeId(req.headers["x-github-delivery"]), cause: err.cause instanceof Error ? err.cause.name : "error" });
      return respond(503);
    }
    deps.logger.error("receiver error", { error: err instanceof Error ? err.name : "error" });
    return respond(503);
  }
}

async function route(req: DeliveryRequest, deps: ReceiverDeps): Promise<DeliveryResponse> {
  const path = req.path.split("?")[0]!.replace(/\/+$/, "") || "/";
  if (path === HEALTH_PATH) {
    if (req.method !== "GET" && req.method !== "HEAD") throw new DeliveryRejected(405, "method-not-allowed");
    return { status: 200, headers: { "content-type": "application/json", "cache-control": "no-store" }, body: JSON.stringify({ ok: true }) };
  }
  if (path !== WEBHOOK_PATH) throw new DeliveryRejected(404, "unknown-path");
  if (req.method !== "POST") throw new DeliveryRejected(405, "method-not-allowed");
  const contentType = (req.headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase();
  if (contentType !== "application/json") throw new DeliveryRejected(415, "unsupported-media-type");
  if (req.body === "tooLarge" || req.body.length > MAX_BODY_BYTES) throw new DeliveryRejected(413, "payload-too-large");

  const secrets = await deps.webhookSecrets();
  if (!verifySignature(secrets, req.body, req.headers["x-hub-signature-256"])) throw new DeliveryRejected(401, "bad-signature");

  let payload: unknown;
  try {
    payload = JSON.parse(req.body.toString("utf8"));
  } catch {
    throw new DeliveryRejected(400, "malformed-json");
  }
  const event = req.headers["x-github-event"];
  const deliveryId = req.headers["x-github-delivery"];
  if (event === "ping") return respond(204);
  if (typeof deliveryId !== "string" || !/^[A-Za-z0-9-]{1,100}$/.test(deliveryId)) throw new DeliveryRejected(400, "delivery-id-missing");
  const classified = classifyDelivery(event, deliveryId, payload, deps.secretTypes);
  if (classified.kind === "ignore") {
    deps.logger.debug("delivery ignored", { deliveryId, event: safeId(event) });
    return respond(204);
  }
  if (classified.kind === "invalid") throw new DeliveryRejected(400, classified.reason);
  let queued: "queued" | "duplicate";
  try {
    queued = await deps.enqueue(classified.item, groupIdOf(classified.item));
  } catch (err) {
    throw new EnqueueFailed(err);
  }
  deps.logger.info("delivery accepted", { deliveryId, event, duplicate: queued === "duplicate" });
  return respond(202);
}

function allowFor(path: string): string {
  return path.startsWith(HEALTH_PATH) ? "GET, HEAD" : "POST";
}

function safeId(value: string | undefined): string | undefined {
  return typeof value === "string" && /^[A-Za-z0-9_.-]{1,100}$/.test(value) ? value : undefined;
}
