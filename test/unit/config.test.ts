import { ConfigError, parseConfig } from '../../shared/config';

function problemsOf(env: Record<string, string>): string[] {
  try {
    parseConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

const productionSecrets = {
  APP_ENV: 'production',
  PUBLIC_BASE_URL: 'https://europe-west1-acme.cloudfunctions.net',
  GOOGLE_OAUTH_CLIENT_ID: 'id.apps.googleusercontent.com',
  GOOGLE_OAUTH_CLIENT_SECRET: 'secret',
  SENDGRID_API_KEY: 'SG.key',
  MAIL_FROM: 'Acme Bookings <bookings@acme.example>',
  LINK_SIGNING_SECRET: 'x'.repeat(40),
  TOKEN_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
  GOOGLE_CLOUD_PROJECT: 'acme',
  SCHEDULER_AUTH: 'iam',
  SCHEDULER_SERVICE_ACCOUNT: 'renewal-scheduler@acme.iam.gserviceaccount.com',
};

describe('settings', () => {
  it('an empty environment gives a working local stack pointed at the emulators', () => {
    const config = parseConfig({});
    expect(config.env).toBe('local');
    expect(config.googleInviteEnabled).toBe(true);
    expect(config.google.apiRoot).toBe('http://127.0.0.1:8085');
    expect(config.google.tokenUrl).toBe('http://127.0.0.1:8085/token');
    expect(config.sendgrid.apiRoot).toBe('http://127.0.0.1:8025');
    expect(config.tokenEncryptionKey).toHaveLength(32);
    expect(config.mailFrom).toEqual({ email: 'bookings@example.test', name: 'Bookings' });
  });

  it('GOOGLE_INVITE_ENABLED accepts only true or false', () => {
    expect(parseConfig({ GOOGLE_INVITE_ENABLED: 'false' }).googleInviteEnabled).toBe(false);
    expect(problemsOf({ GOOGLE_INVITE_ENABLED: 'yes' })).toEqual(['GOOGLE_INVITE_ENABLED must be "true" or "false"']);
  });

  it('a Calendar API root with a path is refused, since the client keeps only the origin', () => {
    expect(problemsOf({ CALENDAR_API_ROOT: 'http://127.0.0.1:8085/calendar/v3' })[0]).toMatch(/^CALENDAR_API_ROOT must be an origin only/);
    expect(parseConfig({ CALENDAR_API_ROOT: 'http://localhost:9000/' }).google.apiRoot).toBe('http://localhost:9000');
  });

  it('every bad variable is named in one error', () => {
    const problems = problemsOf({ PUBLIC_BASE_URL: 'not a url', TOKEN_ENCRYPTION_KEY: 'c2hvcnQ=', MAIL_FROM: 'nobody' });
    expect(problems).toEqual([
      'PUBLIC_BASE_URL must be an http(s) URL',
      'MAIL_FROM must be "Name <address>" or an address',
      'TOKEN_ENCRYPTION_KEY must be 32 bytes, base64-encoded (AES-256)',
    ]);
  });

  it('production has no local defaults for secrets and names each missing one', () => {
    const problems = problemsOf({ APP_ENV: 'production' });
    for (const name of ['PUBLIC_BASE_URL', 'SENDGRID_API_KEY', 'LINK_SIGNING_SECRET', 'TOKEN_ENCRYPTION_KEY', 'GOOGLE_OAUTH_CLIENT_SECRET']) {
      expect(problems).toContain(`${name} is required (APP_ENV=production)`);
    }
  });

  it('production points at Google and SendGrid and keeps the invite flag off unless set', () => {
    const config = parseConfig(productionSecrets);
    expect(config.google.apiRoot).toBe('https://www.googleapis.com');
    expect(config.google.tokenUrl).toBe('https://oauth2.googleapis.com/token');
    expect(config.sendgrid.apiRoot).toBe('https://api.sendgrid.com');
    expect(config.googleInviteEnabled).toBe(false);
    expect(parseConfig({ ...productionSecrets, GOOGLE_INVITE_ENABLED: 'true' }).googleInviteEnabled).toBe(true);
  });

  it('production must say how the scheduler is checked and which service account calls, and never turns the check off', () => {
    const rest = Object.fromEntries(Object.entries(productionSecrets).filter(([name]) => !name.startsWith('SCHEDULER_')));
    const problems = problemsOf(rest);
    expect(problems).toContain('SCHEDULER_AUTH is required (APP_ENV=production)');
    expect(problems).toContain('SCHEDULER_SERVICE_ACCOUNT is required (APP_ENV=production)');
    expect(problemsOf({ ...productionSecrets, SCHEDULER_AUTH: 'off' })).toEqual(['SCHEDULER_AUTH "off" is for the local dev server only (APP_ENV=production)']);
    expect(parseConfig({ ...productionSecrets }).scheduler).toEqual({
      auth: 'iam',
      serviceAccount: 'renewal-scheduler@acme.iam.gserviceaccount.com',
      audience: 'https://europe-west1-acme.cloudfunctions.net/renewChannels',
    });
  });

  it('the renewal run has sensible defaults and refuses numbers out of range', () => {
    expect(parseConfig({}).renewal).toEqual({ windowMs: 48 * 3_600_000, reconcileIntervalMs: 0, budgetMs: 240_000, concurrency: 8 });
    expect(parseConfig({ RENEWAL_WINDOW_HOURS: '72', SCHEDULER_AUDIENCE: 'https://renew.example/run' })).toMatchObject({
      renewal: { windowMs: 72 * 3_600_000 },
      scheduler: { audience: 'https://renew.example/run' },
    });
    expect(problemsOf({ RENEWAL_CONCURRENCY: '0', RENEWAL_BUDGET_SECONDS: 'soon' })).toEqual([
      'RENEWAL_BUDGET_SECONDS must be a whole number',
      'RENEWAL_CONCURRENCY must be at least 1',
    ]);
  });

  it('the upkeep at scale: shards, the shared call rate, idle reconciles and the heal interval, each bounded', () => {
    expect(parseConfig({}).upkeep).toEqual({ shards: 1, callsPerMinute: 6000, idleReconcileIntervalMs: 0, healIntervalMs: 0 });
    expect(parseConfig({ RECONCILE_IDLE_HOURS: '24', HEAL_INTERVAL_HOURS: '24' }).upkeep).toMatchObject({ idleReconcileIntervalMs: 24 * 3_600_000, healIntervalMs: 24 * 3_600_000 });
    expect(problemsOf({ HEAL_INTERVAL_HOURS: '169' })).toEqual(['HEAL_INTERVAL_HOURS must be at most 168']);
  });
});
