import type { Finding } from "./finding.js";
import type { CompiledRules } from "./rules.js";

/** Is this path documentation-like (docs/, examples/, *.md, README…)? */
export function isDocumentationPath(path: string, rules: CompiledRules): boolean {
  const normalized = path.replace(/\\/g, "/");
  return rules.examplePaths.some((re) => re.test(normalized));
}

/**
 * Documentation examples: a value found in at least `examples.min_files` documentation-like files is an example a
 * vendor or a team published, not a leak. Its findings in documentation-like files collapse into one — the first
 * in path order — marked `example` with the number of files; the same value elsewhere (a config file, a script)
 * stays an ordinary finding. Pure; returns the findings to report, in the order given.
 */
export function collapseExamples(findings: Finding[], rules: CompiledRules): Finding[] {
  const docFiles = new Map<string, Set<string>>();
  for (const f of findings) {
    if (!isDocumentationPath(f.path, rules)) continue;
    const files = docFiles.get(f.fingerprint) ?? new Set<string>();
    files.add(f.path);
    docFiles.set(f.fingerprint, files);
  }
  const examples = new Set([...docFiles].filter(([, files]) => files.size >= rules.doc.examples.min_files).map(([fp]) => fp));
  if (examples.size === 0) return findings;
  const kept = new Set<string>();
  const out: Finding[] = [];
  const ordered = [...findings].sort((a, b) => a.path.localeCompare(b.path) || a.line - b.line || (a.commit ?? "").localeCompare(b.commit ?? ""));
  const first = new Map<string, Finding>();
  for (const f of ordered) if (examples.has(f.fingerprint) && isDocumentationPath(f.path, rules) && !first.has(f.fingerprint)) first.set(f.fingerprint, f);
  for (const f of findings) {
    if (!examples.has(f.fingerprint) || !isDocumentationPath(f.path, rules)) {
      out.push(f);
      continue;
    }
    if (first.get(f.fingerprint) !== f || kept.has(f.fingerprint)) continue;
    kept.add(f.fingerprint);
    f.example = true;
    f.occurrences = docFiles.get(f.fingerprint)!.size;
    out.push(f);
  }
  return out;
}
