import { createRemoteJWKSet, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import type { Config } from '../../config.js';
import { claimAt } from '../../auth/staff-principal.js';
import { randomToken } from '../session/tokens.js';

export type OidcSettings = NonNullable<Config['console']['oidc']>;

/** The provider's metadata (OpenID Connect Discovery 1.0), the fields Vigie uses. */
export interface ProviderMetadata {
  issuer: string;
  authorization_endpoint: string;
  token_endpoint: string;
  jwks_uri: string;
  userinfo_endpoint?: string;
  id_token_signing_alg_values_supported?: string[];
}

/** Sign-in failures: the message names the check that failed, never a token or a claim's value. */
export class OidcError extends Error {
  override name = 'OidcError';
}

const asymmetric = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];
const cache = new Map<string, { metadata: ProviderMetadata; keys: JWTVerifyGetKey; at: number }>();

/**
 * Reads the issuer's discovery document (cached an hour per issuer). Its `issuer` must be the configured one,
 * character for character (Discovery §4.3): for Entra ID, configure the tenant's own issuer
 * (https://login.microsoftonline.com/<tenant id>/v2.0), not /common, whose document names a placeholder.
 */
export async function discover(issuer: string, now = Date.now()): Promise<{ metadata: ProviderMetadata; keys: JWTVerifyGetKey }> {
  const known = cache.get(issuer);
  if (known && now - known.at < 3_600_000) return known;
  const url = `${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`;
  let metadata: ProviderMetadata;
  try {
    const res = await fetch(url, { headers: { Accept: 'application/json' }, signal: AbortSignal.timeout(5000) });
    if (!res.ok) throw new OidcError(`the discovery document answered ${res.status}`);
    metadata = (await res.json()) as ProviderMetadata;
  } catch (error) {
    throw error instanceof OidcError ? error : new OidcError('the identity provider could not be reached');
  }
  if (metadata.issuer !== issuer) throw new OidcError('the discovery document names another issuer than VIGIE_OIDC_ISSUER');
  for (const field of ['authorization_endpoint', 'token_endpoint', 'jwks_uri'] as const) {
    if (typeof metadata[field] !== 'string') throw new OidcError(`the discovery document has no ${field}`);
  }
  const entry = { metadata, keys: createRemoteJWKSet(new URL(metadata.jwks_uri), { cooldownDuration: 30_000, timeoutDuration: 5_000 }), at: now };
  cache.set(issuer, entry);
  return entry;
}

/** What the browser keeps (in a signed, short-lived cookie) between leaving for the provider and coming back. */
export interface PendingSignIn {
  state: string;
  nonce: string;
  verifier: string;
  returnTo: string;
}

async function challengeOf(verifier: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier)));
  return btoa(String.fromCharCode(...digest)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** The authorization request: code flow, PKCE (S256), state and nonce; ACR values when configured (ProConnect: eidas1). */
export async function startSignIn(settings: OidcSettings, redirectUri: string, returnTo: string): Promise<{ url: string; pending: PendingSignIn }> {
  const { metadata } = await discover(settings.issuer);
  const pending: PendingSignIn = { state: randomToken(), nonce: randomToken(), verifier: randomToken(48), returnTo };
  const url = new URL(metadata.authorization_endpoint);
  const params: Record<string, string> = {
    response_type: 'code',
    client_id: settings.clientId,
    redirect_uri: redirectUri,
    scope: settings.scopes,
    state: pending.state,
    nonce: pending.nonce,
    code_challenge: await challengeOf(pending.verifier),
    code_challenge_method: 'S256',
  };
  if (settings.acrValues) params.acr_values = settings.acrValues;
  for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
  return { url: url.toString(), pending };
}

export interface SignedInPerson {
  subject: string;
  name: string | undefined;
  roles: unknown;
}

async function exchangeCode(settings: OidcSettings, metadata: ProviderMetadata, code: string, redirectUri: string, verifier: string) {
  const body = new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: redirectUri, code_verifier: verifier });
  const headers: Record<string, string> = { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' };
  if (settings.clientSecret && settings.tokenAuth === 'client_secret_basic') {
    headers.Authorization = `Basic ${btoa(`${encodeURIComponent(settings.clientId)}:${encodeURIComponent(settings.clientSecret)}`)}`;
  } else {
    body.set('client_id', settings.clientId);
    if (settings.clientSecret) body.set('client_secret', settings.clientSecret);
  }
  let res: Response;
  try {
    res = await fetch(metadata.token_endpoint, { method: 'POST', headers, body, signal: AbortSignal.timeout(10_000) });
  } catch {
    throw new OidcError('the token endpoint could not be reached');
  }
  const tokens = (await res.json().catch(() => ({}))) as { id_token?: string; access_token?: string; error?: string };
  if (!res.ok) throw new OidcError(`the token endpoint refused the code (${typeof tokens.error === 'string' ? tokens.error.slice(0, 60) : res.status})`);
  if (typeof tokens.id_token !== 'string') throw new OidcError('the token endpoint returned no id_token');
  return tokens as { id_token: string; access_token?: string };
}

function algorithmsOf(metadata: ProviderMetadata): string[] {
  const offered = metadata.id_token_signing_alg_values_supported ?? ['RS256'];
  // Symmetric signatures (keyed with the client secret) and "none" are not accepted.
  const usable = offered.filter((alg) => asymmetric.includes(alg));
  return usable.length > 0 ? usable : ['RS256'];
}

/** Userinfo as JSON, or as a signed JWT (ProConnect answers application/jwt), checked like the id_token. */
async function readUserinfo(metadata: ProviderMetadata, keys: JWTVerifyGetKey, settings: OidcSettings, accessToken: string): Promise<JWTPayload> {
  let res: Response;
  try {
    res = await fetch(metadata.userinfo_endpoint!, { headers: { Authorization: `Bearer ${accessToken}`, Accept: 'application/json, application/jwt' }, signal: AbortSignal.timeout(10_000) });
  } catch {
    throw new OidcError('the userinfo endpoint could not be reached');
  }
  if (!res.ok) throw new OidcError(`the userinfo endpoint answered ${res.status}`);
  if ((res.headers.get('content-type') ?? '').startsWith('application/jwt')) {
    const jwt = (await res.text()).trim();
    try {
      const { payload } = await jwtVerify(jwt, keys, { issuer: metadata.issuer, audience: settings.clientId, algorithms: algorithmsOf(metadata) });
      return payload;
    } catch {
      throw new OidcError('the signed userinfo did not verify');
    }
  }
  return (await res.json()) as JWTPayload;
}

const nameOf = (claims: JWTPayload): string | undefined => {
  const text = (value: unknown) => (typeof value === 'string' && value.trim() ? value.trim() : undefined);
  const given = text(claims.given_name);
  // ProConnect says usual_name for the family name.
  const family = text(claims.family_name) ?? text(claims.usual_name);
  return text(claims.name) ?? (given && family ? `${given} ${family}` : undefined) ?? text(claims.email) ?? text(claims.preferred_username);
};

/**
 * The callback: state checked against what the browser kept, the code exchanged with its PKCE verifier, the
 * id_token verified with jose (signature from the provider's JWKS, issuer, audience, expiry, nonce, azp, ACR),
 * and the roles read from the claim VIGIE_JWT_ROLES_CLAIM names (a dotted path such as realm_access.roles),
 * in the id_token or else in userinfo.
 */
export async function finishSignIn(
  settings: OidcSettings,
  query: { code?: string | undefined; state?: string | undefined; error?: string | undefined },
  pending: PendingSignIn,
  redirectUri: string,
  rolesClaim: string,
): Promise<SignedInPerson> {
  if (query.error) throw new OidcError(`the identity provider answered ${query.error.slice(0, 60)}`);
  if (!query.state || query.state !== pending.state) throw new OidcError('the state does not match this browser’s sign-in');
  if (!query.code) throw new OidcError('the identity provider returned no code');
  const { metadata, keys } = await discover(settings.issuer);
  const tokens = await exchangeCode(settings, metadata, query.code, redirectUri, pending.verifier);
  let claims: JWTPayload;
  try {
    ({ payload: claims } = await jwtVerify(tokens.id_token, keys, { issuer: metadata.issuer, audience: settings.clientId, algorithms: algorithmsOf(metadata), maxTokenAge: '10 minutes' }));
  } catch {
    throw new OidcError('the id_token did not verify (signature, issuer, audience or time)');
  }
  if (claims.nonce !== pending.nonce) throw new OidcError('the id_token’s nonce does not match');
  if (Array.isArray(claims.aud) && claims.aud.length > 1 && claims.azp !== settings.clientId) throw new OidcError('the id_token was issued to another client (azp)');
  if (typeof claims.sub !== 'string' || !claims.sub) throw new OidcError('the id_token has no subject');
  if (settings.acrValues && !settings.acrValues.split(' ').includes(String(claims.acr))) throw new OidcError('the sign-in level (acr) is not one of VIGIE_OIDC_ACR_VALUES');
  let roles = claimAt(claims, rolesClaim);
  let name = nameOf(claims);
  if ((roles === undefined || name === undefined) && metadata.userinfo_endpoint && tokens.access_token) {
    const info = await readUserinfo(metadata, keys, settings, tokens.access_token);
    if (info.sub !== claims.sub) throw new OidcError('userinfo names another subject than the id_token');
    roles ??= claimAt(info, rolesClaim);
    name ??= nameOf(info);
  }
  return { subject: claims.sub, name, roles };
}
