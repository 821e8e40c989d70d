import { SignJWT } from 'jose';

/** The end-user token secret of the access-log bench's services (a bench value, never a deployment's). */
export const benchPrincipalSecret = 'bench-principal-secret-of-at-least-32-characters';

/**
 * One end-user token per bench person (`sub` p1…pN, valid an hour), for the load generator: each request
 * reads the person its token names, as a user reading their own data does.
 */
export async function benchTokens(people: number): Promise<string[]> {
  const key = new TextEncoder().encode(benchPrincipalSecret);
  const expires = Math.floor(Date.now() / 1000) + 3600;
  const tokens: string[] = [];
  for (let i = 1; i <= people; i++) tokens.push(await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject(`p${i}`).setExpirationTime(expires).sign(key));
  return tokens;
}
