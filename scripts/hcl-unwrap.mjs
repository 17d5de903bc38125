// `cdktf synth --hcl` writes every reference as a string holding one interpolation (`value = "${aws_x.y.arn}"`),
// the Terraform 0.11 spelling; `terraform fmt` (and so `terraform fmt -check` in CI) rewrites each to the bare
// expression (`value = aws_x.y.arn`), which since Terraform 0.12 means the same: a template that is a single
// interpolation yields the expression's value unchanged. keyward's `synth --hcl` output is written that way from the
// start, so it passes `terraform fmt -check`. Only strings that are exactly one `${...}` change; `$${` (a literal
// `${`, how keyward writes configuration text) and strings with any other text are left alone.

/** Index of the `}` closing the `${` at `at` (text[at] === "$"), or -1 (unbalanced, or a line break inside). */
function interpolationEnd(text, at) {
  let depth = 0;
  for (let i = at + 1; i < text.length; i++) {
    const c = text[i];
    if (c === "\n") return -1;
    if (c === "{") depth++;
    else if (c === "}") {
      depth--;
      if (depth === 0) return i;
    } else if (c === '"') {
      const close = stringEnd(text, i);
      if (close < 0) return -1;
      i = close;
    }
  }
  return -1;
}

/** Index of the `"` closing the string literal opened at `at`, skipping escapes and nested interpolations. */
function stringEnd(text, at) {
  for (let i = at + 1; i < text.length; i++) {
    const c = text[i];
    if (c === "\n") return -1;
    if (c === "\\") i++;
    else if (c === "$" && text[i + 1] === "$" && text[i + 2] === "{") i += 2;
    else if (c === "$" && text[i + 1] === "{") {
      const end = interpolationEnd(text, i);
      if (end < 0) return -1;
      i = end;
    } else if (c === '"') return i;
  }
  return -1;
}

/** Backslashes right before `at` (an odd count escapes the character at `at`). */
function escapedAt(text, at) {
  let n = 0;
  for (let i = at - 1; i >= 0 && text[i] === "\\"; i--) n++;
  return n % 2 === 1;
}

/** `"${expr}"` -> `expr` wherever a string literal is exactly one interpolation. */
export function unwrapInterpolationOnly(text) {
  let out = "";
  let from = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] !== '"') continue;
    if (escapedAt(text, i)) continue;
    const close = stringEnd(text, i);
    if (close < 0) continue;
    if (text[i + 1] === "$" && text[i + 2] === "{") {
      const end = interpolationEnd(text, i + 1);
      if (end === close - 1) {
        out += text.slice(from, i) + text.slice(i + 3, end);
        from = close + 1;
      }
    }
    i = close;
  }
  return out + text.slice(from);
}
