/** `owner/name` as GitHub spells a repository: letters, digits, `_`, `.`, `-`; neither part `.` or `..`. */
export function isRepositoryName(value: unknown): value is string {
  if (typeof value !== "string" || value.length > 200) return false;
  const parts = value.split("/");
  return parts.length === 2 && parts.every((p) => /^[A-Za-z0-9_.-]{1,100}$/.test(p) && p !== "." && p !== "..");
}
