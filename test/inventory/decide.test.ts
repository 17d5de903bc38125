import { ageInDays, judgeSecret, lastRotation, statusExitCode, type ClientState, type DocumentStatus, type SecretVerdict } from "../../src/inventory/decide.js";

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 11, 6, 12, 0, 0);
const daysAgo = (d: number) => new Date(NOW - d * DAY);

const CLIENT_STATES: ClientState[] = ["active", "inactive", "disabled", "deleted", "missing", "unknown", "not-checked"];
const DOCUMENTS: DocumentStatus[] = ["live", "dead", "unknown", "not-checked", "no-value", "not-a-credential-document", "other-client"];
const ROTATIONS: Array<[string, Date | undefined]> = [
  ["never", undefined],
  ["just now", daysAgo(0)],
  ["89.9 days ago", daysAgo(89.9)],
  ["exactly 90 days ago", daysAgo(90)],
  ["90.1 days ago", daysAgo(90.1)],
  ["in the future (clock skew)", new Date(NOW + 60_000)],
];
const MAX_AGES: Array<number | undefined> = [undefined, 0, 90];

const BROKEN_CLIENTS = new Set<ClientState>(["inactive", "disabled", "deleted", "missing"]);
const BROKEN_DOCUMENTS = new Set<DocumentStatus>(["dead", "no-value", "not-a-credential-document", "other-client"]);

/** The rule, stated once more in the plainest terms, to hold the implementation to. */
function expected(client: ClientState, document: DocumentStatus, rotated: Date | undefined, maxAge: number | undefined): SecretVerdict {
  if (BROKEN_CLIENTS.has(client) || BROKEN_DOCUMENTS.has(document)) return "broken";
  if (client === "unknown" || document === "unknown") return "unknown";
  if (maxAge !== undefined && (rotated === undefined || (NOW - rotated.getTime()) / DAY > maxAge)) return "stale";
  return "ok";
}

describe("judging a managed secret", () => {
  const cases = CLIENT_STATES.flatMap((client) =>
    DOCUMENTS.flatMap((document) => ROTATIONS.flatMap(([when, rotated]) => MAX_AGES.map((maxAge) => ({ client, document, when, rotated, maxAge })))),
  );

  it(`covers every combination of client state, document, last rotation and --max-age (${cases.length} cases)`, () => {
    expect(cases).toHaveLength(CLIENT_STATES.length * DOCUMENTS.length * ROTATIONS.length * MAX_AGES.length);
    for (const c of cases) {
      const j = judgeSecret({ clientState: c.client, document: c.document, ...(c.rotated ? { lastRotation: c.rotated } : {}) }, NOW, c.maxAge);
      expect({ ...c, verdict: j.verdict }).toEqual({ ...c, verdict: expected(c.client, c.document, c.rotated, c.maxAge) });
      // A verdict other than ok always says why; ok never carries a problem.
      expect(j.verdict === "ok").toBe(j.problems.length === 0);
    }
  });

  it("is ok only when nothing proves a problem, nothing asked for is unproven, and it is young enough", () => {
    expect(judgeSecret({ clientState: "active", document: "live", lastRotation: daysAgo(10) }, NOW, 90)).toEqual({ verdict: "ok", ageDays: 10, problems: [] });
    expect(judgeSecret({ clientState: "not-checked", document: "not-checked", lastRotation: daysAgo(10) }, NOW)).toMatchObject({ verdict: "ok" });
  });

  it("with --max-age 0, calls a secret rotated a moment ago stale (older than zero days)", () => {
    expect(judgeSecret({ clientState: "active", document: "live", lastRotation: new Date(NOW - 1) }, NOW, 0).verdict).toBe("stale");
    expect(judgeSecret({ clientState: "active", document: "live", lastRotation: new Date(NOW) }, NOW, 0).verdict).toBe("ok");
  });

  it("names every problem, the most serious first", () => {
    const j = judgeSecret({ clientState: "missing", document: "dead" }, NOW, 90);
    expect(j.problems).toEqual(["the stored secret is refused by Genesys Cloud (invalid_client)", "the client no longer exists in Genesys Cloud", "never rotated"]);
    expect(judgeSecret({ clientState: "unknown", document: "live", lastRotation: daysAgo(120) }, NOW, 90).problems).toEqual([
      "the client could not be looked up in Genesys Cloud",
      "last rotated 120.0 days ago, over --max-age 90",
    ]);
  });

  it("never reports a negative age (a clock ahead of Secrets Manager's reads as 0)", () => {
    expect(ageInDays(new Date(NOW + 5_000), NOW)).toBe(0);
    expect(ageInDays(daysAgo(1.5), NOW)).toBe(1.5);
  });
});

describe("the last rotation of a secret", () => {
  const v = daysAgo(3);
  const r = daysAgo(5);
  const c = daysAgo(1);
  it.each([
    [
      "the current version's creation date, when there is a current version",
      { currentVersionCreated: v, lastRotatedDate: r, lastChangedDate: c },
      { date: v, source: "current-version" },
    ],
    ["Secrets Manager's LastRotatedDate otherwise", { lastRotatedDate: r, lastChangedDate: c }, { date: r, source: "last-rotated-date" }],
    ["LastChangedDate as the last resort (any change, tags included)", { lastChangedDate: c }, { date: c, source: "last-changed-date" }],
    ["none when nothing is known", {}, { source: "none" }],
  ])("is %s", (_name, dates, result) => {
    expect(lastRotation(dates)).toEqual(result);
  });
});

describe("the exit code of `keyward status`", () => {
  it.each<[SecretVerdict[], number]>([
    [[], 0],
    [["ok", "ok"], 0],
    [["ok", "stale"], 1],
    [["broken"], 1],
    [["ok", "unknown"], 1],
  ])("for %j is %i", (verdicts, code) => {
    expect(statusExitCode(verdicts)).toBe(code);
  });
});
