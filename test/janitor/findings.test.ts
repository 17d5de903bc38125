// Issue 16's findings, one test each, judged through the emulators' state and the stand-ins' traffic.
import { randomUUID } from "node:crypto";
import { CreateSecretCommand } from "@aws-sdk/client-secrets-manager";
import { serializeStoredCredentials } from "../../src/secrets/index.js";
import { registrySize } from "../../src/core/redact.js";
import { createJanitorRuntime, loadJanitorConfig, startJanitorServer, InProcessQueue, processWorkItem, signPayload } from "../../src/janitor/index.js";
import { leakedSecrets } from "../helpers/keyward-cli.js";
import { useSandboxKit } from "../helpers/sandbox.js";
import {
  addLeakAlert,
  alertPayload,
  clientView,
  createTaggedSecret,
  DEV_EMAIL,
  DEV_SLACK_ID,
  FAST_CLIENTS,
  REPO,
  SOC_CHANNEL,
  startJanitor,
  startStubs,
  type Janitor,
  type Stubs,
} from "./helpers/janitor-kit.js";

const kit = useSandboxKit();
let stubs: Stubs;
let janitor: Janitor | undefined;
let alertNo = 2000;

beforeAll(async () => {
  stubs = await startStubs();
});
afterAll(async () => {
  await stubs.close();
});
afterEach(async () => {
  await janitor?.close();
  janitor = undefined;
  stubs.github.rateLimits.length = 0;
  stubs.slack.failDm = undefined;
  stubs.github.latencyMs = 0;
});

const soc = () => stubs.slack.posts.filter((p) => p.channel === SOC_CHANNEL);
const dms = () => stubs.slack.posts.filter((p) => p.channel.startsWith("D-"));
const patches = (n: number) => stubs.github.calls.filter((c) => c.method === "PATCH" && c.path.endsWith(`/alerts/${n}`));
const tokenGrants = () => Object.values(kit.sandbox.genesys.control.state().requests["POST /oauth/token"] ?? {}).reduce((a, b) => a + b, 0);
const regenerates = () => Object.values(kit.sandbox.genesys.control.state().requests["POST /api/v2/oauth/clients/{clientId}/secret"] ?? {}).reduce((a, b) => a + b, 0);
const eventsOf = (j: Janitor, n: number) => j.audits.filter((e) => e.alertNumber === n);
function minted(): string[] {
  kit.collectStoredSecrets();
  return [...kit.minted, stubs.webhookSecret, stubs.github.token, stubs.slack.token];
}
async function deliver(j: Janitor, n: number, options: { action?: string; deliveryId?: string; secretType?: string } = {}) {
  const res = await j.post("secret_scanning_alert", alertPayload(n, options.action ?? "created", options.secretType), options.deliveryId ? { deliveryId: options.deliveryId } : {});
  await j.queue.idle();
  return res;
}

describe("high 1: a rate-limited live leak is never dropped", () => {
  it("a primary limit on GET alert (403, x-ratelimit-remaining 0, reset in 2 s) is waited out: contained in the same delivery", async () => {
    janitor = await startJanitor(kit, stubs, { realSleep: true });
    const client = await kit.createClient("rl-primary");
    const n = ++alertNo;
    addLeakAlert(stubs, n, client);
    stubs.github.rateLimits.push({ kind: "primary", resetInSeconds: 2, times: 1, match: (m, p) => m === "GET" && p.endsWith(`/secret-scanning/alerts/${n}`) });
    await deliver(janitor, n);
    expect(await kit.check(client.id, client.secret)).toBe("dead");
    expect(eventsOf(janitor, n)).toEqual([expect.objectContaining({ attempt: 1, outcome: "contained", alertResolution: "resolved", retryInMs: null })]);
  }, 60_000);

  it.each([
    ["a 429 with retry-after: 30", { kind: "bare-429" as const, retryAfterSeconds: 30 }, 30_000],
    ["a secondary limit (429) with retry-after: 30", { kind: "secondary-429" as const, retryAfterSeconds: 30 }, 30_000],
    ["a secondary limit without retry-after (GitHub: at least a minute)", { kind: "secondary" as const }, 60_000],
  ])("%s longer than the delivery's budget: retried after the wait, then contained", async (_label, limit, wait) => {
    janitor = await startJanitor(kit, stubs, { env: { KEYWARD_JANITOR_DELIVERY_BUDGET_SECONDS: "10" } });
    const client = await kit.createClient("rl-later");
    const n = ++alertNo;
    addLeakAlert(stubs, n, client);
    stubs.github.rateLimits.push({ ...limit, times: 1, match: (m, p) => m === "GET" && p.endsWith(`/secret-scanning/alerts/${n}`) });
    await deliver(janitor, n);
    expect(await kit.check(client.id, client.secret)).toBe("dead");
    const events = eventsOf(janitor, n);
    expect(events.map((e) => [e.attempt, e.outcome])).toEqual([
      [1, "error"],
      [2, "contained"],
    ]);
    expect(events[0]!.errors).toContain("fetch:github-rate-limited");
    expect(events[0]!.retryInMs).toBeGreaterThanOrEqual(wait);
    expect(patches(n)).toHaveLength(1);
  });

  it("a limit that outlasts every try ends with a human alert that names the leak", async () => {
    janitor = await startJanitor(kit, stubs, { env: { KEYWARD_JANITOR_DELIVERY_BUDGET_SECONDS: "10", KEYWARD_JANITOR_MAX_ATTEMPTS: "3" } });
    const client = await kit.createClient("rl-forever");
    const n = ++alertNo;
    addLeakAlert(stubs, n, client);
    stubs.github.rateLimits.push({ kind: "primary", resetInSeconds: 3600, times: 100, match: (m, p) => m === "GET" && p.endsWith(`/secret-scanning/alerts/${n}`) });
    const socBefore = soc().length;
    await deliver(janitor, n);
    expect(eventsOf(janitor, n).map((e) => [e.attempt, e.outcome, e.retryInMs === null])).toEqual([
      [1, "error", false],
      [2, "error", false],
      [3, "error", true],
    ]);
    expect(soc().length - socBefore).toBe(1);
    expect(soc().at(-1)!.text).toContain(`${REPO}, alert #${n}`);
    expect(soc().at(-1)!.text).toMatch(/after 3 tries \(github-rate-limited\)/);
    expect(soc().at(-1)!.text).not.toMatch(/GITHUB_TOKEN/);
  });
});

describe("high 3: an unknown check after a rotate is asked again, never answered with a revoke", () => {
  it("with the token endpoint limited (3 grants per window) the rotated secret stays stored and working, and the audit says contained", async () => {
    janitor = await startJanitor(kit, stubs, { realSleep: true });
    const client = await kit.createClient("unknown-after-rotate");
    const arn = await createTaggedSecret(kit, "keyward/clients/unknown-after-rotate", client);
    const n = ++alertNo;
    addLeakAlert(stubs, n, client);
    await janitor.runtime.processorDeps.genesys.client().tokens.getToken();
    // The leak's check, the rotation's verification of AWSCURRENT, the check of the leaked pair: the third is over the limit.
    kit.sandbox.genesys.control.setLimits({ tokenRequestsPerWindow: 2, tokenWindowSeconds: 3 });
    await deliver(janitor, n);
    kit.sandbox.genesys.control.setLimits({ tokenRequestsPerWindow: 1000, tokenWindowSeconds: 60 });
    expect(kit.sandbox.genesys.control.state().tokenRateLimited).toBeGreaterThan(0);
    expect(await kit.check(client.id, client.secret)).toBe("dead");
    const stored = await kit.stored("keyward/clients/unknown-after-rotate");
    expect(await kit.check(client.id, stored.clientSecret)).toBe("live");
    expect(clientView(kit, client.id)!.secretVersion).toBe(2);
    expect(eventsOf(janitor, n).at(-1)).toMatchObject({ outcome: "contained", containment: "rotate", secretId: arn });
    expect(
      eventsOf(janitor, n)
        .flatMap((e) => e.errors)
        .filter((e) => /leaked-still-live|revoke/.test(e)),
    ).toEqual([]);
  }, 60_000);
});

describe("high 4: only Genesys secrets reach Genesys", () => {
  it("an AWS secret key alert (payload type) is acknowledged and never fetched, checked or posted about", async () => {
    janitor = await startJanitor(kit, stubs);
    const n = ++alertNo;
    addLeakAlert(stubs, n, { id: "2b4e28ba-2fa1-11d2-883f-0016d3cca427", secret: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY" }, { secretType: "aws_secret_access_key" });
    const before = { grants: tokenGrants(), gh: stubs.github.calls.length, slack: stubs.slack.calls };
    const res = await deliver(janitor, n, { secretType: "aws_secret_access_key" });
    expect(res.status).toBe(204);
    expect({ grants: tokenGrants(), gh: stubs.github.calls.length, slack: stubs.slack.calls }).toEqual(before);
  });

  it("a GitHub PAT alert whose payload claims keyward's type is checked against GitHub's own answer: ignored, no Basic header to Genesys, no Slack post", async () => {
    janitor = await startJanitor(kit, stubs);
    const n = ++alertNo;
    addLeakAlert(stubs, n, { id: "3b4e28ba-2fa1-11d2-883f-0016d3cca427", secret: "ghp_16C7e42F292c6912E7710c838347Ae178B4a" }, { secretType: "github_personal_access_token" });
    const before = { grants: tokenGrants(), slack: stubs.slack.calls };
    await deliver(janitor, n);
    expect({ grants: tokenGrants(), slack: stubs.slack.calls }).toEqual(before);
    expect(eventsOf(janitor, n)).toEqual([expect.objectContaining({ outcome: "ignored", secretType: "github_personal_access_token", verdict: "none" })]);
    expect(stubs.github.calls.filter((c) => c.path.includes(`/alerts/${n}/locations`))).toEqual([]);
  });
});

describe("high 5: targets come from trusted configuration (managed prefix and tag), never from any tagged secret", () => {
  it("an empty secret outside the managed prefix tagged with the client's id receives nothing; the leak is revoked", async () => {
    janitor = await startJanitor(kit, stubs);
    const client = await kit.createClient("unmanaged-target");
    await kit.sm.send(new CreateSecretCommand({ Name: "attacker/drop-box", Tags: [{ Key: "keyward:client-id", Value: client.id }] }));
    const n = ++alertNo;
    addLeakAlert(stubs, n, client);
    await deliver(janitor, n);
    expect(await kit.check(client.id, client.secret)).toBe("dead");
    const dropBox = kit.sandbox.secretsManager.control.state().secrets.find((s) => s.name === "attacker/drop-box")!;
    expect(dropBox.versions).toEqual([]);
    expect(eventsOf(janitor, n).at(-1)).toMatchObject({ outcome: "contained", containment: "revoke" });
  });

  it("a decoy tag on another secret does not make the rotation refuse: the managed secret gets the working secret", async () => {
    janitor = await startJanitor(kit, stubs);
    const client = await kit.createClient("decoy-tagged");
    const arn = await createTaggedSecret(kit, "keyward/clients/decoy-tagged", client);
    await kit.sm.send(new CreateSecretCommand({ Name: "elsewhere/decoy", SecretString: "{}", Tags: [{ Key: "keyward:client-id", Value: client.id }] }));
    const n = ++alertNo;
    addLeakAlert(stubs, n, client);
    await deliver(janitor, n);
    expect(await kit.check(client.id, client.secret)).toBe("dead");
    expect(await kit.check(client.id, (await kit.stored("keyward/clients/decoy-tagged")).clientSecret)).toBe("live");
    expect(eventsOf(janitor, n).at(-1)).toMatchObject({ outcome: "contained", containment: "rotate", secretId: arn });
  });

  it("a client id spelled in upper case in the leaked file finds its managed secret (tags are matched in canonical case)", async () => {
    janitor = await startJanitor(kit, stubs);
    const client = await kit.createClient("upper-case-id");
    await createTaggedSecret(kit, "keyward/clients/upper-case-id", client);
    const n = ++alertNo;
    addLeakAlert(stubs, n, { id: client.id.toUpperCase(), secret: client.secret });
    await deliver(janitor, n);
    expect(await kit.check(client.id, (await kit.stored("keyward/clients/upper-case-id")).clientSecret)).toBe("live");
    expect(eventsOf(janitor, n).at(-1)).toMatchObject({ outcome: "contained", containment: "rotate", clientId: client.id });
  });
});

describe("high 6: Slack text is scrubbed and escaped; DMs only to a confirmed author email in an allowed domain", () => {
  it("a secret inside a file path never reaches Slack; mentions, labelled links and & from a path arrive escaped", async () => {
    janitor = await startJanitor(kit, stubs);
    const client = await kit.createClient("hostile-path");
    const n = ++alertNo;
    const before = stubs.slack.raw.length;
    const postsBefore = stubs.slack.posts.length;
    addLeakAlert(stubs, n, client, { path: `config/${client.secret}/<!channel> <https://evil.example|Click here> a&b.env` });
    stubs.slack.failDm = "channel_not_found"; // the text goes to the fallback channel too
    await deliver(janitor, n);
    expect(await kit.check(client.id, client.secret)).toBe("dead");
    const sent = stubs.slack.raw.slice(before);
    expect(sent.length).toBeGreaterThan(0);
    expect(leakedSecrets(sent, minted())).toEqual([]);
    const texts = stubs.slack.posts.slice(postsBefore).map((p) => p.text);
    expect(texts.length).toBeGreaterThan(0);
    for (const text of texts) {
      expect(text).not.toContain("<!channel>");
      expect(text).not.toContain("<https://evil.example");
      expect(text).toContain("&lt;!channel&gt; &lt;https://evil.example|Click here&gt; a&amp;b.env");
    }
  });

  it("the DM follows only a confirmed Slack email equal to the author's, in an allowed domain: ciso@ of another domain gets nothing", async () => {
    janitor = await startJanitor(kit, stubs);
    stubs.slack.users.set("ciso@corp.example", "U-CISO");
    stubs.slack.users.set("unconfirmed@acme.example", "U-UNCONFIRMED");
    stubs.slack.unconfirmed.add("unconfirmed@acme.example");
    for (const [email, name] of [
      ["ciso@corp.example", "dm-other-domain"],
      ["unconfirmed@acme.example", "dm-unconfirmed"],
    ] as const) {
      const client = await kit.createClient(name);
      const n = ++alertNo;
      addLeakAlert(stubs, n, client, { email });
      const socBefore = soc().length;
      await deliver(janitor, n);
      expect(stubs.slack.posts.filter((p) => p.channel === "D-U-CISO" || p.channel === "D-U-UNCONFIRMED")).toEqual([]);
      expect(soc().length - socBefore).toBe(1);
      expect(eventsOf(janitor, n).at(-1)).toMatchObject({ outcome: "contained", notified: "fallback-channel" });
    }
    const ok = await kit.createClient("dm-allowed");
    const m = ++alertNo;
    addLeakAlert(stubs, m, ok, { email: DEV_EMAIL });
    await deliver(janitor, m);
    expect(dms().at(-1)!.channel).toBe(`D-${DEV_SLACK_ID}`);
  });
});

describe("medium and low findings", () => {
  it("one signed body replayed 60 times under new delivery ids costs no more grants than one check, and a real leak is still contained", async () => {
    janitor = await startJanitor(kit, stubs);
    const client = await kit.createClient("replayed");
    await createTaggedSecret(kit, "keyward/clients/replayed", client);
    const n = ++alertNo;
    addLeakAlert(stubs, n, client);
    await deliver(janitor, n);
    const grants = tokenGrants();
    for (let i = 0; i < 60; i++) await janitor.post("secret_scanning_alert", alertPayload(n));
    await janitor.queue.idle();
    expect(tokenGrants() - grants).toBeLessThanOrEqual(1);
    expect(
      eventsOf(janitor, n)
        .slice(1)
        .every((e) => e.outcome === "already-contained"),
    ).toBe(true);
    expect(regenerates()).toBeGreaterThan(0);
    const real = await kit.createClient("after-the-replays");
    const m = ++alertNo;
    addLeakAlert(stubs, m, real);
    await deliver(janitor, m);
    expect(eventsOf(janitor, m).at(-1)).toMatchObject({ outcome: "contained" });
  });

  it("disable is reported as disable and the alert stays open (enabling the client brings the secret back)", async () => {
    const client = await kit.createClient("disable-left-open");
    janitor = await startJanitor(kit, stubs, { policy: { clients: { [client.id]: { action: "disable" } } } });
    const n = ++alertNo;
    addLeakAlert(stubs, n, client);
    await deliver(janitor, n);
    expect(clientView(kit, client.id)).toMatchObject({ state: "disabled", secretVersion: 1 });
    expect(patches(n)).toEqual([]);
    expect(eventsOf(janitor, n).at(-1)).toMatchObject({ outcome: "contained", containment: "disable", alertResolution: "left-open" });
    expect(dms().at(-1)!.text).toMatch(/disabled/);
    expect(dms().at(-1)!.text).not.toMatch(/regenerated/);
  });

  it("with credentials from the environment, a leak of the janitor's own client is not revoked: a human is told, later leaks are still contained", async () => {
    const env = kit.env;
    const own = kit.sandbox.janitor;
    janitor = await startJanitor(kit, stubs, {
      env: {
        KEYWARD_ADMIN_SECRET_ARN: "",
        GENESYSCLOUD_OAUTHCLIENT_ID: own.id,
        GENESYSCLOUD_OAUTHCLIENT_SECRET: own.secret,
        GENESYSCLOUD_REGION: env.GENESYSCLOUD_REGION!,
        GENESYSCLOUD_GATEWAY_HOST: env.GENESYSCLOUD_GATEWAY_HOST!,
        GENESYSCLOUD_GATEWAY_PORT: env.GENESYSCLOUD_GATEWAY_PORT!,
        GENESYSCLOUD_GATEWAY_PROTOCOL: env.GENESYSCLOUD_GATEWAY_PROTOCOL!,
      },
    });
    const n = ++alertNo;
    addLeakAlert(stubs, n, own);
    const socBefore = soc().length;
    await deliver(janitor, n);
    expect(await kit.check(own.id, own.secret)).toBe("live");
    expect(soc().length - socBefore).toBe(1);
    expect(soc().at(-1)!.text).toMatch(/OWN Genesys Cloud credentials .* LIVE/);
    expect(eventsOf(janitor, n).at(-1)).toMatchObject({ outcome: "failed", ownClient: true, containment: "none" });
    const next = await kit.createClient("after-own-leak");
    const m = ++alertNo;
    addLeakAlert(stubs, m, next);
    await deliver(janitor, m);
    expect(await kit.check(next.id, next.secret)).toBe("dead");
  });

  it("a wiki_commit location (unreadable through REST) still finds a managed client: its stored secret names it", async () => {
    janitor = await startJanitor(kit, stubs);
    const client = await kit.createClient("wiki-leak");
    await createTaggedSecret(kit, "keyward/clients/wiki-leak", client);
    await janitor.runtime.targets.refresh();
    const n = ++alertNo;
    stubs.github.addAlert(REPO, { number: n, secret: client.secret, locations: [{ type: "wiki_commit", details: { path: "Setup.md", start_line: 4, commit_sha: "wikic0ffee" } }] });
    await deliver(janitor, n);
    expect(await kit.check(client.id, client.secret)).toBe("dead");
    expect(eventsOf(janitor, n).at(-1)).toMatchObject({ outcome: "contained", containment: "rotate", location: { type: "wiki_commit", path: "Setup.md", line: 4 } });
    expect(eventsOf(janitor, n).at(-1)!.errors).toContain("fetch:wiki_commit-content-unavailable");
  });

  it("every location is read, not only the first 10: the client id in the 12th", async () => {
    janitor = await startJanitor(kit, stubs);
    const client = await kit.createClient("twelfth-location");
    const n = ++alertNo;
    const locations = Array.from({ length: 11 }, (_, i) => {
      stubs.github.issueComments.set(`${REPO}#${n * 100 + i}`, { body: `nothing here ${i}` });
      return { type: "issue_comment", details: { issue_comment_url: `${stubs.github.url}/repos/${REPO}/issues/comments/${n * 100 + i}` } };
    });
    stubs.github.issueComments.set(`${REPO}#${n * 100 + 11}`, { body: `client_id=${client.id}\nclient_secret=${client.secret}` });
    locations.push({ type: "issue_comment", details: { issue_comment_url: `${stubs.github.url}/repos/${REPO}/issues/comments/${n * 100 + 11}` } });
    stubs.github.addAlert(REPO, { number: n, secret: client.secret, locations });
    await deliver(janitor, n);
    expect(await kit.check(client.id, client.secret)).toBe("dead");
  });

  it("an upper-case GITHUB_API_URL still reads location URLs (URLs compared as parsed origins)", async () => {
    janitor = await startJanitor(kit, stubs, { env: { GITHUB_API_URL: stubs.github.url.replace("http://", "HTTP://") } });
    const client = await kit.createClient("upper-api-url");
    const n = ++alertNo;
    stubs.github.issueComments.set(`${REPO}#${n}`, { body: `id: ${client.id}\nsecret: ${client.secret}` });
    stubs.github.addAlert(REPO, {
      number: n,
      secret: client.secret,
      locations: [{ type: "issue_comment", details: { issue_comment_url: `${stubs.github.url}/repos/${REPO}/issues/comments/${n}` } }],
    });
    await deliver(janitor, n);
    expect(await kit.check(client.id, client.secret)).toBe("dead");
  });

  it("a webhook secret read from an ARN is held to the length rule: the janitor does not start", async () => {
    const arn = (await kit.sm.send(new CreateSecretCommand({ Name: `short-webhook-${randomUUID()}`, SecretString: "abc" }))).ARN!;
    const config = loadJanitorConfig({
      KEYWARD_WEBHOOK_SECRET_ARN: arn,
      GITHUB_TOKEN: stubs.github.token,
      GITHUB_API_URL: stubs.github.url,
      KEYWARD_ADMIN_SECRET_ARN: (
        await kit.sm.send(
          new CreateSecretCommand({
            Name: `own-${randomUUID()}`,
            SecretString: serializeStoredCredentials({ clientId: kit.sandbox.janitor.id, clientSecret: kit.sandbox.janitor.secret, region: kit.sandbox.region }),
          }),
        )
      ).ARN!,
    });
    await expect(createJanitorRuntime(config, { logger: kit.logger(), secretsManager: kit.sm, keepTokenWarm: false })).rejects.toMatchObject({
      reason: "webhook-secret-too-short",
    });
  });

  it("a dry run posts nothing to Slack, not even a human alert", async () => {
    janitor = await startJanitor(kit, stubs, { policy: { dryRun: true }, env: { KEYWARD_JANITOR_MAX_ATTEMPTS: "1" } });
    const client = await kit.createClient("dry-unverified");
    const n = ++alertNo;
    addLeakAlert(stubs, n, client);
    const before = stubs.slack.calls;
    kit.sandbox.genesys.control.addFault({ route: "POST /oauth/token", errorRate: 1, errorStatus: 503 });
    await deliver(janitor, n);
    kit.sandbox.genesys.control.clearFaults();
    expect(stubs.slack.calls).toBe(before);
    expect(eventsOf(janitor, n).at(-1)).toMatchObject({ outcome: "unverified", dryRun: true, notified: "none", retryInMs: null });
  });

  it("repository.full_name `../..` is refused at intake", async () => {
    janitor = await startJanitor(kit, stubs);
    const before = stubs.github.calls.length;
    const res = await janitor.post("secret_scanning_alert", { action: "created", alert: { number: 1 }, repository: { full_name: "../.." } });
    expect(res.status).toBe(400);
    expect(stubs.github.calls.length).toBe(before);
  });

  it("a huge blob is refused with a clear error and the other locations still name the client", async () => {
    janitor = await startJanitor(kit, stubs, { env: { KEYWARD_GITHUB_MAX_RESPONSE_BYTES: String(1024 * 1024) } });
    const client = await kit.createClient("huge-blob");
    const n = ++alertNo;
    stubs.github.blobs.set(`huge-${n}`, { streamBytes: 8 * 1024 * 1024, fill: "x=1\n" });
    stubs.github.issueComments.set(`${REPO}#${n}`, { body: `client ${client.id} secret ${client.secret}` });
    stubs.github.commits.set(`c-huge-${n}`, { files: [] });
    stubs.github.addAlert(REPO, {
      number: n,
      secret: client.secret,
      locations: [
        { type: "commit", details: { path: "big.bin", start_line: 1, blob_sha: `huge-${n}`, commit_sha: `c-huge-${n}` } },
        { type: "issue_comment", details: { issue_comment_url: `${stubs.github.url}/repos/${REPO}/issues/comments/${n}` } },
      ],
    });
    await deliver(janitor, n);
    expect(await kit.check(client.id, client.secret)).toBe("dead");
    expect(eventsOf(janitor, n).at(-1)!.errors).toContain("fetch:commit-github-response-too-large");
  });

  it("the redaction registry does not grow with the deliveries: each delivery's secrets are scrubbed in its scope and dropped", async () => {
    janitor = await startJanitor(kit, stubs);
    const before = registrySize().process;
    for (let i = 0; i < 25; i++) {
      const body = {
        action: "detected",
        repository: { full_name: REPO },
        finding: {
          rule_id: "genesys",
          path: "a.ts",
          line: 1,
          column: 1,
          commit: null,
          author_email: null,
          client_id: randomUUID(),
          secret: `aFindingSecretThatIsNotLive${String(i).padStart(16, "0")}`,
          fingerprint: `f${i}`,
        },
      };
      await janitor.post("keyward_finding", body);
    }
    await janitor.queue.idle();
    expect(registrySize().process - before).toBeLessThan(3);
    expect(
      leakedSecrets(
        [...kit.logs, ...janitor.responses, JSON.stringify(janitor.audits)],
        Array.from({ length: 25 }, (_, i) => `aFindingSecretThatIsNotLive${String(i).padStart(16, "0")}`),
      ),
    ).toEqual([]);
  });

  it("100 simultaneous alerts are all acknowledged while the work is still queued (intake is never starved by processing)", async () => {
    janitor = await startJanitor(kit, stubs, { env: { KEYWARD_JANITOR_CONCURRENCY: "2" } });
    stubs.github.latencyMs = 200;
    const ns = Array.from({ length: 100 }, () => ++alertNo);
    for (const n of ns) stubs.github.addAlert(REPO, { number: n, secret: "aDecoySecretForTheLoadOfOneHundred000000", locations: [] });
    const statuses = await Promise.all(ns.map((n) => janitor!.post("secret_scanning_alert", alertPayload(n)).then((r) => r.status)));
    const pendingAtLastAck = janitor.queue.pending;
    expect(statuses.filter((s) => s === 202)).toHaveLength(100);
    expect(pendingAtLastAck).toBeGreaterThan(50);
    stubs.github.latencyMs = 0;
    await janitor.queue.idle();
  }, 120_000);
});

describe("bounded intake: a budget for unsigned bodies, a connection cap", () => {
  it("stalled unsigned bodies beyond the server's budget get 503 without being buffered; once they go, a signed delivery is accepted", async () => {
    const config = loadJanitorConfig({
      KEYWARD_WEBHOOK_SECRET: stubs.webhookSecret,
      GITHUB_TOKEN: stubs.github.token,
      GITHUB_API_URL: stubs.github.url,
      GENESYSCLOUD_OAUTHCLIENT_ID: kit.sandbox.janitor.id,
      GENESYSCLOUD_OAUTHCLIENT_SECRET: kit.sandbox.janitor.secret,
      GENESYSCLOUD_REGION: kit.env.GENESYSCLOUD_REGION!,
    });
    const runtime = await createJanitorRuntime(config, { logger: kit.logger(), secretsManager: kit.sm, keepTokenWarm: false, ...FAST_CLIENTS });
    const queue = new InProcessQueue({ process: (item, o) => processWorkItem(item, runtime.processorDeps, o), logger: kit.logger() });
    const server = await startJanitorServer(
      { webhookSecrets: runtime.webhookSecrets, enqueue: queue.enqueue, logger: kit.logger() },
      { limits: { maxBufferedBytes: 1024 * 1024 } },
    );
    const { request } = await import("node:http");
    const stalled: Array<{ destroy(): void; status: Promise<number | "open"> }> = [];
    try {
      for (let i = 0; i < 4; i++) {
        const req = request(`${server.url}/api/github/webhooks`, {
          method: "POST",
          headers: { "content-type": "application/json", "content-length": String(1024 * 1024), "x-github-event": "secret_scanning_alert", "x-github-delivery": randomUUID() },
        });
        const status = new Promise<number | "open">((resolve) => {
          req.on("response", (res) => resolve(res.statusCode ?? 0));
          req.on("error", () => resolve("open"));
        });
        req.write(Buffer.alloc(400 * 1024, 0x20));
        stalled.push({ destroy: () => req.destroy(), status });
      }
      // Two stalled bodies fit the 1 MiB budget; the other two are refused at once (503) instead of buffered.
      const refused: number[] = [];
      await new Promise<void>((resolve) => {
        for (const s of stalled)
          void s.status.then((status) => {
            if (status === 503) refused.push(status);
            if (refused.length === 2) resolve();
          });
      });
      expect(refused).toEqual([503, 503]);
      for (const s of stalled) s.destroy();
      const body = JSON.stringify({ zen: "ping" });
      const ok = await fetch(`${server.url}/api/github/webhooks`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-github-event": "ping", "x-github-delivery": randomUUID(), "x-hub-signature-256": signPayload(stubs.webhookSecret, body) },
        body,
      });
      expect(ok.status).toBe(204);
    } finally {
      for (const s of stalled) s.destroy();
      await server.close();
      await queue.idle();
      runtime.close();
    }
  });
});
