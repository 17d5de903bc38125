import { randomUUID } from "node:crypto";
import { CreateSecretCommand } from "@aws-sdk/client-secrets-manager";
import { caseVariantPrefixes } from "../../src/secrets/secret-store.js";
import { useSandboxKit } from "../helpers/sandbox.js";

/** A client's claims are found in any spelling of its id, with a listing narrowed by a tag-value filter. */
const kit = useSandboxKit();

describe("the case-variant prefixes of a tag-value filter", () => {
  it("cover every spelling of a prefix with at most three letters, and fit one filter (at most 10 values)", () => {
    const variants = caseVariantPrefixes("0b9e3c43-5d5f-4c0e");
    expect(variants).toHaveLength(8);
    expect(variants).toEqual(expect.arrayContaining(["0b9e3c43", "0B9E3C43", "0b9E3c43"]));
    for (let i = 0; i < 200; i++) {
      const id = randomUUID();
      const variants = caseVariantPrefixes(id);
      expect(variants.length).toBeGreaterThan(0);
      expect(variants.length).toBeLessThanOrEqual(8);
      const prefix = variants[0]!;
      // Any spelling of the id starts with one of the variants.
      const mixed = [...id].map((c, j) => (j % 2 ? c.toUpperCase() : c)).join("");
      for (const spelling of [id, id.toUpperCase(), mixed]) expect(variants.some((v) => spelling.startsWith(v))).toBe(true);
      expect(variants.every((v) => v.length === prefix.length)).toBe(true);
    }
    expect(caseVariantPrefixes("12345678-aaaa")).toEqual(["12345678"]);
    expect(caseVariantPrefixes("")).toEqual([]);
  });
});

describe("SecretStore.listTagged", () => {
  it("finds claims spelled in lower, upper and mixed case, and nothing for another id", async () => {
    const id = randomUUID();
    const mixed = [...id].map((c, j) => (j % 2 ? c.toUpperCase() : c)).join("");
    for (const [name, value] of [
      ["claims/lower", id],
      ["claims/upper", id.toUpperCase()],
      ["claims/mixed", mixed],
      ["claims/other", randomUUID()],
    ] as const) {
      await kit.sm.send(new CreateSecretCommand({ Name: name, Tags: [{ Key: "keyward:client-id", Value: value }] }));
    }
    const found = (await kit.store().listTagged("keyward:client-id", id.toUpperCase())).map((s) => s.name).sort();
    expect(found).toEqual(["claims/lower", "claims/mixed", "claims/upper"]);
  });
});
