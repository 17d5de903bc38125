import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { boolInput } from "../../src/scan/action.js";

/** The Action's boolean inputs follow @actions/core's getBooleanInput: YAML 1.2 core-schema booleans only. */
describe("the Action's boolean inputs", () => {
  const env = (value: string) => ({ INPUT_VERIFY: value });

  it.each(["true", "True", "TRUE"])("reads %s as true", (value) => expect(boolInput(env(value), "verify", false)).toBe(true));
  it.each(["false", "False", "FALSE"])("reads %s as false", (value) => expect(boolInput(env(value), "verify", true)).toBe(false));

  it("takes the default when the input is absent or blank", () => {
    expect(boolInput({}, "verify", true)).toBe(true);
    expect(boolInput(env("  "), "verify", false)).toBe(false);
  });

  it.each(["yes", "no", "1", "0", "on", "off", "tRUE", "y"])("refuses %j (exit 2) instead of reading it as false", (value) => {
    expect(() => boolInput(env(value), "verify", false)).toThrow(
      expect.objectContaining({
        exitCode: 2,
        message: `input verify: "${value}" is not a boolean (YAML 1.2 core schema)`,
        hint: expect.stringContaining("set verify to true or false"),
      }),
    );
  });

  it("fails the step with the reason when run with `verify: yes` (the committed bundle)", () => {
    const workspace = mkdtempSync(join(tmpdir(), "keyward-action-input-"));
    try {
      const run = spawnSync(process.execPath, [join(process.cwd(), "action", "dist", "index.js")], {
        cwd: workspace,
        env: { PATH: process.env.PATH, HOME: process.env.HOME, GITHUB_WORKSPACE: workspace, INPUT_VERIFY: "yes" },
        encoding: "utf8",
      });
      expect(run.status).toBe(2);
      expect(run.stdout).toContain('::error::keyward: input verify: "yes" is not a boolean');
    } finally {
      rmSync(workspace, { recursive: true, force: true });
    }
  });
});
