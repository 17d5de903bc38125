/**
 * GitHub Actions workflow commands (`::add-mask::`, `::error …::`): their values escape %, CR and LF the way the
 * runner reads them. The one escaper for rotate's masking and the scan Action.
 */
export function escapeCommandValue(value: string): string {
  return value.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}
