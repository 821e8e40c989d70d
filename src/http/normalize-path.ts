/**
 * The path as the service behind Vigie will resolve it, computed once per request and used both for the
 * maintenance decision and for the access log's `route` (issue 20): what is stopped and what is recorded
 * are the same path. Every percent-escape is decoded once (including %2F and %5C: a service that decodes
 * them before routing must not be reached past a window, and one that does not is stopped too — fail
 * closed), backslashes count as slashes (as IIS and some frameworks read them), repeated slashes collapse,
 * `.` and `..` segments are resolved, and with `caseInsensitive` (VIGIE_PATHS_CASE_INSENSITIVE, an origin
 * whose routes ignore case) the result is lower-cased. Decoding happens exactly once, as the origin does:
 * `%252F` stays the text `%2F`.
 */
export function normalizePath(raw: string, caseInsensitive = false): string {
  // Fast path: the plain paths of nearly every request come back as they are.
  let path = /%|\/\/|\/\.|\\/.test(raw) ? resolve(decodeOnce(raw)) : raw;
  if (caseInsensitive) path = path.toLowerCase();
  return path;
}

function decodeOnce(path: string): string {
  return path.replace(/(%[0-9A-Fa-f]{2})+/g, (run) => {
    try {
      return decodeURIComponent(run);
    } catch {
      // Not UTF-8: decode byte by byte as Latin-1, so that no escape is left for a second reading.
      return run.replace(/%([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
    }
  });
}

function resolve(path: string): string {
  const decoded = path.replace(/\\/g, '/');
  const out: string[] = [];
  for (const segment of decoded.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') out.pop();
    else out.push(segment);
  }
  return `/${out.join('/')}${decoded.endsWith('/') && out.length > 0 ? '/' : ''}`;
}
