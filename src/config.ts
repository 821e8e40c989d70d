import { z } from 'zod';
import { buildCategoryMap, parseCategoryMapSetting } from './breaches/category-map.js';
import { parseNetwork } from './maintenance/cidr.js';
import { isKnownZone } from './time/zoned.js';

/** Roles of the people who use Vigie (staff tokens). */
export const roleNames = ['sre', 'dpo', 'comms', 'auditor', 'admin'] as const;

const list = z
  .string()
  .transform((value) => value.split(',').map((item) => item.trim()).filter(Boolean));

const optionalUrl = z.string().trim().pipe(z.url({ message: 'must be an absolute URL' })).optional();

/**
 * Every setting Vigie reads, parsed once at the boundary (docs/architecture.md, convention 2).
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
    VIGIE_TIMEZONE: z.string().refine(isKnownZone, 'is not a known IANA time zone').default('Europe/Paris'),
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
    VIGIE_DELIVERY_WORKER: z.enum(['true', 'false'], { message: 'must be true or false' }).default('true'),
    VIGIE_SMTP_URL: z.string().trim().regex(/^smtps?:\/\//, 'must start with smtp:// or smtps://').optional(),
    VIGIE_SMTP_FROM: z.string().trim().min(3).default('Vigie <no-reply@localhost>'),
    VIGIE_SMTP_RATE: z.coerce.number().min(0.1).max(100_000).default(20),
    VIGIE_SMS_URL: optionalUrl,
    VIGIE_SMS_TOKEN: z.string().min(1).optional(),
    VIGIE_SMS_SENDER: z.string().trim().min(1).max(16).default('Vigie'),
    VIGIE_SMS_PROVIDER: z.string().regex(/^[a-z0-9-]{1,40}$/, 'must be lower-case letters, digits and -').default('sms'),
    VIGIE_SMS_RATE: z.coerce.number().min(0.1).max(100_000).default(50),
    VIGIE_CONTACTS_URL: optionalUrl,
    VIGIE_CONTACTS_TOKEN: z.string().min(1).optional(),
    VIGIE_DELIVERY_RECEIPT_SECRET: z.string().min(16, 'must be at least 16 characters (HMAC key)').optional(),
    VIGIE_DELIVERY_ALERT_WEBHOOKS: list.pipe(z.array(z.url({ message: 'must be a comma-separated list of absolute URLs' }))).default([]),
    VIGIE_DELIVERY_ALERT_WEBHOOK_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
    VIGIE_DELIVERY_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(5),
    VIGIE_DELIVERY_UNKNOWN_AFTER_SECONDS: z.coerce.number().int().min(60).max(30 * 86_400).default(86_400),
    VIGIE_DELIVERY_EMAIL_BOUNCE_SECONDS: z.coerce.number().int().min(60).max(30 * 86_400).default(86_400),
    VIGIE_DELIVERY_SILENT_AFTER_SECONDS: z.coerce.number().int().min(60).max(86_400).default(1_800),
    // A full numbering plan (block allocations) for guessing carriers: a JSON file, read by the Node entries.
    VIGIE_NUMBERING_PLAN: z.string().min(1).optional(),
    VIGIE_TEMPLATES_DIR: z.string().min(1).optional(),
    VIGIE_PLAYBOOKS_DIR: z.string().min(1).optional(),
    VIGIE_PLAYBOOK_ALERT_WEBHOOKS: list.pipe(z.array(z.url({ message: 'must be a comma-separated list of absolute URLs' }))).default([]),
    VIGIE_PLAYBOOK_ALERT_WEBHOOK_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
    VIGIE_PLAYBOOK_CHECK_SECONDS: z.coerce.number().int().min(5).max(3600).default(60),
    VIGIE_SMS_MAX_SEGMENTS: z.coerce.number().int().min(1).max(10).default(3),
    VIGIE_NOTICE_URL: optionalUrl,
    VIGIE_UPSTREAM: optionalUrl,
    VIGIE_UPSTREAM_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(30_000),
    VIGIE_AUDIT_MODE: z.enum(['strict', 'async'], { message: 'must be strict or async' }).default('strict'),
    VIGIE_AUDIT_TIMEOUT_MS: z.coerce.number().int().min(10).max(60_000).default(2_000),
    VIGIE_AUDIT_BATCH_MAX: z.coerce.number().int().min(1).max(10_000).default(1_000),
    VIGIE_AUDIT_ASYNC_FLUSH_MS: z.coerce.number().int().min(0).max(1_000).default(20),
    // The organisation's data categories onto the register's (docs/categories.md): checked here, at start-up.
    VIGIE_CATEGORY_MAP: z
      .string()
      .optional()
      .superRefine((value, ctx) => {
        const parsed = value === undefined ? undefined : parseCategoryMapSetting(value);
        if (parsed && 'error' in parsed) ctx.addIssue({ code: 'custom', message: parsed.error });
      }),
    VIGIE_AUDIT_ALL_REQUESTS: z.enum(['true', 'false'], { message: 'must be true or false' }).default('false'),
    VIGIE_AUDIT_KEY: z.string().min(32, 'must be at least 32 characters (HMAC key)').optional(),
    VIGIE_AUDIT_CHECKPOINT_SECONDS: z.coerce.number().int().min(0).max(86_400).default(300),
    VIGIE_PRINCIPAL_SECRET: z.string().min(32, 'must be at least 32 characters (HS256 key)').optional(),
    VIGIE_PRINCIPAL_JWKS_URL: optionalUrl,
    VIGIE_PRINCIPAL_ISSUER: z.string().min(1).optional(),
    VIGIE_PRINCIPAL_AUDIENCE: z.string().min(1).optional(),
    VIGIE_PRINCIPAL_ALGORITHMS: list.optional(),
    VIGIE_PRINCIPAL_CLAIM: z.string().min(1).default('sub'),
    VIGIE_PRINCIPAL_COOKIE: z.string().min(1).optional(),
    VIGIE_SESSION_COOKIE: z.string().min(1).default('session'),
    VIGIE_EXPOSURE_LIVE: z.enum(['true', 'false'], { message: 'must be true or false' }).default('true'),
    VIGIE_EXPOSURE_RELATIONS_HEADER: z.enum(['true', 'false'], { message: 'must be true or false' }).default('true'),
    VIGIE_EXPOSURE_BROAD_ROLES: list.default([]),
    VIGIE_EXPOSURE_WEBHOOKS: list.pipe(z.array(z.url({ message: 'must be a comma-separated list of absolute URLs' }))).default([]),
    VIGIE_EXPOSURE_WEBHOOK_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
    VIGIE_EXPOSURE_BURST_GAP_SECONDS: z.coerce.number().int().min(1).max(86_400).default(300),
    VIGIE_EXPOSURE_BREAKER_THRESHOLD: z.coerce.number().int().min(0).default(0),
    VIGIE_EXPOSURE_BREAKER_WINDOW_SECONDS: z.coerce.number().int().min(1).max(3600).default(10),
    VIGIE_EXPOSURE_BREAKER_SCOPE: z.enum(['affected', 'site']).default('affected'),
    VIGIE_MAINTENANCE_COLD_START: z.enum(['open', 'closed'], { message: 'must be open or closed' }).default('open'),
    VIGIE_MAINTENANCE_REFRESH_SECONDS: z.coerce.number().min(0.1).max(3600).default(30),
    VIGIE_MAINTENANCE_RETRY_AFTER: z.coerce.number().int().min(1).max(86_400).default(300),
    VIGIE_MAINTENANCE_BYPASS_KEY: z.string().min(32, 'must be at least 32 characters (HMAC key)').optional(),
    VIGIE_MAINTENANCE_BYPASS_TTL: z.coerce.number().int().min(60).max(7 * 86_400).default(3600),
    VIGIE_MAINTENANCE_BYPASS_NETWORKS: list
      .refine((items) => items.every((item) => parseNetwork(item) !== undefined), 'must be a comma-separated list of CIDR networks')
      .default([]),
    VIGIE_TRUSTED_PROXIES: list
      .refine((items) => items.every((item) => parseNetwork(item) !== undefined), 'must be a comma-separated list of CIDR networks')
      .default([]),
    VIGIE_MAX_BODY_BYTES: z.coerce.number().int().min(1_024).max(256 * 1_048_576).default(16 * 1_048_576),
    VIGIE_MAX_UPLOAD_BYTES: z.coerce.number().int().min(1_024).max(1_024 * 1_048_576).default(64 * 1_048_576),
    VIGIE_OUTBOUND_ALLOWED_HOSTS: list
      .refine((items) => items.every((item) => /^(\*\.)?[A-Za-z0-9.-]+$/.test(item)), 'must be a comma-separated list of host names (or *.domain)')
      .default([]),
    VIGIE_OUTBOUND_PRIVATE_NETWORKS: list
      .refine((items) => items.every((item) => parseNetwork(item) !== undefined), 'must be a comma-separated list of CIDR networks')
      .default([]),
    VIGIE_PATHS_CASE_INSENSITIVE: z.enum(['true', 'false'], { message: 'must be true or false' }).default('false'),
    VIGIE_METRICS_NETWORKS: list
      .refine((items) => items.every((item) => parseNetwork(item) !== undefined), 'must be a comma-separated list of CIDR networks')
      .default([]),
    VIGIE_MAINTENANCE_EXEMPT_PATHS: list
      .refine((items) => items.every((item) => item.startsWith('/')), 'must be a comma-separated list of paths starting with /')
      .default(['/healthz', '/readyz', '/livez']),
    VIGIE_ORG_NAME: z.string().trim().min(1).optional(),
    VIGIE_ORG_SIREN: z.string().regex(/^\d{9}$/, 'must be 9 digits').optional(),
    VIGIE_ORG_SECTOR: z.string().trim().min(1).optional(),
    VIGIE_ORG_REPRESENTATIVE: z.string().trim().min(1).optional(),
    VIGIE_DPO_CONTACT: z.string().trim().min(1).optional(),
    VIGIE_PUBLIC_URL: optionalUrl,
    VIGIE_OIDC_ISSUER: optionalUrl,
    VIGIE_OIDC_CLIENT_ID: z.string().trim().min(1).optional(),
    VIGIE_OIDC_CLIENT_SECRET: z.string().min(1).optional(),
    VIGIE_OIDC_SCOPES: z.string().trim().min(1).default('openid email profile'),
    VIGIE_OIDC_ACR_VALUES: z.string().trim().min(1).optional(),
    VIGIE_OIDC_TOKEN_AUTH: z
      .enum(['client_secret_basic', 'client_secret_post'], { message: 'must be client_secret_basic or client_secret_post' })
      .default('client_secret_basic'),
    VIGIE_CONSOLE_SESSION_KEY: z.string().min(32, 'must be at least 32 characters (HMAC key)').optional(),
    VIGIE_CONSOLE_SESSION_HOURS: z.coerce.number().min(0.1, 'must be at least 0.1').max(8, 'must be at most 8 (hours)').default(8),
    VIGIE_CONSOLE_STATE_BRAND: z.enum(['true', 'false'], { message: 'must be true or false' }).default('false'),
    VIGIE_BREACH_REGIMES: list
      .pipe(z.array(z.enum(['nis2', 'nis2-trust-service', 'eprivacy', 'dora'], { message: 'must list regimes among nis2, nis2-trust-service, eprivacy, dora' })))
      .default([]),
  })
  .superRefine((value, ctx) => {
    if (value.VIGIE_DELIVERY_ALERT_WEBHOOKS.length > 0 && !value.VIGIE_DELIVERY_ALERT_WEBHOOK_SECRET) {
      ctx.addIssue({ code: 'custom', path: ['VIGIE_DELIVERY_ALERT_WEBHOOK_SECRET'], message: 'is required when VIGIE_DELIVERY_ALERT_WEBHOOKS is set (bodies are signed)' });
    }
    if (value.VIGIE_PLAYBOOK_ALERT_WEBHOOKS.length > 0 && !value.VIGIE_PLAYBOOK_ALERT_WEBHOOK_SECRET) {
      ctx.addIssue({ code: 'custom', path: ['VIGIE_PLAYBOOK_ALERT_WEBHOOK_SECRET'], message: 'is required when VIGIE_PLAYBOOK_ALERT_WEBHOOKS is set (bodies are signed)' });
    }
    if (value.VIGIE_EXPOSURE_WEBHOOKS.length > 0 && !value.VIGIE_EXPOSURE_WEBHOOK_SECRET) {
      ctx.addIssue({ code: 'custom', path: ['VIGIE_EXPOSURE_WEBHOOK_SECRET'], message: 'is required when VIGIE_EXPOSURE_WEBHOOKS is set (bodies are signed)' });
    }
    if (value.VIGIE_OIDC_ISSUER && !value.VIGIE_OIDC_CLIENT_ID) {
      ctx.addIssue({ code: 'custom', path: ['VIGIE_OIDC_CLIENT_ID'], message: 'is required when VIGIE_OIDC_ISSUER is set' });
    }
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
    // Sending and delivery tracking (issue 8).
    delivery: {
      // `vigie serve` sends queued messages itself when a transport is configured (false: `vigie campaign work` only).
      worker: value.VIGIE_DELIVERY_WORKER === 'true',
      smtp: { url: value.VIGIE_SMTP_URL, from: value.VIGIE_SMTP_FROM, ratePerSecond: value.VIGIE_SMTP_RATE },
      sms: {
        url: value.VIGIE_SMS_URL,
        token: value.VIGIE_SMS_TOKEN,
        sender: value.VIGIE_SMS_SENDER,
        provider: value.VIGIE_SMS_PROVIDER,
        ratePerSecond: value.VIGIE_SMS_RATE,
      },
      // Where campaigns find addresses (the register keeps identifiers only): the organisation's directory.
      contacts: { url: value.VIGIE_CONTACTS_URL, token: value.VIGIE_CONTACTS_TOKEN },
      receiptSecret: value.VIGIE_DELIVERY_RECEIPT_SECRET,
      alertWebhooks: value.VIGIE_DELIVERY_ALERT_WEBHOOKS,
      alertWebhookSecret: value.VIGIE_DELIVERY_ALERT_WEBHOOK_SECRET,
      maxAttempts: value.VIGIE_DELIVERY_MAX_ATTEMPTS,
      unknownAfterSeconds: value.VIGIE_DELIVERY_UNKNOWN_AFTER_SECONDS,
      // E-mail has no receipts: accepted by the relay and not bounced for this long is its evidence of informing.
      emailBounceSeconds: value.VIGIE_DELIVERY_EMAIL_BOUNCE_SECONDS,
      // Accepted SMS with no receipt for this long are counted "silent" per carrier (views, resend default).
      silentAfterSeconds: value.VIGIE_DELIVERY_SILENT_AFTER_SECONDS,
      numberingPlanFile: value.VIGIE_NUMBERING_PLAN,
    },
    // Drafts (issue 7): an organisation's own templates laid over templates/, and the SMS length warning.
    // Playbooks (issue 19): an organisation's own over the bundled ones, and where overdue tasks are announced.
    playbooks: {
      dir: value.VIGIE_PLAYBOOKS_DIR,
      alertWebhooks: value.VIGIE_PLAYBOOK_ALERT_WEBHOOKS,
      alertWebhookSecret: value.VIGIE_PLAYBOOK_ALERT_WEBHOOK_SECRET,
      checkSeconds: value.VIGIE_PLAYBOOK_CHECK_SECONDS,
    },
    notices: { templatesDir: value.VIGIE_TEMPLATES_DIR, smsMaxSegments: value.VIGIE_SMS_MAX_SEGMENTS, noticeUrl: value.VIGIE_NOTICE_URL },
    // Declared data categories → the register's: the bundled map with the organisation's entries over it.
    categoryMap: buildCategoryMap(value.VIGIE_CATEGORY_MAP ? (parseCategoryMapSetting(value.VIGIE_CATEGORY_MAP) as { entries: Record<string, string[]> }).entries : {}),
    upstream: value.VIGIE_UPSTREAM ? { url: value.VIGIE_UPSTREAM, timeoutMs: value.VIGIE_UPSTREAM_TIMEOUT_MS } : undefined,
    audit: {
      mode: value.VIGIE_AUDIT_MODE,
      timeoutMs: value.VIGIE_AUDIT_TIMEOUT_MS,
      maxBatch: value.VIGIE_AUDIT_BATCH_MAX,
      asyncFlushMs: value.VIGIE_AUDIT_ASYNC_FLUSH_MS,
      allRequests: value.VIGIE_AUDIT_ALL_REQUESTS === 'true',
      key: value.VIGIE_AUDIT_KEY,
      checkpointSeconds: value.VIGIE_AUDIT_CHECKPOINT_SECONDS,
    },
    principal: {
      secret: value.VIGIE_PRINCIPAL_SECRET,
      jwksUrl: value.VIGIE_PRINCIPAL_JWKS_URL,
      issuer: value.VIGIE_PRINCIPAL_ISSUER,
      audience: value.VIGIE_PRINCIPAL_AUDIENCE,
      // Pinned like staff tokens: HS256 for a secret, asymmetric algorithms only for a JWKS.
      algorithms: value.VIGIE_PRINCIPAL_ALGORITHMS ?? (value.VIGIE_PRINCIPAL_JWKS_URL ? ['RS256', 'ES256', 'EdDSA'] : ['HS256']),
      claim: value.VIGIE_PRINCIPAL_CLAIM,
      cookie: value.VIGIE_PRINCIPAL_COOKIE,
      sessionCookie: value.VIGIE_SESSION_COOKIE,
    },
    exposure: {
      // Live detection on each committed access-log batch (Node entry); the report works either way.
      live: value.VIGIE_EXPOSURE_LIVE === 'true',
      // Relations the origin declares in Vigie-Relations are stored (false: the header is only stripped).
      relationsHeader: value.VIGIE_EXPOSURE_RELATIONS_HEADER === 'true',
      broadRoles: value.VIGIE_EXPOSURE_BROAD_ROLES,
      webhooks: value.VIGIE_EXPOSURE_WEBHOOKS,
      webhookSecret: value.VIGIE_EXPOSURE_WEBHOOK_SECRET,
      burstGapSeconds: value.VIGIE_EXPOSURE_BURST_GAP_SECONDS,
      // 0 = no automatic maintenance.
      breakerThreshold: value.VIGIE_EXPOSURE_BREAKER_THRESHOLD,
      breakerWindowSeconds: value.VIGIE_EXPOSURE_BREAKER_WINDOW_SECONDS,
      breakerScope: value.VIGIE_EXPOSURE_BREAKER_SCOPE,
    },
    jwt: {
      secret: value.VIGIE_JWT_SECRET,
      jwksUrl: value.VIGIE_JWKS_URL,
      issuer: value.VIGIE_JWT_ISSUER,
      audience: value.VIGIE_JWT_AUDIENCE,
      // Pinned: HS256 for a shared secret, asymmetric algorithms only for a JWKS (no alg confusion).
      algorithms: value.VIGIE_JWT_ALGORITHMS ?? (value.VIGIE_JWKS_URL ? ['RS256', 'ES256', 'EdDSA'] : ['HS256']),
      rolesClaim: value.VIGIE_JWT_ROLES_CLAIM,
    },
    maintenance: {
      coldStart: value.VIGIE_MAINTENANCE_COLD_START,
      refreshSeconds: value.VIGIE_MAINTENANCE_REFRESH_SECONDS,
      defaultRetryAfterSeconds: value.VIGIE_MAINTENANCE_RETRY_AFTER,
      bypassKey: value.VIGIE_MAINTENANCE_BYPASS_KEY,
      bypassTtlSeconds: value.VIGIE_MAINTENANCE_BYPASS_TTL,
      bypassNetworks: value.VIGIE_MAINTENANCE_BYPASS_NETWORKS,
      exemptPaths: value.VIGIE_MAINTENANCE_EXEMPT_PATHS,
      // The network bypass believes X-Forwarded-For only from these proxies (the socket's peer otherwise).
      trustedProxies: value.VIGIE_TRUSTED_PROXIES,
      // The origin's routes ignore case: windows and the access log read lower-cased paths.
      caseInsensitivePaths: value.VIGIE_PATHS_CASE_INSENSITIVE === 'true',
    },
    // Where Vigie's own requests may go (alert webhooks, the contact directory): src/http/outbound.ts.
    outbound: { allowedHosts: value.VIGIE_OUTBOUND_ALLOWED_HOSTS, privateNetworks: value.VIGIE_OUTBOUND_PRIVATE_NETWORKS },
    // Request bodies on Vigie's own routes: answered 413 past these, before anything reads them.
    limits: { bodyBytes: value.VIGIE_MAX_BODY_BYTES, uploadBytes: value.VIGIE_MAX_UPLOAD_BYTES },
    // Who reads /_vigie/metrics without a token: scrapers on these networks (the connection's own address).
    metrics: { networks: value.VIGIE_METRICS_NETWORKS },
    // The organisation and its DPO as the breach register and the CNIL form name them; the regimes whose
    // clocks run besides the GDPR's (the organisation's declaration, never guessed).
    organisation: {
      name: value.VIGIE_ORG_NAME,
      siren: value.VIGIE_ORG_SIREN,
      sector: value.VIGIE_ORG_SECTOR,
      legalRepresentative: value.VIGIE_ORG_REPRESENTATIVE,
      dpoContact: value.VIGIE_DPO_CONTACT,
    },
    breachRegimes: value.VIGIE_BREACH_REGIMES,
    // The console (issue 18): sign-in by OpenID Connect, sessions, the State brand (reserved to the State's services).
    console: {
      publicUrl: value.VIGIE_PUBLIC_URL,
      oidc: value.VIGIE_OIDC_ISSUER
        ? {
            issuer: value.VIGIE_OIDC_ISSUER,
            clientId: value.VIGIE_OIDC_CLIENT_ID!,
            clientSecret: value.VIGIE_OIDC_CLIENT_SECRET,
            scopes: value.VIGIE_OIDC_SCOPES,
            acrValues: value.VIGIE_OIDC_ACR_VALUES,
            tokenAuth: value.VIGIE_OIDC_TOKEN_AUTH,
          }
        : undefined,
      sessionKey: value.VIGIE_CONSOLE_SESSION_KEY,
      sessionSeconds: Math.round(value.VIGIE_CONSOLE_SESSION_HOURS * 3600),
      stateBrand: value.VIGIE_CONSOLE_STATE_BRAND === 'true',
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
