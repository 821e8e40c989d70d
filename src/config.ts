import { z } from 'zod';

/** Roles of the people who use Vigie (staff tokens). */
export const roleNames = ['sre', 'dpo', 'comms', 'auditor', 'admin'] as const;

const isTimeZone = (zone: string): boolean => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
};

const list = z
  .string()
  .transform((value) => value.split(',').map((item) => item.trim()).filter(Boolean));

const optionalUrl = z.string().trim().pipe(z.url({ message: 'must be an absolute URL' })).optional();

/**
 * Every setting Vigie reads, parsed once at the boundary (design.md, convention 2).
 * Keys are the environment variable names so that an error names the variable.
 */
export const configSchema = z
  .object({
    PORT: z.coerce
      .number({ message: 'must be a number' })
      .int('must be an integer')
      .min(1, 'must be between 1 and 65535')
      .max(65535, 'must be between 1 and 65535')
      .default(8080),
    HOST: z.string().min(1).default('0.0.0.0'),
    DATABASE_URL: z
      .string()
      .trim()
      .regex(/^postgres(ql)?:\/\//, 'must start with postgres:// or postgresql://')
      .optional(),
    DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(1000).default(10),
    VIGIE_DATA_DIR: z.string().min(1).default('./.vigie'),
    VIGIE_TIMEZONE: z.string().refine(isTimeZone, 'is not a known IANA time zone').default('Europe/Paris'),
    VIGIE_ADMIN_PREFIX: z
      .string()
      .regex(/^\/[A-Za-z0-9_\-/]*[A-Za-z0-9_-]$/, 'must start with / and not end with /')
      .default('/_vigie'),
    VIGIE_JWT_SECRET: z.string().min(32, 'must be at least 32 characters (HS256 key)').optional(),
    VIGIE_JWKS_URL: optionalUrl,
    VIGIE_JWT_ISSUER: z.string().min(1).default('vigie'),
    VIGIE_JWT_AUDIENCE: z.string().min(1).default('vigie'),
    VIGIE_JWT_ALGORITHMS: list.optional(),
    VIGIE_JWT_ROLES_CLAIM: z.string().min(1).default('roles'),
    VIGIE_LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
  })
  .superRefine((value, ctx) => {
    if (value.VIGIE_JWT_SECRET && value.VIGIE_JWKS_URL) {
      ctx.addIssue({ code: 'custom', path: ['VIGIE_JWKS_URL'], message: 'set either VIGIE_JWT_SECRET or VIGIE_JWKS_URL, not both' });
    }
  })
  .transform((value) => ({
    port: value.PORT,
    host: value.HOST,
    databaseUrl: value.DATABASE_URL,
    databasePoolSize: value.DATABASE_POOL_SIZE,
    dataDir: value.VIGIE_DATA_DIR,
    timeZone: value.VIGIE_TIMEZONE,
    adminPrefix: value.VIGIE_ADMIN_PREFIX,
    logLevel: value.VIGIE_LOG_LEVEL,
    jwt: {
      secret: value.VIGIE_JWT_SECRET,
      jwksUrl: value.VIGIE_JWKS_URL,
      issuer: value.VIGIE_JWT_ISSUER,
      audience: value.VIGIE_JWT_AUDIENCE,
      // Pinned: HS256 for a shared secret, asymmetric algorithms only for a JWKS (no alg confusion).
      algorithms: value.VIGIE_JWT_ALGORITHMS ?? (value.VIGIE_JWKS_URL ? ['RS256', 'ES256', 'EdDSA'] : ['HS256']),
      rolesClaim: value.VIGIE_JWT_ROLES_CLAIM,
    },
  }))
  .superRefine((config, ctx) => {
    const symmetric = config.jwt.algorithms.filter((alg) => alg.startsWith('HS'));
    if (config.jwt.jwksUrl && symmetric.length > 0) {
      ctx.addIssue({ code: 'custom', path: ['VIGIE_JWT_ALGORITHMS'], message: 'HS* algorithms cannot be used with a JWKS' });
    }
    if (config.jwt.secret && symmetric.length !== config.jwt.algorithms.length) {
      ctx.addIssue({ code: 'custom', path: ['VIGIE_JWT_ALGORITHMS'], message: 'only HS256/HS384/HS512 can be used with VIGIE_JWT_SECRET' });
    }
  });

export type Config = z.output<typeof configSchema>;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/**
 * Parses the environment into a Config. Throws a ConfigError whose message is one line naming the
 * variable and the reason; never the value (it may be a secret).
 */
export function parseConfig(env: Record<string, string | undefined>): Config {
  const relevant = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const result = configSchema.safeParse(relevant);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const name = issue?.path[0] ?? 'configuration';
  throw new ConfigError(`configuration error: ${String(name)} ${issue?.message ?? 'is invalid'}`);
}
