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

/** Why a webhook was refused, or 'ok'. The reasons are counted apart (metrics), never told apart to the sender. */
export type SignatureVerdict = 'ok' | 'missing' | 'malformed' | 'stale' | 'wrong' | 'replayed';

/** The verdict on a header for this exact body, made within the tolerance of `now`. */
export async function checkSignature(secret: string, body: string, header: string | undefined, now: Date): Promise<SignatureVerdict> {
  if (!header) return 'missing';
  const parts = Object.fromEntries(header.split(',').map((part) => part.trim().split('=', 2) as [string, string]));
  const t = Number(parts.t);
  const given = parts.v1;
  if (!Number.isInteger(t) || !given || !/^[0-9a-f]{64}$/.test(given)) return 'malformed';
  if (Math.abs(now.getTime() / 1000 - t) > toleranceSeconds) return 'stale';
  return sameHex(await hmacHex(secret, `${t}.${body}`), given) ? 'ok' : 'wrong';
}

/** True when the header carries a valid signature of this exact body, made within the tolerance of `now`. */
export async function verifySignature(secret: string, body: string, header: string | undefined, now: Date): Promise<boolean> {
  return (await checkSignature(secret, body, header, now)) === 'ok';
}

/**
 * Signatures already accepted, for as long as they could still pass the timestamp check: the same signed
 * request sent again (a replay by whoever saw it pass) is refused. Per process: another instance would apply
 * it again, which changes nothing (reports are idempotent), so this is about counting the attempt.
 */
export type ReplayGuard = ReturnType<typeof createReplayGuard>;

export function createReplayGuard(windowMs = (toleranceSeconds + 60) * 1000, limit = 100_000) {
  const seen = new Map<string, number>();
  return {
    /** True the first time a signature is offered within the window; false for a replay. */
    accept(signature: string, nowMs: number): boolean {
      if (seen.size >= limit || seen.size % 1024 === 0) for (const [key, until] of seen) if (until <= nowMs) seen.delete(key);
      const until = seen.get(signature);
      if (until !== undefined && until > nowMs) return false;
      if (seen.size >= limit) seen.delete(seen.keys().next().value as string);
      seen.set(signature, nowMs + windowMs);
      return true;
    },
  };
}

/** Webhooks refused since the process started, by kind ("receipts", "bounces") and verdict: the metrics read it. */
export const refusedSignatures: Record<string, number> = {};

export function countRefusal(kind: string, verdict: Exclude<SignatureVerdict, 'ok'>): void {
  const key = `${kind}|${verdict}`;
  refusedSignatures[key] = (refusedSignatures[key] ?? 0) + 1;
}
