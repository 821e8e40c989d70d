/**
 * The hashing the access log needs. The core uses WebCrypto (Node and Workers both have it); the Node
 * entry passes a synchronous node:crypto implementation, which costs far less per request.
 */
export interface AuditCrypto {
  sha256Hex(text: string): string | Promise<string>;
  /** HMAC-SHA256 with the audit key, for a purpose ("client", "session", "checkpoint"). */
  hmacHex(purpose: string, text: string): string | Promise<string>;
}

const encoder = new TextEncoder();
const toHex = (buffer: ArrayBuffer): string => {
  const bytes = new Uint8Array(buffer);
  let hex = '';
  for (const byte of bytes) hex += byte.toString(16).padStart(2, '0');
  return hex;
};

export function createWebAuditCrypto(key: string): AuditCrypto {
  const keys = new Map<string, Promise<CryptoKey>>();
  const keyFor = (purpose: string) => {
    let found = keys.get(purpose);
    if (!found) {
      // One key per purpose, derived from the audit key, so that a client HMAC can never pass for a signature.
      found = crypto.subtle.importKey('raw', encoder.encode(`${purpose}:${key}`), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
      keys.set(purpose, found);
    }
    return found;
  };
  return {
    async sha256Hex(text) {
      return toHex(await crypto.subtle.digest('SHA-256', encoder.encode(text)));
    },
    async hmacHex(purpose, text) {
      return toHex(await crypto.subtle.sign('HMAC', await keyFor(purpose), encoder.encode(text)));
    },
  };
}

/**
 * A bounded memo for keyed hashes of values that repeat (client addresses, session cookies). A known value is
 * answered synchronously: no promise on the request path when the hash is already known.
 */
export function memoize(limit: number, compute: (value: string) => string | Promise<string>) {
  const cache = new Map<string, string>();
  const keep = (value: string, computed: string) => {
    if (cache.size >= limit) cache.clear();
    cache.set(value, computed);
    return computed;
  };
  return (value: string): string | Promise<string> => {
    const known = cache.get(value);
    if (known !== undefined) return known;
    const computed = compute(value);
    return typeof computed === 'string' ? keep(value, computed) : computed.then((hex) => keep(value, hex));
  };
}
