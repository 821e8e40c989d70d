/**
 * A return URL is followed only when it stays inside the console: a path (no scheme, no host, no `//` or `\`
 * that a browser would read as another host) under `<prefix>/console`. Anything else goes to the console's
 * first page. The check runs on the URL as the browser would resolve it, not on the text.
 */
export function safeReturnPath(value: string | undefined | null, consoleBase: string): string {
  if (!value || value.length > 2000 || !value.startsWith('/') || value.startsWith('//') || /[\\\u0000-\u001f]/.test(value)) return consoleBase;
  let url: URL;
  try {
    url = new URL(value, 'http://vigie.invalid');
  } catch {
    return consoleBase;
  }
  if (url.origin !== 'http://vigie.invalid') return consoleBase;
  if (url.pathname !== consoleBase && !url.pathname.startsWith(`${consoleBase}/`)) return consoleBase;
  return `${url.pathname}${url.search}`;
}
