import { roleNames } from '../auth/staff-principal.js';
import { connectionOptions, withConnection } from './connect.js';
import { defineCommand, UsageError } from './spec.js';

export const loginLinkCommand = defineCommand({
  name: 'login-link',
  summary: 'a one-time console login link for someone (valid 5 minutes, usable once): POST /auth/login-links',
  options: {
    sub: { type: 'string', value: 'NAME', required: true, description: 'who signs in' },
    role: { type: 'string', value: 'ROLE', multiple: true, required: true, description: `their roles: ${roleNames.join(', ')} (comma-separated or repeated)` },
    ...connectionOptions,
  },
  notes: ['Asked as the holder of --token, role admin: npx vigie login-link --sub alice --role dpo --url http://localhost:8080 --token $(npx vigie token --sub me --role admin)'],
  run: ({ values, env }) => {
    const roles = values.role.flatMap((r) => r.split(',')).map((r) => r.trim());
    const unknown = roles.filter((r) => !(roleNames as readonly string[]).includes(r));
    if (unknown.length > 0) throw new UsageError(`--role must be one or more of ${roleNames.join(', ')}`);
    return withConnection(values, env, async ({ client, config }) => {
      const link = await client.request<{ url: string; expiresAt: string }>('POST', `${config.adminPrefix}/auth/login-links`, { subject: values.sub, roles });
      console.log(link.url);
      console.error(`for ${values.sub} (${roles.join(', ')}), usable once until ${link.expiresAt}`);
    });
  },
});
