/**
 * The maintenance bypass cookie (like Laravel's `down --secret`): `v1.<expiry>.<HMAC-SHA256>`, signed
 * with the configured key, HttpOnly, SameSite=Lax, time-limited. Tampered or expired values are refused.
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

const signedText = (expiresAt: number) => `vigie-maintenance-bypass.v1.${expiresAt}`;

/** A cookie value valid until `expiresAt` (epoch seconds). */
export async function signBypassCookie(secret: string, expiresAt: number): Promise<string> {
  const signature = await crypto.subtle.sign('HMAC', await hmacKey(secret), encoder.encode(signedText(expiresAt)));
  return `v1.${expiresAt}.${toBase64Url(new Uint8Array(signature))}`;
}

/** True only for an untampered value whose expiry is after `nowMs` and no further than `maxTtlSeconds` ahead. */
export async function verifyBypassCookie(secret: string, value: string, nowMs: number, maxTtlSeconds: number): Promise<boolean> {
  const match = /^v1\.(\d{1,12})\.([A-Za-z0-9_-]{43})$/.exec(value);
  if (!match) return false;
  const expiresAt = Number(match[1]);
  const now = nowMs / 1000;
  if (expiresAt <= now || expiresAt > now + maxTtlSeconds + 60) return false;
  const signature = fromBase64Url(match[2] as string);
  if (!signature) return false;
  // crypto.subtle.verify compares in constant time.
  return crypto.subtle.verify('HMAC', await hmacKey(secret), signature as Uint8Array<ArrayBuffer>, encoder.encode(signedText(expiresAt)));
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
