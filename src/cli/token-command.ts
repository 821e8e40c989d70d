import { parseArgs } from 'node:util';
import { mintStaffToken, parseDuration } from '../auth/mint-staff-token.js';
import { roleNames, rolesFromClaim } from '../auth/staff-principal.js';
import { withDevelopmentSecret } from '../entry/dev-secret.js';
import { loadConfig, UsageError, type Command } from './main.js';

export const tokenCommand: Command = {
  summary: 'mint a staff token: --sub alice --role sre [--role dpo] [--ttl 8h]',
  async run(args, env) {
    const { values } = parseArgs({
      args,
      options: {
        sub: { type: 'string' },
        role: { type: 'string', multiple: true },
        ttl: { type: 'string', default: '8h' },
      },
      strict: true,
    });
    if (!values.sub) throw new UsageError('token: --sub is required');
    const requested = (values.role ?? []).flatMap((role) => role.split(','));
    const roles = rolesFromClaim(requested);
    if (roles.length === 0 || roles.length !== requested.length) {
      throw new UsageError(`token: --role must be one or more of ${roleNames.join(', ')}`);
    }
    const ttlSeconds = parseDuration(values.ttl);
    if (!ttlSeconds || ttlSeconds > 30 * 86400) throw new UsageError('token: --ttl must look like 90s, 30m, 8h or 2d (at most 30d)');
    const base = loadConfig(env);
    if (base.jwt.jwksUrl) throw new UsageError('token: tokens come from your identity provider when VIGIE_JWKS_URL is set');
    const { config } = await withDevelopmentSecret(base);
    const token = await mintStaffToken({
      secret: config.jwt.secret as string,
      issuer: config.jwt.issuer,
      audience: config.jwt.audience,
      rolesClaim: config.jwt.rolesClaim,
      subject: values.sub,
      roles,
      ttlSeconds,
    });
    console.log(token);
  },
};
