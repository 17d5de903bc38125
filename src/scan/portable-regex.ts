/**
 * Why a regex would not be accepted by one of Hyperscan (GitHub custom patterns), RE2 (gitleaks, TruffleHog) and
 * JavaScript: lookarounds, backreferences, named or capturing groups, inline flags, possessive quantifiers,
 * atomic groups and the escapes only PCRE knows. Returns [] for a portable regex. `allowCapture` admits plain
 * `( )` groups, which RE2 and JS accept (gitleaks' secretGroup) but Hyperscan does not.
 */
export function portabilityProblems(source: string, options: { allowCapture?: boolean } = {}): string[] {
  const problems: string[] = [];
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const ch = source[i];
    if (ch === "\\") {
      const next = source[i + 1] ?? "";
      if (!inClass && /[1-9kgKRCZXGQE]/.test(next)) problems.push(`\\${next} at ${i}`);
      i++;
      continue;
    }
    if (inClass) {
      if (ch === "]") inClass = false;
      continue;
    }
    if (ch === "[") {
      inClass = true;
      if (source[i + 1] === "^") i++;
      if (source[i + 1] === "]") i++;
      continue;
    }
    if (ch === "(") {
      if (source[i + 1] !== "?") {
        if (!options.allowCapture) problems.push(`capturing group at ${i}`);
      } else if (source[i + 2] !== ":") {
        problems.push(`(?${source[i + 2] ?? ""} at ${i}`);
      }
      continue;
    }
    if ((ch === "+" || ch === "*" || ch === "?" || ch === "}") && source[i + 1] === "+") problems.push(`possessive quantifier at ${i}`);
  }
  if (inClass) problems.push("unterminated character class");
  return problems;
}
