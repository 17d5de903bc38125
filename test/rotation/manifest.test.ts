import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { UsageError } from "../../src/core/errors.js";
import { loadManifest, parseManifest } from "../../src/rotation/manifest.js";

const ID = "0b9e3c43-5d5f-4c0e-9b7a-3c1f2e4d5a6b";

describe("the rotation manifest", () => {
  it("accepts a bare list and the scheduler's {clients: [...]} form", () => {
    const entries = [
      { clientId: ID, secretId: "keyward/a" },
      { clientName: "Reporting", secretId: "keyward/b" },
    ];
    expect(parseManifest(entries)).toEqual(entries);
    expect(parseManifest({ clients: entries })).toEqual(entries);
  });

  it.each([
    ["an empty list", [], /empty/],
    ["both clientId and clientName", [{ clientId: ID, clientName: "x", secretId: "s" }], /exactly one of clientId or clientName/],
    ["neither clientId nor clientName", [{ secretId: "s" }], /exactly one/],
    ["a clientId that is not a UUID", [{ clientId: "abc", secretId: "s" }], /not a UUID/],
    ["a missing secretId", [{ clientId: ID }], /secretId/],
    ["an unknown field", [{ clientId: ID, secretId: "s", secret: "x" }], /unknown field/],
    [
      "the same client twice",
      [
        { clientId: ID, secretId: "a" },
        { clientId: ID.toUpperCase(), secretId: "b" },
      ],
      /already listed at entry 1/,
    ],
    ["something that is not a list", { foo: 1 }, /expected a list/],
  ])("rejects %s with a usage error that says where", (_name, data, message) => {
    expect(() => parseManifest(data, "m.json")).toThrow(UsageError);
    expect(() => parseManifest(data, "m.json")).toThrow(message);
  });

  it("loads JSON and YAML files", async () => {
    const dir = await mkdtemp(join(tmpdir(), "keyward-manifest-"));
    await writeFile(join(dir, "m.json"), JSON.stringify([{ clientId: ID, secretId: "keyward/a" }]));
    await writeFile(join(dir, "m.yaml"), `clients:\n  - clientName: Reporting\n    secretId: keyward/b\n`);
    expect(await loadManifest(join(dir, "m.json"))).toEqual([{ clientId: ID, secretId: "keyward/a" }]);
    expect(await loadManifest(join(dir, "m.yaml"))).toEqual([{ clientName: "Reporting", secretId: "keyward/b" }]);
  });

  it("names the file when it cannot be read or parsed", async () => {
    const dir = await mkdtemp(join(tmpdir(), "keyward-manifest-"));
    await writeFile(join(dir, "bad.yml"), "clients: [unclosed");
    await expect(loadManifest(join(dir, "missing.json"))).rejects.toThrow(/cannot read manifest .*missing\.json: ENOENT/);
    await expect(loadManifest(join(dir, "bad.yml"))).rejects.toThrow(/bad\.yml/);
  });
});
