import { createHmac } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawn } from "node:child_process";
import { isSecretValue } from "../../src/scan/detect.js";
import { loadRules } from "../../src/scan/rules.js";
import { useSandboxKit } from "../helpers/sandbox.js";
import { leaks } from "./corpus.js";
import { tempRepo } from "./git-repo.js";

const kit = useSandboxKit();

describe("the GitHub Action with verify and the janitor", () => {
  it("classifies the pushed pair live and posts it to the janitor, signed, without printing it", async () => {
    let client = await kit.createClient("action-live");
    while (!isSecretValue(client.secret, loadRules())) client = await kit.genesys().oauthClients.regenerateSecret(client.id);
    const repo = tempRepo();
    const runner = mkdtempSync(join(tmpdir(), "keyward-runner-"));
    const bodies: Array<{ body: string; signature: string }> = [];
    const server = createServer((req, res) => {
      let body = "";
      req.on("data", (d: Buffer) => (body += d.toString()));
      req.on("end", () => {
        bodies.push({ body, signature: String(req.headers["x-hub-signature-256"]) });
        res.writeHead(202).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      repo.write("README.md", "x\n");
      const before = repo.commit("init");
      repo.write("genesys.env", `GENESYSCLOUD_OAUTHCLIENT_ID=${client.id}\nGENESYSCLOUD_OAUTHCLIENT_SECRET=${client.secret}\n`);
      const after = repo.commit("leak");
      writeFileSync(join(runner, "event.json"), JSON.stringify({ before, after, commits: [{ id: after }] }));
      for (const f of ["output", "summary.md"]) writeFileSync(join(runner, f), "");
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/github/webhooks`;
      // Asynchronously: the janitor server runs on this process's event loop.
      const res = await new Promise<{ status: number | null; stdout: string }>((resolve) => {
        const child = spawn(process.execPath, [join(process.cwd(), "action", "dist", "index.js")], {
          cwd: repo.dir,
          env: {
            PATH: process.env.PATH,
            HOME: process.env.HOME,
            ...kit.env,
            GITHUB_EVENT_NAME: "push",
            GITHUB_EVENT_PATH: join(runner, "event.json"),
            GITHUB_WORKSPACE: repo.dir,
            GITHUB_OUTPUT: join(runner, "output"),
            GITHUB_STEP_SUMMARY: join(runner, "summary.md"),
            GITHUB_REPOSITORY: "acme/app",
            "INPUT_SARIF-FILE": join(runner, "k.sarif"),
            "INPUT_JANITOR-URL": url,
            "INPUT_WEBHOOK-SECRET": "action-webhook-secret",
          },
        });
        let stdout = "";
        child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
        child.on("close", (status: number | null) => resolve({ status, stdout }));
      });
      expect(res.status).toBe(1);
      expect(res.stdout).toContain("verdict live");
      expect(res.stdout).toContain("posted 1 live finding(s)");
      expect(bodies).toHaveLength(1);
      expect(bodies[0]!.signature).toBe(`sha256=${createHmac("sha256", "action-webhook-secret").update(bodies[0]!.body).digest("hex")}`);
      expect(JSON.parse(bodies[0]!.body)).toMatchObject({
        action: "detected",
        repository: { full_name: "acme/app" },
        finding: { client_id: client.id, secret: client.secret, commit: after },
      });
      const lines = res.stdout.split("\n");
      expect(lines.filter((l) => l.startsWith("::add-mask::"))).toContain("::add-mask::action-webhook-secret");
      const rest = [...lines.filter((l) => !l.startsWith("::add-mask::")), readFileSync(join(runner, "summary.md"), "utf8"), readFileSync(join(runner, "k.sarif"), "utf8")];
      expect(leaks(rest, [client.secret, Buffer.from(`${client.id}:${client.secret}`).toString("base64"), "action-webhook-secret"])).toEqual([]);
    } finally {
      await new Promise((resolve) => server.close(resolve));
      repo.remove();
      rmSync(runner, { recursive: true, force: true });
    }
  });
});
