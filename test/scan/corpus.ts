import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";

export const FIXTURES = join(process.cwd(), "test", "fixtures", "scan");

export interface Planted {
  secret: string;
  client_id: string | null;
  /** The rule expected to report it (default: any). Its confidence follows from the rule. */
  rule_id?: string;
  /** The encodings the finding must say it was decoded from (default: none checked). */
  decoded?: string[];
  /** The exports known not to find it (README "Exporting the rules"): GitHub decodes nothing, TruffleHog no %XX. */
  missed_by?: ExportTool[];
}

export type ExportTool = "github" | "gitleaks" | "trufflehog";

export interface ExampleSet {
  secret: string;
  client_id: string | null;
  /** Folder under examples/ whose files all repeat the value. */
  dir: string;
  files: number;
  /** The exports known to flag it (they cannot count the files a value repeats in). */
  flagged_by?: ExportTool[];
}

export interface Labels {
  positives: Record<string, Planted[]>;
  /** flagged_by: the exports known to flag it (GitHub patterns cannot require a UUID client id). */
  decoys: Array<{ path: string; flagged_by?: ExportTool[] }>;
  examples: ExampleSet[];
}

export const labels = JSON.parse(readFileSync(join(FIXTURES, "labels.json"), "utf8")) as Labels;

export function fixture(kind: "positives" | "decoys" | "examples", path: string): string {
  return readFileSync(join(FIXTURES, kind, path), "utf8");
}

export function filesUnder(kind: "positives" | "decoys" | "examples"): string[] {
  const root = join(FIXTURES, kind);
  const out: string[] = [];
  const visit = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const abs = join(dir, name);
      if (statSync(abs).isDirectory()) visit(abs);
      else out.push(relative(root, abs).split("\\").join("/"));
    }
  };
  visit(root);
  return out.sort();
}

export const basicOf = (id: string, secret: string) => Buffer.from(`${id}:${secret}`).toString("base64");

/** Every form of every planted secret an output must never contain. */
export function plantedForms(): string[] {
  const forms = new Set<string>();
  const all = [...Object.values(labels.positives).flat(), ...labels.examples];
  for (const planted of all) {
    forms.add(planted.secret);
    forms.add(JSON.stringify(planted.secret).slice(1, -1));
    forms.add(encodeURIComponent(planted.secret));
    forms.add(Buffer.from(planted.secret).toString("base64"));
    if (planted.client_id) {
      forms.add(basicOf(planted.client_id, planted.secret));
      forms.add(encodeURIComponent(basicOf(planted.client_id, planted.secret)));
    }
  }
  return [...forms];
}

export function leaks(outputs: string[], forms: string[] = plantedForms()): string[] {
  const haystack = outputs.join("\n");
  return forms.filter((f) => haystack.includes(f)).map((f) => `${f.slice(0, 4)}…`);
}
