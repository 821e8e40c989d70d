import { mintStaffToken, parseDuration } from '../auth/mint-staff-token.js';
import { roleNames, rolesFromClaim } from '../auth/staff-principal.js';
import { withDevelopmentSecret } from '../entry/dev-secret.js';
import { loadConfig } from './config.js';
import { defineCommand, UsageError } from './spec.js';

export const tokenCommand = defineCommand({
  name: 'token',
  summary: 'mint a staff token signed with the local key (VIGIE_JWT_SECRET, or VIGIE_DATA_DIR/jwt-secret)',
  options: {
    sub: { type: 'string', value: 'NAME', description: 'who holds the token (recorded as the actor of what they do)', required: true },
    role: { type: 'string', value: 'ROLE', multiple: true, description: `a role: ${roleNames.join(', ')} (comma-separated or repeated)`, required: true },
    ttl: { type: 'string', value: 'DURATION', description: 'lifetime: 90s, 30m, 8h or 2d (at most 30d)', default: '8h' },
  },
  notes: ['Example: curl -H "Authorization: Bearer $(npx vigie token --sub alice --role dpo)" localhost:8080/_vigie/whoami'],
  async run({ values, env }) {
    const requested = values.role.flatMap((role) => role.split(','));
    const roles = rolesFromClaim(requested);
    if (roles.length === 0 || roles.length !== requested.length) throw new UsageError(`--role must be one or more of ${roleNames.join(', ')}`);
    const ttlSeconds = parseDuration(values.ttl);
    if (!ttlSeconds || ttlSeconds > 30 * 86400) throw new UsageError('--ttl must look like 90s, 30m, 8h or 2d (at most 30d)');
    const base = loadConfig(env);
    if (base.jwt.jwksUrl) throw new UsageError('tokens come from your identity provider when VIGIE_JWKS_URL is set');
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
});
