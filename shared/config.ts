// Every setting of the system, read from the environment once and checked with zod.
//
// APP_ENV=local (the default) fills in values that make the local stack work (emulators on
// loopback, development secrets). APP_ENV=production has no such defaults: a missing secret or
// URL is an error naming the variable, never a silent fallback to a local value.
import { z } from 'zod';

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid settings:\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigError';
  }
}

const LOCAL_DEFAULTS = {
  GOOGLE_INVITE_ENABLED: 'true',
  PUBLIC_BASE_URL: 'http://127.0.0.1:8080',
  CALENDAR_API_ROOT: 'http://127.0.0.1:8085',
  GOOGLE_OAUTH_TOKEN_URL: 'http://127.0.0.1:8085/token',
  GOOGLE_OAUTH_AUTH_URL: 'http://127.0.0.1:8085/o/oauth2/v2/auth',
  GOOGLE_OAUTH_CERTS_URL: 'http://127.0.0.1:8085/oauth2/v1/certs',
  GOOGLE_OAUTH_CLIENT_ID: 'local-client-id.apps.googleusercontent.com',
  GOOGLE_OAUTH_CLIENT_SECRET: 'local-client-secret',
  SENDGRID_API_KEY: 'SG.local-development-key',
  SENDGRID_API_ROOT: 'http://127.0.0.1:8025',
  MAIL_FROM: 'Bookings <bookings@example.test>',
  LINK_SIGNING_SECRET: 'local-development-link-signing-secret-0123456789',
  // "local-development-key-32-bytes!!" in base64: for the local stack only.
  TOKEN_ENCRYPTION_KEY: 'bG9jYWwtZGV2ZWxvcG1lbnQta2V5LTMyLWJ5dGVzISE=',
  GOOGLE_CLOUD_PROJECT: 'demo-calendar-invites',
  // Locally the Google emulator signs the scheduler's OIDC tokens (POST /emulator/v1/oidc-token).
  SCHEDULER_AUTH: 'verify',
  SCHEDULER_SERVICE_ACCOUNT: 'renewal-scheduler@demo-calendar-invites.iam.gserviceaccount.com',
} as const;

/** Where Google itself lives: production needs no value for these. */
const PRODUCTION_DEFAULTS = {
  GOOGLE_INVITE_ENABLED: 'false',
  CALENDAR_API_ROOT: 'https://www.googleapis.com',
  GOOGLE_OAUTH_TOKEN_URL: 'https://oauth2.googleapis.com/token',
  GOOGLE_OAUTH_AUTH_URL: 'https://accounts.google.com/o/oauth2/v2/auth',
  GOOGLE_OAUTH_CERTS_URL: 'https://www.googleapis.com/oauth2/v1/certs',
  SENDGRID_API_ROOT: 'https://api.sendgrid.com',
} as const;

/** Settings every environment may leave out. */
const COMMON_DEFAULTS = {
  LOG_LEVEL: 'info',
  RENEWAL_WINDOW_HOURS: '48',
  // 0: every channel every run. A push lost after a channel's last sync is only caught by a later
  // sync, so skipping recently synced channels (a higher value) trades that guarantee for fewer calls.
  RECONCILE_INTERVAL_MINUTES: '0',
  RENEWAL_BUDGET_SECONDS: '240',
  RENEWAL_CONCURRENCY: '8',
  // One scheduled run covers the whole install; more shards split it (shared/upkeep/shards.ts).
  UPKEEP_SHARDS: '1',
  // Google allows 10,000 Calendar requests a minute per project; the booking path spends the rest.
  CALENDAR_CALLS_PER_MINUTE: '6000',
  // 0: calendars without live bookings are reconciled every run too (as before). At scale, 24: they
  // are reconciled within a day, those with live bookings every run (shared/upkeep/live-bookings.ts).
  RECONCILE_IDLE_HOURS: '0',
  // 0: every run walks every host and channel (the heal). At scale, 24: a walk begins at most once
  // a day, each run resuming one under way (shared/upkeep/decisions.ts healDue).
  HEAL_INTERVAL_HOURS: '0',
  // Abuse limits (shared/abuse): far above what a person booking a time does, far below what a
  // script needs to spam invites through Google or spend the host's Calendar quota.
  LIMIT_BOOKING_ATTEMPTS_PER_MINUTE: '30',
  LIMIT_AVAILABILITY_VIEWS_PER_MINUTE: '60',
  LIMIT_PENDING_PER_GUEST: '5',
  LIMIT_PENDING_PER_HOST: '100',
} as const;

const wholeNumber = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, { error: 'must be a whole number' })
    .transform(Number)
    .pipe(z.number().min(min, { error: `must be at least ${min}` }).max(max, { error: `must be at most ${max}` }));

const flag = z.enum(['true', 'false'], { error: 'must be "true" or "false"' }).transform((v) => v === 'true');

const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });

/** The generated Google client keeps only the origin of its rootUrl, so a path would be dropped silently. */
const originOnly = httpUrl.refine((v) => new URL(v).pathname === '/' && !new URL(v).search, {
  error: 'must be an origin only (scheme, host, port): the Calendar client ignores any path',
});

const mailbox = z
  .string()
  .transform((value, ctx) => {
    const match = /^\s*(?:(.*?)\s*<([^<>\s]+)>|([^<>\s]+))\s*$/.exec(value);
    const email = match?.[2] ?? match?.[3];
    if (!email || !z.email().safeParse(email).success) {
      ctx.addIssue({ code: 'custom', message: 'must be "Name <address>" or an address' });
      return z.NEVER;
    }
    const name = match?.[1]?.replace(/^"|"$/g, '') || undefined;
    return { email, name };
  });

const encryptionKey = z.string().refine((v) => Buffer.from(v, 'base64').length === 32, {
  error: 'must be 32 bytes, base64-encoded (AES-256)',
});

const schema = z.object({
  APP_ENV: z.enum(['local', 'production']),
  GOOGLE_INVITE_ENABLED: flag,
  PUBLIC_BASE_URL: httpUrl.transform((v) => v.replace(/\/+$/, '')),
  CALENDAR_API_ROOT: originOnly.transform((v) => new URL(v).origin),
  GOOGLE_OAUTH_TOKEN_URL: httpUrl,
  GOOGLE_OAUTH_AUTH_URL: httpUrl,
  GOOGLE_OAUTH_CERTS_URL: httpUrl,
  GOOGLE_OAUTH_CLIENT_ID: z.string().min(1),
  GOOGLE_OAUTH_CLIENT_SECRET: z.string().min(1),
  SENDGRID_API_KEY: z.string().min(1),
  SENDGRID_API_ROOT: httpUrl.transform((v) => v.replace(/\/+$/, '')),
  MAIL_FROM: mailbox,
  LINK_SIGNING_SECRET: z.string().min(32, { error: 'must be at least 32 characters' }),
  TOKEN_ENCRYPTION_KEY: encryptionKey,
  GOOGLE_CLOUD_PROJECT: z.string().min(1),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
  /**
   * How renewChannels checks that Cloud Scheduler called: `iam` (deployed private: IAM has checked
   * the token's signature; the audience and email are checked here), `verify` (deployed public:
   * the signature is verified here too), `off` (the local dev server only).
   */
  SCHEDULER_AUTH: z.enum(['iam', 'verify', 'off'], { error: 'must be "iam", "verify" or "off"' }),
  SCHEDULER_SERVICE_ACCOUNT: z.email({ error: 'must be the email of the scheduler\'s service account' }),
  /** The audience the scheduler puts in its OIDC token; by default the function's URL. */
  SCHEDULER_AUDIENCE: httpUrl.optional(),
  RENEWAL_WINDOW_HOURS: wholeNumber(2, 24 * 29),
  RECONCILE_INTERVAL_MINUTES: wholeNumber(0, 24 * 60),
  RENEWAL_BUDGET_SECONDS: wholeNumber(10, 1700),
  RENEWAL_CONCURRENCY: wholeNumber(1, 50),
  /** How many scheduler jobs share the upkeep, each a range of buckets (shared/upkeep/shards.ts). */
  UPKEEP_SHARDS: wholeNumber(1, 256),
  /** Calendar calls all the scheduled runs of the project together may make a minute (shared/upkeep/call-budget.ts). */
  CALENDAR_CALLS_PER_MINUTE: wholeNumber(1, 10_000),
  /** Calendars without live bookings are reconciled within this many hours (0: every run). */
  RECONCILE_IDLE_HOURS: wholeNumber(0, 24 * 7),
  /** A new heal walk (every host and channel) begins at most this often (0: every run). */
  HEAL_INTERVAL_HOURS: wholeNumber(0, 24 * 7),
  /** Booking requests one client address may send a minute. */
  LIMIT_BOOKING_ATTEMPTS_PER_MINUTE: wholeNumber(1, 100_000),
  /** Availability views (each a Google freeBusy call) one client address may ask for a minute. */
  LIMIT_AVAILABILITY_VIEWS_PER_MINUTE: wholeNumber(1, 100_000),
  /** Requests one guest address may have waiting for one host's answer. */
  LIMIT_PENDING_PER_GUEST: wholeNumber(1, 10_000),
  /** Requests one host may have waiting for an answer. */
  LIMIT_PENDING_PER_HOST: wholeNumber(1, 100_000),
});

type Settings = z.output<typeof schema>;

export interface Config {
  env: Settings['APP_ENV'];
  googleInviteEnabled: boolean;
  publicBaseUrl: string;
  google: {
    apiRoot: string;
    tokenUrl: string;
    authUrl: string;
    certsUrl: string;
    clientId: string;
    clientSecret: string;
  };
  sendgrid: { apiKey: string; apiRoot: string };
  mailFrom: { email: string; name: string | undefined };
  linkSigningSecret: string;
  tokenEncryptionKey: Buffer;
  projectId: string;
  logLevel: Settings['LOG_LEVEL'];
  scheduler: {
    auth: Settings['SCHEDULER_AUTH'];
    serviceAccount: string;
    audience: string;
  };
  renewal: {
    windowMs: number;
    reconcileIntervalMs: number;
    budgetMs: number;
    concurrency: number;
  };
  upkeep: {
    /** The deploy makes one scheduler job per shard (infra/deploy/renewal-job.ts). */
    shards: number;
    /** Calendar calls every shard's run together may make a minute. */
    callsPerMinute: number;
    /** Calendars without live bookings are reconciled within this; 0: every run. */
    idleReconcileIntervalMs: number;
    /** A new heal walk begins at most this often; 0: every run. */
    healIntervalMs: number;
  };
  limits: AbuseLimits;
}

export interface AbuseLimits {
  bookingAttemptsPerMinute: number;
  availabilityViewsPerMinute: number;
  pendingPerGuest: number;
  pendingPerHost: number;
}

/** Parses settings from an environment; pure, so tests pass their own. */
export function parseConfig(env: Record<string, string | undefined>): Config {
  const appEnv = env.APP_ENV ?? 'local';
  const defaults: Record<string, string> = appEnv === 'production' ? { ...PRODUCTION_DEFAULTS } : { ...LOCAL_DEFAULTS };
  const raw: Record<string, string | undefined> = { APP_ENV: appEnv, ...COMMON_DEFAULTS };
  for (const key of Object.keys(schema.shape)) {
    const given = env[key];
    raw[key] = given !== undefined && given !== '' ? given : (defaults[key] ?? raw[key]);
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => {
        const name = String(issue.path[0] ?? '?');
        return raw[name] === undefined ? `${name} is required (APP_ENV=${appEnv})` : `${name} ${issue.message}`;
      }),
    );
  }
  const s = parsed.data;
  if (s.APP_ENV === 'production' && s.SCHEDULER_AUTH === 'off') {
    throw new ConfigError(['SCHEDULER_AUTH "off" is for the local dev server only (APP_ENV=production)']);
  }
  return {
    env: s.APP_ENV,
    googleInviteEnabled: s.GOOGLE_INVITE_ENABLED,
    publicBaseUrl: s.PUBLIC_BASE_URL,
    google: {
      apiRoot: s.CALENDAR_API_ROOT,
      tokenUrl: s.GOOGLE_OAUTH_TOKEN_URL,
      authUrl: s.GOOGLE_OAUTH_AUTH_URL,
      certsUrl: s.GOOGLE_OAUTH_CERTS_URL,
      clientId: s.GOOGLE_OAUTH_CLIENT_ID,
      clientSecret: s.GOOGLE_OAUTH_CLIENT_SECRET,
    },
    sendgrid: { apiKey: s.SENDGRID_API_KEY, apiRoot: s.SENDGRID_API_ROOT },
    mailFrom: s.MAIL_FROM,
    linkSigningSecret: s.LINK_SIGNING_SECRET,
    tokenEncryptionKey: Buffer.from(s.TOKEN_ENCRYPTION_KEY, 'base64'),
    projectId: s.GOOGLE_CLOUD_PROJECT,
    logLevel: s.LOG_LEVEL,
    scheduler: {
      auth: s.SCHEDULER_AUTH,
      serviceAccount: s.SCHEDULER_SERVICE_ACCOUNT.toLowerCase(),
      audience: s.SCHEDULER_AUDIENCE ?? `${s.PUBLIC_BASE_URL}/renewChannels`,
    },
    renewal: {
      windowMs: s.RENEWAL_WINDOW_HOURS * 3_600_000,
      reconcileIntervalMs: s.RECONCILE_INTERVAL_MINUTES * 60_000,
      budgetMs: s.RENEWAL_BUDGET_SECONDS * 1000,
      concurrency: s.RENEWAL_CONCURRENCY,
    },
    upkeep: { shards: s.UPKEEP_SHARDS, callsPerMinute: s.CALENDAR_CALLS_PER_MINUTE, idleReconcileIntervalMs: s.RECONCILE_IDLE_HOURS * 3_600_000, healIntervalMs: s.HEAL_INTERVAL_HOURS * 3_600_000 },
    limits: {
      bookingAttemptsPerMinute: s.LIMIT_BOOKING_ATTEMPTS_PER_MINUTE,
      availabilityViewsPerMinute: s.LIMIT_AVAILABILITY_VIEWS_PER_MINUTE,
      pendingPerGuest: s.LIMIT_PENDING_PER_GUEST,
      pendingPerHost: s.LIMIT_PENDING_PER_HOST,
    },
  };
}

let loaded: Config | undefined;

/** The settings of this process, parsed on first use (instances are reused: parse once). */
export function config(): Config {
  loaded ??= parseConfig(process.env);
  return loaded;
}
