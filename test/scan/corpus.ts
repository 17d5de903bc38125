import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";

export const FIXTURES = join(process.cwd(), "test", "fixtures", "scan");

export interface Planted {
  secret: string;
  client_id: string | null;
  /** false: a form the exported patterns are known not to cover (README "Known limits"). */
  exports?: false;
}

export interface Labels {
  positives: Record<string, Planted[]>;
  decoys: Array<{ path: string; exports?: false }>;
}

export const labels = JSON.parse(readFileSync(join(FIXTURES, "labels.json"), "utf8")) as Labels;

export function fixture(kind: "positives" | "decoys", path: string): string {
  return readFileSync(join(FIXTURES, kind, path), "utf8");
}

export function filesUnder(kind: "positives" | "decoys"): string[] {
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
  for (const planted of Object.values(labels.positives).flat()) {
    forms.add(planted.secret);
    forms.add(JSON.stringify(planted.secret).slice(1, -1));
    forms.add(encodeURIComponent(planted.secret));
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
