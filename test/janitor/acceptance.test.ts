import { readdirSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fingerprintOf } from "../../src/contracts/fingerprint.js";
import { leakedSecrets } from "../helpers/keyward-cli.js";
import { waitUntil } from "../helpers/wait.js";
import { useSandboxKit } from "../helpers/sandbox.js";
import {
  addLeakAlert,
  alertPayload,
  clientView,
  createTaggedSecret,
  DEV_SLACK_ID,
  REPO,
  SOC_CHANNEL,
  startJanitor,
  startStubs,
  type Janitor,
  type Stubs,
} from "./helpers/janitor-kit.js";

const kit = useSandboxKit();
const startedAt = Date.now();

/** Files written since this suite started, in the checkout (outside node_modules/.git) and in keyward temp dirs. */
function filesWrittenSince(since: number): string[] {
  const out: string[] = [];
  const walk = (dir: string, depth: number) => {
    if (depth > 6) return;
    let entries: string[];
    try {
      entries = readdirSync(dir);
    } catch {
      return;
    }
    for (const name of entries) {
      if (name === "node_modules" || name === ".git") continue;
      const path = join(dir, name);
      let st: ReturnType<typeof statSync>;
      try {
        st = statSync(path);
      } catch {
        continue;
      }
      if (st.isDirectory()) walk(path, depth + 1);
      else if (st.isFile() && st.mtimeMs >= since && st.size < 5_000_000) out.push(path);
    }
  };
  walk(process.cwd(), 0);
  for (const name of readdirSync(tmpdir())) if (name.startsWith("keyward-policy-")) walk(join(tmpdir(), name), 0);
  return out;
}
let stubs: Stubs;
let janitor: Janitor | undefined;
let alertNo = 0;

beforeAll(async () => {
  stubs = await startStubs();
});
afterAll(async () => {
  await stubs.close();
});
afterEach(async () => {
  await janitor?.close();
  janitor = undefined;
  stubs.github.patchStatus = undefined;
  stubs.slack.failDm = undefined;
});

/** Everything a run wrote anywhere a secret must never appear. */
function outputs(j: Janitor): string[] {
  return [...j.responses, ...kit.logs, JSON.stringify(j.audits), ...stubs.slack.raw, ...stubs.slack.posts.map((p) => p.text), ...stubs.github.calls.map((c) => c.path + c.body)];
}
function minted(): string[] {
  kit.collectStoredSecrets();
  return [...kit.minted, stubs.webhookSecret, stubs.github.token, stubs.slack.token];
}
const patches = (n: number) => stubs.github.calls.filter((c) => c.method === "PATCH" && c.path.endsWith(`/alerts/${n}`));
const dms = () => stubs.slack.posts.filter((p) => p.channel === `D-${DEV_SLACK_ID}`);
const soc = () => stubs.slack.posts.filter((p) => p.channel === SOC_CHANNEL);

async function deliver(j: Janitor, n: number, action = "created", deliveryId?: string) {
  const res = await j.post("secret_scanning_alert", alertPayload(n, action), deliveryId ? { deliveryId } : {});
  await j.queue.idle();
  return res;
}

describe("a signed created alert for a live pair", () => {
  it("kills the leaked secret, resolves the alert as revoked, DMs the committer and writes one audit event (no mapped secret: revoke)", async () => {
    janitor = await startJanitor(kit, stubs);
    const client = await kit.createClient("leaky-revoke");
    const n = ++alertNo;
    addLeakAlert(stubs, n, client);
    const before = stubs.slack.posts.length;

    const res = await deliver(janitor, n);
    expect(res.status).toBe(202);
    expect(res.body).toBe("accepted\n");
    expect(await kit.check(client.id, client.secret)).toBe("dead");
    // The verification's token was revoked off the critical path, but before the delivery ended.
    expect(clientView(kit, client.id)).toMatchObject({ state: "active", secretVersion: 2, liveTokens: 0 });
    expect(patches(n)).toHaveLength(1);
    expect(JSON.parse(patches(n)[0]!.body)).toMatchObject({ state: "resolved", resolution: "revoked" });
    expect(stubs.github.alerts.get(`${REPO}#${n}`)).toMatchObject({ state: "resolved", resolution: "revoked" });
    expect(stubs.slack.posts.length - before).toBe(1);
    expect(dms().at(-1)!.text).toMatch(/config\/genesys\.env:3/);
    expect(dms().at(-1)!.text).toMatch(/may stay valid/);
    const events = janitor.audits.filter((e) => e.deliveryId === res.deliveryId);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      schema: "keyward.janitor.audit/v2",
      repository: REPO,
      alertNumber: n,
      clientId: client.id,
      verdict: "live",
      containment: "revoke",
      outcome: "contained",
      alertResolution: "resolved",
      notified: "dm",
      location: { type: "commit", path: "config/genesys.env", line: 3 },
    });
    // The one fingerprint scheme: the same value keyward scan and audit-state report for this secret.
    expect(events[0]!.secretFingerprint).toBe(fingerprintOf(client.secret));
    expect(events[0]).toMatchObject({ org: "default" });
    expect(leakedSecrets(outputs(janitor), minted())).toEqual([]);
  });

  it("with a mapped secret (the keyward:client-id tag) rotates: the new secret is in Secrets Manager and authenticates", async () => {
    janitor = await startJanitor(kit, stubs);
    const client = await kit.createClient("leaky-rotate");
    const arn = await createTaggedSecret(kit, "keyward/clients/leaky-rotate", client);
    const n = ++alertNo;
    addLeakAlert(stubs, n, client);

    await deliver(janitor, n);
    expect(await kit.check(client.id, client.secret)).toBe("dead");
    const stored = await kit.stored("keyward/clients/leaky-rotate");
    expect(stored.clientId).toBe(client.id);
    expect(stored.clientSecret).not.toBe(client.secret);
    expect(await kit.check(client.id, stored.clientSecret)).toBe("live");
    expect(janitor.audits.at(-1)).toMatchObject({ containment: "rotate", outcome: "contained", secretId: arn });
    expect(dms().at(-1)!.text).toContain(arn);
    expect(leakedSecrets(outputs(janitor), minted())).toEqual([]);
  });
});

describe("a managed client's rotation beside the verification", () => {
  it("takes the rotation lock while the leaked pair's token grant is still on its way, and regenerates only after it proved the pair live", async () => {
    janitor = await startJanitor(kit, stubs);
    const client = await kit.createClient("lock-beside-grant");
    await createTaggedSecret(kit, "keyward/clients/lock-beside-grant", client);
    // The managed secrets' index (which secret each holds) is taken at start-up and on refresh.
    await janitor.runtime.targets.refresh();
    // The janitor's own token is warm (as in production), so only the leaked pair's grant meets the slow endpoint.
    await janitor.runtime.processorDeps.genesys.client().tokens.getToken();
    const n = ++alertNo;
    addLeakAlert(stubs, n, client);
    kit.sandbox.genesys.control.setFaults([{ route: "POST /oauth/token", latencyMs: 400 }]);
    const from = kit.logs.length;
    try {
      await deliver(janitor, n);
    } finally {
      kit.sandbox.genesys.control.clearFaults();
    }
    const lines = kit.logs.slice(from);
    const at = (pattern: RegExp) => lines.findIndex((l) => pattern.test(l) && l.includes(client.id));
    const locked = at(/took the rotation lock/);
    const proven = at(/"genesys credential check".*"result":"live"/);
    const regenerated = at(/regenerated client secret/);
    expect(locked).toBeGreaterThanOrEqual(0);
    expect(locked).toBeLessThan(proven);
    expect(proven).toBeLessThan(regenerated);
    expect(await kit.check(client.id, client.secret)).toBe("dead");
    expect(janitor.audits.at(-1)).toMatchObject({ containment: "rotate", outcome: "contained" });
  });

  it("is called off when the pair proves dead: nothing regenerated, the lock released, the repair path sees a free secret", async () => {
    janitor = await startJanitor(kit, stubs);
    const client = await kit.createClient("lock-called-off");
    const arn = await createTaggedSecret(kit, "keyward/clients/lock-called-off", client);
    await janitor.runtime.targets.refresh();
    await kit.genesys().oauthClients.regenerateSecret(client.id);
    const before = clientView(kit, client.id)!.secretVersion;
    const n = ++alertNo;
    addLeakAlert(stubs, n, client);
    const from = kit.logs.length;
    await deliver(janitor, n);
    const lines = kit.logs.slice(from).filter((l) => l.includes(client.id));
    expect(lines.some((l) => /rotation skipped/.test(l) && /called-off/.test(l))).toBe(true);
    expect(lines.some((l) => /released the rotation lock/.test(l))).toBe(true);
    // The repair path then stored a working secret (one regenerate: the repair's, none from the called-off rotation).
    expect(clientView(kit, client.id)!.secretVersion).toBe(before + 1);
    const stored = await kit.stored(arn);
    expect(await kit.check(client.id, stored.clientSecret)).toBe("live");
  });
});

describe("cases where nothing destructive may happen", () => {
  it("a dead pair (already rotated): nothing changes in Genesys, the alert stays open, nobody is messaged", async () => {
    janitor = await startJanitor(kit, stubs);
    const client = await kit.createClient("already-rotated");
    await kit.genesys().oauthClients.regenerateSecret(client.id);
    const n = ++alertNo;
    addLeakAlert(stubs, n, client);
    const posts = stubs.slack.posts.length;
    await deliver(janitor, n);
    expect(clientView(kit, client.id)).toMatchObject({ state: "active", secretVersion: 2 });
    expect(patches(n)).toHaveLength(0);
    expect(stubs.github.alerts.get(`${REPO}#${n}`)!.state).toBe("open");
    expect(stubs.slack.posts.length).toBe(posts);
    expect(janitor.audits.at(-1)).toMatchObject({ verdict: "dead", outcome: "not-live", containment: "none", alertResolution: "left-open" });
  });

  it("a decoy string next to a UUID that is no client: dead, nothing changed", async () => {
    janitor = await startJanitor(kit, stubs);
    const n = ++alertNo;
    addLeakAlert(stubs, n, { id: "1b4e28ba-2fa1-11d2-883f-0016d3cca427", secret: "thisIsNotARealGenesysSecretJustADecoy0000000" });
    // The janitor's own token (it listed the org to prove the decoy dead) is the only difference allowed.
    const clients = () => JSON.stringify(kit.sandbox.genesys.control.state().clients.map(({ liveTokens: _tokens, ...c }) => c));
    const stateBefore = clients();
    await deliver(janitor, n);
    expect(clients()).toBe(stateBefore);
    expect(patches(n)).toHaveLength(0);
    expect(janitor.audits.at(-1)).toMatchObject({ verdict: "dead", outcome: "not-live" });
  });

  it("an unknown verdict (token endpoint failing): bounded retries, a human alert, no destructive act", async () => {
    janitor = await startJanitor(kit, stubs);
    const client = await kit.createClient("unverifiable");
    const n = ++alertNo;
    addLeakAlert(stubs, n, client);
    const socBefore = soc().length;
    kit.sandbox.genesys.control.addFault({ route: "POST /oauth/token", errorRate: 1, errorStatus: 503 });
    await deliver(janitor, n);
    kit.sandbox.genesys.control.clearFaults();
    expect(await kit.check(client.id, client.secret)).toBe("live");
    expect(clientView(kit, client.id)).toMatchObject({ state: "active", secretVersion: 1 });
    expect(patches(n)).toHaveLength(0);
    expect(soc().length - socBefore).toBe(1);
    expect(soc().at(-1)!.text).toMatch(/could not verify/);
    expect(janitor.audits.at(-1)).toMatchObject({ verdict: "unknown", outcome: "unverified", containment: "none", notified: "fallback-channel" });
    expect(leakedSecrets(outputs(janitor), minted())).toEqual([]);
  });

  it("the decoy-UUID case: the only UUID near a live secret is a decoy request id — the org sweep finds its client and contains it", async () => {
    janitor = await startJanitor(kit, stubs);
    const client = await kit.createClient("decoy-uuid");
    const n = ++alertNo;
    addLeakAlert(stubs, n, client, { idInFile: false });
    const truth = await (
      await fetch(`${kit.env.KEYWARD_SANDBOX_CONTROL_URL}/genesys/secret-check`, { method: "POST", body: JSON.stringify({ clientId: client.id, secret: client.secret }) })
    ).json();
    expect(truth).toMatchObject({ valid: true });
    await deliver(janitor, n);
    expect(await kit.check(client.id, client.secret)).toBe("dead");
    expect(patches(n)).toHaveLength(1);
    expect(janitor.audits.at(-1)).toMatchObject({ verdict: "live", clientId: client.id, org: "default", outcome: "contained", candidates: 1 });
    expect(leakedSecrets(outputs(janitor), minted())).toEqual([]);
  });

  it("a secret with no UUID anywhere near it is found live by the org sweep and contained; an alert without a secret tells a human", async () => {
    janitor = await startJanitor(kit, stubs);
    const client = await kit.createClient("no-uuid-near");
    const n = ++alertNo;
    stubs.github.blobs.set("bare", "SECRET=" + client.secret + "\n");
    stubs.github.commits.set("c-bare", { files: [] });
    stubs.github.addAlert(REPO, {
      number: n,
      secret: client.secret,
      locations: [{ type: "commit", details: { path: "a.env", start_line: 1, blob_sha: "bare", commit_sha: "c-bare" } }],
    });
    await deliver(janitor, n);
    expect(await kit.check(client.id, client.secret)).toBe("dead");
    expect(janitor.audits.at(-1)).toMatchObject({ outcome: "contained", clientId: client.id, candidates: 0 });

    const m = ++alertNo;
    stubs.github.addAlert(REPO, { number: m, secret: "", locations: [{ type: "commit", details: { path: "a.env", start_line: 1, blob_sha: "bare", commit_sha: "c-bare" } }] });
    const socBefore = soc().length;
    await deliver(janitor, m);
    expect(janitor.audits.at(-1)).toMatchObject({ outcome: "unpaired", notified: "fallback-channel" });
    expect(soc().length - socBefore).toBe(1);
  });

  it("finds the client id in the commit's other changed files when the file itself has none", async () => {
    janitor = await startJanitor(kit, stubs);
    const client = await kit.createClient("id-elsewhere");
    const n = ++alertNo;
    addLeakAlert(stubs, n, client, { idInFile: false, otherFileId: client.id });
    await deliver(janitor, n);
    expect(await kit.check(client.id, client.secret)).toBe("dead");
    expect(janitor.audits.at(-1)).toMatchObject({ outcome: "contained", clientId: client.id });
  });

  it("contains the leak before the commit (author, other files) is in: that fetch is off the critical path", async () => {
    janitor = await startJanitor(kit, stubs);
    const client = await kit.createClient("commit-held");
    const n = ++alertNo;
    addLeakAlert(stubs, n, client);
    let release!: () => void;
    const hold = { match: (method: string, path: string) => method === "GET" && path.includes("/commits/"), until: new Promise<void>((r) => (release = r)) };
    stubs.github.holds.push(hold);
    try {
      await janitor.post("secret_scanning_alert", alertPayload(n));
      await waitUntil(async () => (await kit.check(client.id, client.secret)) === "dead", "the leaked secret refused while GET commit is held");
    } finally {
      release();
      stubs.github.holds.splice(stubs.github.holds.indexOf(hold), 1);
    }
    await janitor.queue.idle();
    // The commit arrived afterwards: the committer is still told.
    expect(janitor.audits.at(-1)).toMatchObject({ outcome: "contained", clientId: client.id, notified: "dm" });
  });

  it("dry-run decides and reports everything and changes nothing", async () => {
    janitor = await startJanitor(kit, stubs, { policy: { dryRun: true, defaultAction: "delete" } });
    const client = await kit.createClient("dry");
    const n = ++alertNo;
    addLeakAlert(stubs, n, client);
    const posts = stubs.slack.posts.length;
    await deliver(janitor, n);
    expect(await kit.check(client.id, client.secret)).toBe("live");
    expect(clientView(kit, client.id)).toMatchObject({ state: "active", secretVersion: 1 });
    expect(patches(n)).toHaveLength(0);
    expect(stubs.slack.posts.length).toBe(posts);
    expect(janitor.audits.at(-1)).toMatchObject({ verdict: "live", containment: "delete", outcome: "dry-run", dryRun: true, alertResolution: "left-open" });
  });
});

describe("each policy action, judged through the emulators' state", () => {
  it("revoke: regenerated and discarded, the client stays", async () => {
    janitor = await startJanitor(kit, stubs, { policy: { defaultAction: "revoke" } });
    const client = await kit.createClient("act-revoke");
    await createTaggedSecret(kit, "keyward/clients/act-revoke", client);
    const n = ++alertNo;
    addLeakAlert(stubs, n, client);
    await deliver(janitor, n);
    expect(await kit.check(client.id, client.secret)).toBe("dead");
    expect(clientView(kit, client.id)).toMatchObject({ state: "active", secretVersion: 2 });
    // The mapped secret was not touched: revoke discards.
    expect((await kit.stored("keyward/clients/act-revoke")).clientSecret).toBe(client.secret);
    expect(janitor.audits.at(-1)).toMatchObject({ containment: "revoke", outcome: "contained" });
  });

  it("disable: the client is disabled, the secret and a token issued before are refused", async () => {
    const client = await kit.createClient("act-disable");
    janitor = await startJanitor(kit, stubs, { policy: { clients: { [client.id]: { action: "disable" } } } });
    const n = ++alertNo;
    addLeakAlert(stubs, n, client);
    const earlier = await kit.sandbox.genesys.control.state().clients.find((c) => c.id === client.id)!.liveTokens;
    expect(earlier).toBe(0);
    await deliver(janitor, n);
    expect(clientView(kit, client.id)).toMatchObject({ state: "disabled", secretVersion: 1, liveTokens: 0 });
    expect(await kit.check(client.id, client.secret)).toBe("dead");
    expect(janitor.audits.at(-1)).toMatchObject({ containment: "disable", outcome: "contained" });
  });

  it("delete: inactive, then deleted", async () => {
    janitor = await startJanitor(kit, stubs, { policy: { defaultAction: "delete" } });
    const client = await kit.createClient("act-delete");
    const n = ++alertNo;
    addLeakAlert(stubs, n, client);
    await deliver(janitor, n);
    expect(clientView(kit, client.id)).toBeUndefined();
    expect(await kit.check(client.id, client.secret)).toBe("dead");
    expect(janitor.audits.at(-1)).toMatchObject({ containment: "delete", outcome: "contained" });
  });

  it("a protected client is never deleted: delete is downgraded to rotate (secret known)", async () => {
    const client = await kit.createClient("protected");
    await createTaggedSecret(kit, "keyward/clients/protected", client);
    janitor = await startJanitor(kit, stubs, { policy: { defaultAction: "delete", protectedClients: [client.id] } });
    const n = ++alertNo;
    addLeakAlert(stubs, n, client);
    await deliver(janitor, n);
    expect(clientView(kit, client.id)).toMatchObject({ state: "active", secretVersion: 2 });
    expect(await kit.check(client.id, client.secret)).toBe("dead");
    expect(await kit.check(client.id, (await kit.stored("keyward/clients/protected")).clientSecret)).toBe("live");
    expect(janitor.audits.at(-1)).toMatchObject({ requestedAction: "delete", containment: "rotate", outcome: "contained" });
  });

  it("the janitor's own client rotates its own secret into its document, raises a loud alert, and keeps working", async () => {
    janitor = await startJanitor(kit, stubs, { policy: { defaultAction: "delete" } });
    const own = kit.sandbox.janitor;
    const n = ++alertNo;
    addLeakAlert(stubs, n, own);
    const socBefore = soc().length;
    await deliver(janitor, n);
    expect(await kit.check(own.id, own.secret)).toBe("dead");
    const doc = await kit.stored(kit.sandbox.secretNames.janitor);
    expect(await kit.check(own.id, doc.clientSecret)).toBe("live");
    expect(clientView(kit, own.id)).toMatchObject({ state: "active" });
    expect(soc().length - socBefore).toBe(1);
    expect(soc().at(-1)!.text).toMatch(/OWN Genesys Cloud credentials/);
    expect(janitor.audits.at(-1)).toMatchObject({ ownClient: true, containment: "rotate", requestedAction: "delete", outcome: "contained" });

    // Still able to contain the next leak with its new credentials.
    const next = await kit.createClient("after-self-rotation");
    const m = ++alertNo;
    addLeakAlert(stubs, m, next);
    await deliver(janitor, m);
    expect(await kit.check(next.id, next.secret)).toBe("dead");
    expect(leakedSecrets(outputs(janitor), minted())).toEqual([]);
  });
});

describe("two janitor instances", () => {
  it("the one that did not rotate the janitor's own secret picks the new one up from the document", async () => {
    janitor = await startJanitor(kit, stubs);
    const other = await startJanitor(kit, stubs);
    try {
      const own = { id: kit.sandbox.janitor.id, secret: (await kit.stored(kit.sandbox.secretNames.janitor)).clientSecret };
      const n = ++alertNo;
      addLeakAlert(stubs, n, own);
      await deliver(janitor, n);
      const rotated = (await kit.stored(kit.sandbox.secretNames.janitor)).clientSecret;
      expect(rotated).not.toBe(own.secret);
      expect(other.runtime.processorDeps.genesys.client().settings.credentials?.clientSecret).toBe(own.secret);
      other.clock.now += 61_000;
      const next = await kit.createClient("after-other-instance-rotated");
      const m = ++alertNo;
      addLeakAlert(stubs, m, next);
      await deliver(other, m);
      expect(other.runtime.processorDeps.genesys.client().settings.credentials?.clientSecret).toBe(rotated);
      expect(await kit.check(next.id, next.secret)).toBe("dead");
    } finally {
      await other.close();
    }
  });
});

describe("resolution and notification never block containment", () => {
  it("a 403 on PATCH is recorded; a Slack DM failure falls back to the channel", async () => {
    janitor = await startJanitor(kit, stubs);
    const client = await kit.createClient("patch-refused");
    const n = ++alertNo;
    addLeakAlert(stubs, n, client);
    stubs.github.patchStatus = 403;
    stubs.slack.failDm = "channel_not_found";
    const socBefore = soc().length;
    await deliver(janitor, n);
    expect(await kit.check(client.id, client.secret)).toBe("dead");
    expect(soc().length - socBefore).toBe(1);
    expect(janitor.audits.at(-1)).toMatchObject({ outcome: "contained", alertResolution: "failed", notified: "fallback-channel" });
    expect(janitor.audits.at(-1)!.errors).toEqual(expect.arrayContaining(["resolve:github-forbidden"]));
  });

  it("an alert a human triaged (false_positive, used_in_tests, wont_fix) is left alone even under defaultAction delete: a human is told the secret is live", async () => {
    janitor = await startJanitor(kit, stubs, { policy: { defaultAction: "delete" } });
    for (const resolution of ["false_positive", "used_in_tests", "wont_fix"]) {
      const client = await kit.createClient(`triaged-${resolution}`);
      const n = ++alertNo;
      addLeakAlert(stubs, n, client);
      stubs.github.alerts.get(`${REPO}#${n}`)!.state = "resolved";
      stubs.github.alerts.get(`${REPO}#${n}`)!.resolution = resolution;
      const socBefore = soc().length;
      await deliver(janitor, n, "validated");
      expect(clientView(kit, client.id)).toMatchObject({ state: "active", secretVersion: 1 });
      expect(await kit.check(client.id, client.secret)).toBe("live");
      expect(patches(n)).toHaveLength(0);
      expect(soc().length - socBefore).toBe(1);
      expect(soc().at(-1)!.text).toContain(resolution);
      expect(janitor.audits.at(-1)).toMatchObject({ outcome: "triaged", verdict: "live", containment: "none", alertResolution: "already-resolved" });
    }
  });

  it("with the documented override (policy overrideTriage) a triaged alert's live secret is contained", async () => {
    janitor = await startJanitor(kit, stubs, { policy: { overrideTriage: true } });
    const client = await kit.createClient("triage-overridden");
    const n = ++alertNo;
    addLeakAlert(stubs, n, client);
    stubs.github.alerts.get(`${REPO}#${n}`)!.state = "resolved";
    stubs.github.alerts.get(`${REPO}#${n}`)!.resolution = "used_in_tests";
    await deliver(janitor, n, "validated");
    expect(await kit.check(client.id, client.secret)).toBe("dead");
    expect(patches(n)).toHaveLength(0);
    expect(janitor.audits.at(-1)).toMatchObject({ outcome: "contained", alertResolution: "already-resolved" });
  });
});

describe("redeliveries", () => {
  it("the same delivery id twice, and the same alert under a new delivery id an hour later: one containment, one message", async () => {
    janitor = await startJanitor(kit, stubs);
    const client = await kit.createClient("redelivered");
    await createTaggedSecret(kit, "keyward/clients/redelivered", client);
    const n = ++alertNo;
    addLeakAlert(stubs, n, client);
    const dmsBefore = dms().length;
    const first = await deliver(janitor, n);
    const again = await deliver(janitor, n, "created", first.deliveryId);
    expect(again.status).toBe(202);
    janitor.clock.now += 60 * 60_000;
    const grants = () => Object.values(kit.sandbox.genesys.control.state().requests["POST /oauth/token"] ?? {}).reduce((a, b) => a + b, 0);
    const before = grants();
    await deliver(janitor, n, "created");
    await deliver(janitor, n, "publicly_leaked", first.deliveryId);
    // The janitor proved this secret live for this client, so it checks that pair (refused while active: dead)
    // instead of sweeping every client of the org again: a handful of grants, not two per client.
    expect(grants() - before).toBeLessThan(10);
    expect(kit.sandbox.genesys.control.state().clients.length).toBeGreaterThan(10);

    expect(clientView(kit, client.id)!.secretVersion).toBe(2);
    expect(patches(n)).toHaveLength(1);
    expect(dms().length - dmsBefore).toBe(1);
    const mine = janitor.audits.filter((e) => e.alertNumber === n);
    expect(mine.map((e) => e.outcome)).toEqual(["contained", "already-contained", "already-contained"]);
    expect(await kit.check(client.id, (await kit.stored("keyward/clients/redelivered")).clientSecret)).toBe("live");
  });
});

describe("keyward's own scanner findings", () => {
  it("are contained like an alert: the pair comes with the finding, the DM goes to author_email", async () => {
    janitor = await startJanitor(kit, stubs);
    const client = await kit.createClient("scanner-finding");
    const dmsBefore = dms().length;
    const body = {
      action: "detected",
      repository: { full_name: REPO },
      finding: {
        rule_id: "genesys-client-secret",
        path: "src/cfg.ts",
        line: 7,
        column: 12,
        commit: "abc123def456",
        author_email: "dev@acme.example",
        client_id: client.id,
        secret: client.secret,
        fingerprint: "src/cfg.ts:genesys-client-secret:7",
      },
    };
    const res = await janitor.post("keyward_finding", body);
    await janitor.queue.idle();
    expect(res.status).toBe(202);
    expect(await kit.check(client.id, client.secret)).toBe("dead");
    expect(dms().length - dmsBefore).toBe(1);
    expect(stubs.github.calls.some((c) => c.method === "POST" && c.path === `/repos/${REPO}/commits/abc123def456/comments`)).toBe(true);
    expect(janitor.audits.at(-1)).toMatchObject({
      event: "keyward_finding",
      outcome: "contained",
      alertResolution: "not-applicable",
      location: { type: "keyward_finding", path: "src/cfg.ts", line: 7 },
    });

    // Redelivered later: the secret is dead, nothing is done again.
    janitor.clock.now += 60 * 60_000;
    await janitor.post("keyward_finding", body);
    await janitor.queue.idle();
    expect(dms().length - dmsBefore).toBe(1);
    expect(janitor.audits.at(-1)).toMatchObject({ outcome: "not-live" });
    expect(leakedSecrets(outputs(janitor), minted())).toEqual([]);
  });
});

describe("containment is never blocked", () => {
  it("by audit sinks that are down (Splunk HEC, Datadog)", async () => {
    janitor = await startJanitor(kit, stubs, {
      env: {
        KEYWARD_SPLUNK_HEC_URL: "http://127.0.0.1:9/services/collector/event",
        KEYWARD_SPLUNK_HEC_TOKEN: "splunk-hec-token-value",
        KEYWARD_DATADOG_API_KEY: "datadog-api-key-value",
        KEYWARD_DATADOG_URL: "http://127.0.0.1:9/api/v2/logs",
      },
    });
    const client = await kit.createClient("sinks-down");
    const n = ++alertNo;
    addLeakAlert(stubs, n, client);
    await deliver(janitor, n);
    expect(await kit.check(client.id, client.secret)).toBe("dead");
    expect(janitor.audits.at(-1)).toMatchObject({ alertNumber: n, outcome: "contained" });
    expect(kit.logs.join("\n")).toMatch(/audit sink failed/);
    expect(leakedSecrets(outputs(janitor), [...minted(), "splunk-hec-token-value", "datadog-api-key-value"])).toEqual([]);
  });

  it("by a disable the platform refuses: it falls back to revoke", async () => {
    const client = await kit.createClient("disable-refused");
    janitor = await startJanitor(kit, stubs, { policy: { clients: { [client.id]: { action: "disable" } } } });
    const n = ++alertNo;
    addLeakAlert(stubs, n, client);
    kit.sandbox.genesys.control.addFault({ route: "PUT /api/v2/oauth/clients/{clientId}", errorRate: 1, errorStatus: 400 });
    await deliver(janitor, n);
    kit.sandbox.genesys.control.clearFaults();
    expect(await kit.check(client.id, client.secret)).toBe("dead");
    expect(clientView(kit, client.id)).toMatchObject({ state: "active", secretVersion: 2 });
    expect(janitor.audits.at(-1)).toMatchObject({ containment: "revoke", outcome: "contained" });
    expect(janitor.audits.at(-1)!.errors.some((e) => e.startsWith("contain:disable-"))).toBe(true);
  });
});

describe("canary over files", () => {
  it("no file written during the suite holds a minted secret", () => {
    const files = filesWrittenSince(startedAt);
    expect(files.some((f) => f.includes("keyward-policy-"))).toBe(true);
    expect(
      leakedSecrets(
        files.map((f) => readFileSync(f, "utf8")),
        minted(),
      ),
    ).toEqual([]);
  });
});
