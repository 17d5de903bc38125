import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { Octokit } from "@octokit/core";
import { Ajv, type ValidateFunction } from "ajv";
import { startGitHubStub, type GitHubStub } from "../../../src/sandbox/stubs/github.js";

/**
 * The GitHub stand-in answers in GitHub's shapes: every answer the janitor reads, fetched with the real
 * `@octokit/core` (both token schemes), validates against the response schema `@octokit/openapi` gives for that
 * path, method and status (api.github.com's REST description).
 */
const require = createRequire(import.meta.url);
const spec = JSON.parse(readFileSync(require.resolve("@octokit/openapi/generated/api.github.com.json"), "utf8")) as {
  paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: unknown }>; $ref?: string }> }>>;
  components: { responses: Record<string, { content?: Record<string, { schema: unknown }> }> };
};
/** OpenAPI 3.0's `nullable: true` in JSON Schema terms (`null` is allowed too); extension keywords are ignored. */
function jsonSchemaOf(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(jsonSchemaOf);
  if (typeof node !== "object" || node === null) return node;
  const { nullable, ...rest } = node as Record<string, unknown>;
  const out: Record<string, unknown> = Object.fromEntries(Object.entries(rest).map(([k, v]) => [k, k === "example" || k === "examples" ? v : jsonSchemaOf(v)]));
  if (nullable !== true) return out;
  if (typeof out.type === "string") return { ...out, type: [out.type, "null"], ...(Array.isArray(out.enum) ? { enum: [...(out.enum as unknown[]), null] } : {}) };
  return { anyOf: [out, { type: "null" }] };
}
const ajv = new Ajv({ strict: false, validateSchema: false, validateFormats: false, allErrors: true });
ajv.addSchema({ ...(jsonSchemaOf(spec) as object), $id: "github" } as never);
const validators = new Map<string, ValidateFunction>();

function componentValidator(name: string): ValidateFunction {
  const key = `component ${name}`;
  let v = validators.get(key);
  if (!v) validators.set(key, (v = ajv.compile({ $ref: `github#/components/schemas/${name}` } as never)));
  return v;
}

function validatorFor(path: string, method: string, status: number): ValidateFunction {
  const key = `${method} ${path} ${status}`;
  let v = validators.get(key);
  if (!v) {
    let response = spec.paths[path]?.[method]?.responses[String(status)];
    if (!response) throw new Error(`the REST description has no ${key}`);
    if (response.$ref) response = spec.components.responses[response.$ref.split("/").pop()!]!;
    const schema = response.content?.["application/json"]?.schema;
    if (!schema) throw new Error(`no JSON schema for ${key}`);
    v = ajv.compile({
      $ref:
        `github#/paths/${path.replace(/~/g, "~0").replace(/\//g, "~1")}/${method}/responses/${status}` +
        (spec.paths[path]![method]!.responses[String(status)]!.$ref ? "" : "/content/application~1json/schema"),
    } as never);
    validators.set(key, v);
  }
  return v;
}

function expectValid(path: string, method: string, status: number, data: unknown): void {
  const validate = status >= 400 ? componentValidator("basic-error") : validatorFor(path, method, status);
  const ok = validate(data);
  expect(ok ? [] : validate.errors!.map((e) => `${e.instancePath} ${e.message}`)).toEqual([]);
}

const REPO = { owner: "acme", repo: "integrations" };
let stub: GitHubStub;
beforeAll(async () => {
  stub = await startGitHubStub();
  stub.blobs.set("b0b0", "GENESYS_CLIENT_ID=x\n");
  stub.commits.set("c0ffee", { email: "dev@acme.example", files: [{ filename: "config/genesys.env", patch: "+x" }] });
  stub.issues.set("acme/integrations#3", { title: "config", body: "see below" });
  stub.issueComments.set("acme/integrations#77", { body: "a comment" });
  stub.addAlert("acme/integrations", {
    number: 1,
    secret: "a-secret-value-for-the-schema-test-0000000",
    locations: [
      { type: "commit", details: { path: "config/genesys.env", start_line: 2, blob_sha: "b0b0", commit_sha: "c0ffee" } },
      { type: "wiki_commit", details: { path: "Home.md", start_line: 1, commit_sha: "c0ffee" } },
      { type: "issue_comment", details: { issue_comment_url: `${stub.url}/repos/acme/integrations/issues/comments/77` } },
      { type: "issue_body", details: { issue_body_url: `${stub.url}/repos/acme/integrations/issues/3` } },
    ],
  });
});
afterAll(async () => {
  await stub.close();
});

describe("the GitHub stand-in's answers validate against @octokit/openapi", () => {
  const octokit = () => new Octokit({ auth: stub.token, baseUrl: stub.url });

  it("GET alert, GET locations (every type), PATCH alert", async () => {
    const alert = await octokit().request("GET /repos/{owner}/{repo}/secret-scanning/alerts/{alert_number}", { ...REPO, alert_number: 1 });
    expectValid("/repos/{owner}/{repo}/secret-scanning/alerts/{alert_number}", "get", 200, alert.data);
    const locations = await octokit().request("GET /repos/{owner}/{repo}/secret-scanning/alerts/{alert_number}/locations", { ...REPO, alert_number: 1, per_page: 100 });
    expect(locations.data.map((l) => l.type)).toEqual(["commit", "wiki_commit", "issue_comment", "issue_body"]);
    expectValid("/repos/{owner}/{repo}/secret-scanning/alerts/{alert_number}/locations", "get", 200, locations.data);
    const patched = await octokit().request("PATCH /repos/{owner}/{repo}/secret-scanning/alerts/{alert_number}", {
      ...REPO,
      alert_number: 1,
      state: "resolved",
      resolution: "revoked",
      resolution_comment: "done",
    });
    expectValid("/repos/{owner}/{repo}/secret-scanning/alerts/{alert_number}", "patch", 200, patched.data);
  });

  it("GET blob, GET commit, POST commit comment, GET issue, GET issue comment", async () => {
    expectValid(
      "/repos/{owner}/{repo}/git/blobs/{file_sha}",
      "get",
      200,
      (await octokit().request("GET /repos/{owner}/{repo}/git/blobs/{file_sha}", { ...REPO, file_sha: "b0b0" })).data,
    );
    expectValid("/repos/{owner}/{repo}/commits/{ref}", "get", 200, (await octokit().request("GET /repos/{owner}/{repo}/commits/{ref}", { ...REPO, ref: "c0ffee" })).data);
    expectValid(
      "/repos/{owner}/{repo}/commits/{commit_sha}/comments",
      "post",
      201,
      (await octokit().request("POST /repos/{owner}/{repo}/commits/{commit_sha}/comments", { ...REPO, commit_sha: "c0ffee", body: "contained" })).data,
    );
    expectValid(
      "/repos/{owner}/{repo}/issues/{issue_number}",
      "get",
      200,
      (await octokit().request("GET /repos/{owner}/{repo}/issues/{issue_number}", { ...REPO, issue_number: 3 })).data,
    );
    expectValid(
      "/repos/{owner}/{repo}/issues/comments/{comment_id}",
      "get",
      200,
      (await octokit().request("GET /repos/{owner}/{repo}/issues/comments/{comment_id}", { ...REPO, comment_id: 77 })).data,
    );
  });

  it("errors are GitHub's basic-error (404, rate limits), and per_page pages with Link headers", async () => {
    const missing = await octokit()
      .request("GET /repos/{owner}/{repo}/secret-scanning/alerts/{alert_number}", { ...REPO, alert_number: 999 })
      .catch((e: { status: number; response: { data: unknown } }) => e);
    expect(missing).toMatchObject({ status: 404 });
    expectValid("/repos/{owner}/{repo}/secret-scanning/alerts/{alert_number}", "get", 404, (missing as { response: { data: unknown } }).response.data);
    stub.rateLimits.push({ kind: "primary", resetInSeconds: 5, times: 1 });
    const limited = (await octokit()
      .request("GET /repos/{owner}/{repo}/git/blobs/{file_sha}", { ...REPO, file_sha: "b0b0" })
      .catch((e: unknown) => e)) as { status: number; response: { headers: Record<string, string>; data: unknown } };
    expect(limited.status).toBe(403);
    expect(limited.response.headers["x-ratelimit-remaining"]).toBe("0");
    expect(Number(limited.response.headers["x-ratelimit-reset"])).toBeGreaterThan(Date.now() / 1000);
    expectValid("/repos/{owner}/{repo}/git/blobs/{file_sha}", "get", 403, limited.response.data);
    const page = await octokit().request("GET /repos/{owner}/{repo}/secret-scanning/alerts/{alert_number}/locations", { ...REPO, alert_number: 1, per_page: 2 });
    expect(page.data).toHaveLength(2);
    expect(page.headers.link).toMatch(/per_page=2&page=2>; rel="next"/);
  });

  it("accepts both token schemes (octokit's `token`, and `Bearer`), and nothing else", async () => {
    const get = (authorization: string) => fetch(`${stub.url}/repos/acme/integrations/git/blobs/b0b0`, { headers: { authorization } });
    expect((await get(`token ${stub.token}`)).status).toBe(200);
    expect((await get(`Bearer ${stub.token}`)).status).toBe(200);
    expect((await get(`Basic ${stub.token}`)).status).toBe(401);
    expect((await get("Bearer wrong")).status).toBe(401);
  });
});
