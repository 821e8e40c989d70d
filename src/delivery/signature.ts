/**
 * HMAC-SHA256 signatures of receipt webhooks, with Web Crypto (Node and Workers alike). The header is
 * `Vigie-Signature: t=<unix seconds>,v1=<hex HMAC of "<t>.<raw body>">`; the timestamp bounds replays.
 */
export const signatureHeader = 'vigie-signature';
const toleranceSeconds = 300;

const encoder = new TextEncoder();

async function hmacHex(secret: string, payload: string): Promise<string> {
  const key = await crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, encoder.encode(payload)));
  return Array.from(mac, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

export async function signPayload(secret: string, body: string, at: Date): Promise<string> {
  const t = Math.floor(at.getTime() / 1000);
  return `t=${t},v1=${await hmacHex(secret, `${t}.${body}`)}`;
}

/** Constant-time comparison of two hex strings of the expected length. */
function sameHex(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

/** True when the header carries a valid signature of this exact body, made within the tolerance of `now`. */
export async function verifySignature(secret: string, body: string, header: string | undefined, now: Date): Promise<boolean> {
  if (!header) return false;
  const parts = Object.fromEntries(header.split(',').map((part) => part.trim().split('=', 2) as [string, string]));
  const t = Number(parts.t);
  const given = parts.v1;
  if (!Number.isInteger(t) || !given || !/^[0-9a-f]{64}$/.test(given)) return false;
  if (Math.abs(now.getTime() / 1000 - t) > toleranceSeconds) return false;
  return sameHex(await hmacHex(secret, `${t}.${body}`), given);
}
