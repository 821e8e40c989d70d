import { vigieResponseHeaders } from '../audit/declarations.js';

/** Hop-by-hop headers (RFC 9110 §7.6.1): they concern one connection and are never forwarded. */
export const hopByHop = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer', 'upgrade']);

/** Headers named in a Connection header are hop-by-hop too. */
export function connectionTokens(value: string | string[] | null | undefined): string[] {
  if (!value) return [];
  return (Array.isArray(value) ? value.join(',') : value)
    .split(',')
    .map((token) => token.trim().toLowerCase())
    .filter(Boolean);
}

const responseStripped = new Set<string>([...hopByHop, ...vigieResponseHeaders]);

/** Whether a response header from the origin must not reach the client. */
export const strippedFromResponse = (name: string): boolean => responseStripped.has(name);

/** Appends the client address to X-Forwarded-For, as proxies do. */
export function forwardedFor(previous: string | string[] | null | undefined, client: string | undefined): string | undefined {
  const before = Array.isArray(previous) ? previous.join(', ') : previous;
  if (!client) return before ?? undefined;
  return before ? `${before}, ${client}` : client;
}
