import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../src/config.js';

const refused = (env: Record<string, string>) => {
  try {
    parseConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('configuration was accepted');
};

describe('configuration', () => {
  it('has defaults for a fresh machine', () => {
    const config = parseConfig({});
    expect(config.port).toBe(8080);
    expect(config.dataDir).toBe('./.vigie');
    expect(config.timeZone).toBe('Europe/Paris');
    expect(config.adminPrefix).toBe('/_vigie');
    expect(config.databaseUrl).toBeUndefined();
    expect(config.jwt.algorithms).toEqual(['HS256']);
    expect(config.audit.asyncFlushMs).toBe(20);
  });

  it('pins asymmetric algorithms for a JWKS', () => {
    const config = parseConfig({ VIGIE_JWKS_URL: 'https://id.example/jwks.json' });
    expect(config.jwt.algorithms).not.toContain('HS256');
  });

  it.each([
    [{ PORT: 'abc' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ VIGIE_TIMEZONE: 'Europe/Pariss' }, 'VIGIE_TIMEZONE'],
    [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL'],
    [{ VIGIE_JWT_SECRET: 'short' }, 'VIGIE_JWT_SECRET'],
    [{ VIGIE_JWKS_URL: 'not a url' }, 'VIGIE_JWKS_URL'],
    [{ VIGIE_ADMIN_PREFIX: 'admin/' }, 'VIGIE_ADMIN_PREFIX'],
    [{ VIGIE_LOG_LEVEL: 'loud' }, 'VIGIE_LOG_LEVEL'],
    [{ VIGIE_AUDIT_ASYNC_FLUSH_MS: '-1' }, 'VIGIE_AUDIT_ASYNC_FLUSH_MS'],
    [{ VIGIE_JWT_SECRET: 'x'.repeat(40), VIGIE_JWKS_URL: 'https://id.example/jwks' }, 'VIGIE_JWKS_URL'],
    [{ VIGIE_JWKS_URL: 'https://id.example/jwks', VIGIE_JWT_ALGORITHMS: 'HS256' }, 'VIGIE_JWT_ALGORITHMS'],
  ])('refuses %j with one line naming %s', (env, variable) => {
    const message = refused(env);
    expect(message).toMatch(new RegExp(`^configuration error: ${variable} `));
    expect(message).not.toContain('\n');
  });

  it('never repeats a secret value in its message', () => {
    const message = refused({ VIGIE_JWT_SECRET: 'hunter2-secret' });
    expect(message).not.toContain('hunter2');
  });
});
