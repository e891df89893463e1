import { deployProblems, parseKeyValueList } from '../../../infra/deploy/deploy-settings';

const secrets =
  'GOOGLE_OAUTH_CLIENT_SECRET=google-oauth-client-secret:latest,SENDGRID_API_KEY=sendgrid-api-key:latest,LINK_SIGNING_SECRET=link-signing-secret:3,TOKEN_ENCRYPTION_KEY=token-encryption-key:latest';

const plain: Record<string, string> = {
  APP_ENV: 'production',
  NODE_ENV: 'production',
  GOOGLE_CLOUD_PROJECT: 'acme-bookings',
  PUBLIC_BASE_URL: 'https://europe-west1-acme-bookings.cloudfunctions.net',
  GOOGLE_OAUTH_CLIENT_ID: 'id.apps.googleusercontent.com',
  MAIL_FROM: 'Acme, Inc. <bookings@acme.example>',
  SCHEDULER_AUTH: 'iam',
  SCHEDULER_SERVICE_ACCOUNT: 'renewal-scheduler@acme-bookings.iam.gserviceaccount.com',
  SCHEDULER_AUDIENCE: '',
  RENEWAL_BUDGET_SECONDS: '240',
};

function envVars(overrides: Record<string, string | undefined> = {}): string {
  const merged = { ...plain, ...overrides };
  return `^;^${Object.entries(merged)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => `${key}=${value}`)
    .join(';')}`;
}

describe('reading gcloud KEY=VALUE lists', () => {
  it('splits on commas, or on the delimiter a ^X^ prefix names, keeping empty values', () => {
    expect(Object.fromEntries(parseKeyValueList('A=1,B=x=y'))).toEqual({ A: '1', B: 'x=y' });
    expect(Object.fromEntries(parseKeyValueList('^;^MAIL_FROM=Acme, Inc. <a@acme.example>;EMPTY='))).toEqual({ MAIL_FROM: 'Acme, Inc. <a@acme.example>', EMPTY: '' });
  });
});

describe('the deploy settings check', () => {
  it('passes settings every function starts with', () => {
    expect(deployProblems({ envVars: envVars(), secrets, region: 'europe-west1' })).toEqual([]);
  });

  it('names a required setting left empty, as a misspelt substitution leaves it', () => {
    expect(deployProblems({ envVars: envVars({ MAIL_FROM: '' }), secrets, region: 'europe-west1' })).toEqual(['MAIL_FROM is required (APP_ENV=production)']);
  });

  it('refuses a secret given as a plain variable, or missing from the secrets', () => {
    const problems = deployProblems({ envVars: envVars({ SENDGRID_API_KEY: 'SG.leaked' }), secrets: secrets.replace(/,TOKEN_ENCRYPTION_KEY=[^,]+/, ''), region: 'europe-west1' });
    expect(problems).toEqual([
      'SENDGRID_API_KEY is a secret: give it with --set-secrets, never as a plain variable',
      'TOKEN_ENCRYPTION_KEY is missing from --set-secrets',
    ]);
  });

  it('refuses a substitution Cloud Build left unresolved', () => {
    expect(deployProblems({ envVars: envVars({ PUBLIC_BASE_URL: 'https://${_REGION}-acme-bookings.cloudfunctions.net' }), secrets, region: 'europe-west1' })).toEqual([
      'PUBLIC_BASE_URL holds an unresolved substitution: "https://${_REGION}-acme-bookings.cloudfunctions.net"',
    ]);
  });

  it('refuses a renewal budget that does not fit the scheduler’s attempt deadline, and a plain-http base URL the scheduler cannot call', () => {
    expect(deployProblems({ envVars: envVars({ RENEWAL_BUDGET_SECONDS: '290' }), secrets, region: 'europe-west1' })).toEqual([
      "RENEWAL_BUDGET_SECONDS must leave 30 s before the scheduler's 300 s attempt deadline (at most 270)",
    ]);
    expect(deployProblems({ envVars: envVars({ PUBLIC_BASE_URL: 'http://bookings.acme.example' }), secrets, region: 'europe-west1' })).toEqual([
      'PUBLIC_BASE_URL must be an https URL (Cloud Scheduler calls it)',
    ]);
  });

  it('refuses a local APP_ENV or a switched-off scheduler check', () => {
    expect(deployProblems({ envVars: envVars({ APP_ENV: 'local' }), secrets, region: 'europe-west1' })).toEqual(['APP_ENV must be "production" in a deployed function']);
    expect(deployProblems({ envVars: envVars({ SCHEDULER_AUTH: 'off' }), secrets, region: 'europe-west1' })).toEqual([
      'SCHEDULER_AUTH "off" is for the local dev server only (APP_ENV=production)',
    ]);
  });

  it('refuses a function deployed without NODE_ENV=production, whose Express error pages would show stack traces', () => {
    const problem = 'NODE_ENV must be "production" in a deployed function (Express shows stack traces otherwise)';
    expect(deployProblems({ envVars: envVars({ NODE_ENV: undefined }), secrets, region: 'europe-west1' })).toEqual([problem]);
    expect(deployProblems({ envVars: envVars({ NODE_ENV: 'development' }), secrets, region: 'europe-west1' })).toEqual([problem]);
  });
});
