/**
 * The maintenance bypass cookie (like Laravel's `down --secret`): `v2.<window ids>.<expiry>.<HMAC-SHA256>`,
 * signed with the configured key, HttpOnly, SameSite=Lax, time-limited. It lets its holder past the windows
 * whose links were opened, and no other: a tester's cookie from a planned window must not open an
 * emergency window declared later. Tampered, expired and v1 (every-window) values are refused.
 * WebCrypto only, so that it runs on Node and Workers alike.
 */
export const bypassCookieName = 'vigie_maintenance_bypass';

const encoder = new TextEncoder();
const keys = new Map<string, Promise<CryptoKey>>();

function hmacKey(secret: string): Promise<CryptoKey> {
  let key = keys.get(secret);
  if (!key) {
    key = crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);
    keys.set(secret, key);
  }
  return key;
}

const toBase64Url = (bytes: Uint8Array) =>
  btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');

function fromBase64Url(text: string): Uint8Array | undefined {
  if (!/^[A-Za-z0-9_-]+$/.test(text)) return undefined;
  try {
    const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
    return Uint8Array.from(binary, (char) => char.charCodeAt(0));
  } catch {
    return undefined;
  }
}

/** Most windows one cookie names (a tester given several links); beyond, the oldest are dropped. */
export const maxBypassWindows = 8;
const windowId = /^[A-Za-z0-9-]{1,64}$/;
const signedText = (windows: string, expiresAt: number) => `vigie-maintenance-bypass.v2.${windows}.${expiresAt}`;

/** A cookie value that lets its holder past these windows until `expiresAt` (epoch seconds). */
export async function signBypassCookie(secret: string, windowIds: readonly string[], expiresAt: number): Promise<string> {
  const ids = [...new Set(windowIds)].slice(-maxBypassWindows);
  if (ids.length === 0 || !ids.every((id) => windowId.test(id))) throw new Error('bypass cookie: window ids must be 1–64 letters, digits or hyphens');
  const windows = ids.join('~');
  const signature = await crypto.subtle.sign('HMAC', await hmacKey(secret), encoder.encode(signedText(windows, expiresAt)));
  return `v2.${windows}.${expiresAt}.${toBase64Url(new Uint8Array(signature))}`;
}

/**
 * The windows an untampered value lets through, if its expiry is after `nowMs` and no further than
 * `maxTtlSeconds` ahead; otherwise undefined.
 */
export async function verifyBypassCookie(secret: string, value: string, nowMs: number, maxTtlSeconds: number): Promise<string[] | undefined> {
  const match = /^v2\.([A-Za-z0-9~-]{1,600})\.(\d{1,12})\.([A-Za-z0-9_-]{43})$/.exec(value);
  if (!match) return undefined;
  const windows = match[1] as string;
  const expiresAt = Number(match[2]);
  const now = nowMs / 1000;
  if (expiresAt <= now || expiresAt > now + maxTtlSeconds + 60) return undefined;
  const signature = fromBase64Url(match[3] as string);
  if (!signature) return undefined;
  // crypto.subtle.verify compares in constant time.
  const valid = await crypto.subtle.verify('HMAC', await hmacKey(secret), signature as Uint8Array<ArrayBuffer>, encoder.encode(signedText(windows, expiresAt)));
  return valid ? windows.split('~') : undefined;
}

export function bypassCookieHeader(value: string, maxAgeSeconds: number, secure: boolean): string {
  return `${bypassCookieName}=${value}; Max-Age=${maxAgeSeconds}; Path=/; HttpOnly; SameSite=Lax${secure ? '; Secure' : ''}`;
}

/** The bypass cookie's value from a Cookie header, without parsing the others. */
export function readBypassCookie(cookieHeader: string | null | undefined): string | undefined {
  if (!cookieHeader) return undefined;
  for (const part of cookieHeader.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === bypassCookieName) return part.slice(eq + 1).trim();
  }
  return undefined;
}
