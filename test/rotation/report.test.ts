import { ExitCode } from "../../src/core/exit-codes.js";
import { formatResultLine, formatTable, progressBar, toJsonReport } from "../../src/rotation/report.js";
import type { RotationResult } from "../../src/rotation/rotate-client.js";

const timings = { preflightMs: 5, regenerateMs: 4, storeMs: 3, verifyMs: 2, totalMs: 14 };
const rotated: RotationResult = {
  clientId: "0b9e3c43-5d5f-4c0e-9b7a-3c1f2e4d5a6b",
  clientName: "Billing",
  secretId: "keyward/billing",
  secretArn: "arn:aws:secretsmanager:us-east-1:123456789012:secret:keyward/billing-AbCdEf",
  versionId: "v-1",
  status: "rotated",
  outcome: "rotated",
  exitCode: ExitCode.Ok,
  regenerations: 2,
  superseded: true,
  timings,
};
const failed: RotationResult = {
  clientId: "",
  clientName: "Ghost",
  secretId: "keyward/ghost",
  status: "failed",
  outcome: "refused",
  exitCode: ExitCode.Failed,
  reason: "client-name-not-found",
  message: 'no OAuth client is named "Ghost"',
  hint: "check the exact name",
  regenerations: 0,
  timings,
};

describe("rotation reports", () => {
  it("summarise a rotation in one line, mentioning a race it converged through", () => {
    expect(formatResultLine(rotated)).toBe(
      "rotated  0b9e3c43-5d5f-4c0e-9b7a-3c1f2e4d5a6b (Billing) -> arn:aws:secretsmanager:us-east-1:123456789012:secret:keyward/billing-AbCdEf version v-1 in 14 ms (2 regenerations, superseded by a concurrent run)",
    );
  });

  it("give a failure its exit code, reason and fix", () => {
    expect(formatResultLine(failed)).toBe('FAILED   Ghost -> keyward/ghost [exit 1, client-name-not-found]: no OAuth client is named "Ghost"\n         fix: check the exact name');
  });

  it("line up the fleet table and count the outcomes", () => {
    const table = formatTable([rotated, failed]).split("\n");
    expect(table[0]).toMatch(/^STATUS\s+CLIENT ID\s+NAME\s+SECRET\s+VERSION\s+RESULT$/);
    expect(table[1]!.indexOf("Billing")).toBe(table[0]!.indexOf("NAME"));
    expect(table[2]).toMatch(/^FAILED\s+-\s+Ghost\s+keyward\/ghost\s+client-name-not-found \(exit 1\)$/);
    expect(table.at(-1)).toBe("1 succeeded, 1 failed");
  });

  it("count a dry run's clients as would-rotate, not as succeeded", () => {
    const dry: RotationResult = { ...rotated, status: "dry-run", outcome: "dry-run", versionId: undefined, superseded: undefined, regenerations: 0 };
    const table = formatTable([dry, dry, dry, dry]).split("\n");
    expect(table.at(-1)).toBe("4 would rotate (dry run), 0 failed");
    expect(table.join("\n")).not.toMatch(/succeeded/);
  });

  it("draw a progress bar that fills with the finished share", () => {
    expect(progressBar(0, 4, 0, 8)).toBe("\r[........] 0/4 done, 0 failed");
    expect(progressBar(2, 4, 1, 8)).toBe("\r[####....] 2/4 done, 1 failed");
    expect(progressBar(4, 4, 1, 8)).toBe("\r[########] 4/4 done, 1 failed");
  });

  it("keep the JSON report to ids, versions, outcomes and timings", () => {
    const report = JSON.parse(toJsonReport({ results: [rotated, failed], exitCode: 1, totalMs: 20 })) as Record<string, unknown>;
    expect(report).toEqual({
      schema: "keyward.rotate/v1",
      ok: 1,
      failed: 1,
      skipped: 0,
      exitCode: 1,
      totalMs: 20,
      results: [
        {
          clientId: rotated.clientId,
          clientName: "Billing",
          secretId: "keyward/billing",
          secretArn: rotated.secretArn,
          versionId: "v-1",
          status: "rotated",
          exitCode: 0,
          regenerations: 2,
          superseded: true,
          timings,
        },
        {
          clientId: "",
          clientName: "Ghost",
          secretId: "keyward/ghost",
          status: "failed",
          exitCode: 1,
          reason: "client-name-not-found",
          message: failed.message,
          hint: failed.hint,
          regenerations: 0,
          timings,
        },
      ],
    });
  });
});
