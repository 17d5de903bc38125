import { createLogger } from "../../src/core/log.js";
import { describeError, KeywardError } from "../../src/core/errors.js";
import fc from "fast-check";
import { registerClientSecret, registerSecret, REDACTED, resetSecretRegistry, scrub } from "../../src/core/redact.js";

describe("the secret registry", () => {
  beforeEach(() => resetSecretRegistry());

  it("scrubs a registered secret and its HTTP Basic form from any text", () => {
    const secret = "e4meQ53cXGq53j6uffdULVjRl8It8M3FVsupKei0nSg";
    registerClientSecret("a0bda580-cb41-4ff6-8f06-28ffb4227594", secret);
    const basic = Buffer.from(`a0bda580-cb41-4ff6-8f06-28ffb4227594:${secret}`).toString("base64");
    expect(scrub(`x ${secret} y Basic ${basic}`)).toBe(`x ${REDACTED} y Basic ${REDACTED}`);
  });

  it("keeps error messages and hints free of registered secrets", () => {
    registerClientSecret("id", "supersecretvalue1");
    const err = new KeywardError("failed with supersecretvalue1", { reason: "x", hint: "try supersecretvalue1" });
    expect(describeError(err)).not.toContain("supersecretvalue1");
  });

  it("makes the logger censor sensitive keys and registered values", () => {
    registerClientSecret("id", "anothersecretvalue");
    const lines: string[] = [];
    const log = createLogger({ level: "debug", write: (l) => lines.push(l) });
    log.info("rotated anothersecretvalue", { clientId: "id", clientSecret: "not-registered-but-sensitive", nested: { note: "anothersecretvalue" } });
    const out = lines.join("\n");
    expect(out).not.toContain("anothersecretvalue");
    expect(out).not.toContain("not-registered-but-sensitive");
    expect(out).toContain('"clientId":"id"');
  });

  it("scrubs like one alternation of every value, longest first, leftmost first (property, against a regular expression)", () => {
    const word = fc.string({ unit: fc.constantFrom("a", "b", "c", "="), minLength: 6, maxLength: 10 });
    fc.assert(
      fc.property(fc.uniqueArray(word, { minLength: 1, maxLength: 8 }), fc.array(fc.oneof(word, fc.constantFrom("a", "b", " ", "c")), { maxLength: 12 }), (values, parts) => {
        resetSecretRegistry();
        registerSecret(...values);
        const text = parts.join("");
        const reference = new RegExp(
          [...values]
            .sort((a, b) => b.length - a.length)
            .map((v) => v.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
            .join("|"),
          "g",
        );
        expect(scrub(text)).toBe(text.replace(reference, REDACTED));
      }),
      { numRuns: 500 },
    );
  });

  it("scrubs every one of thousands of registered values (a verification run registers a form per pair tried)", () => {
    const values = Array.from({ length: 20_000 }, (_, i) => `pair-form-${i.toString(36).padStart(6, "0")}-value`);
    registerSecret(...values);
    const text = values.filter((_, i) => i % 997 === 0).join(" and ");
    expect(scrub(text)).toBe(
      values
        .filter((_, i) => i % 997 === 0)
        .map(() => REDACTED)
        .join(" and "),
    );
  });
});
