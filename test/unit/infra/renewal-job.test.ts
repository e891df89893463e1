import { parseConfig } from '../../../shared/config';
import { ATTEMPT_DEADLINE_SECONDS, JOB_ID, renewalJob, renewalJobSettingsSchema, type RenewalJobSettings } from '../../../infra/deploy/renewal-job';

const base = {
  project: 'acme-bookings',
  region: 'europe-west1',
  publicBaseUrl: 'https://europe-west1-acme-bookings.cloudfunctions.net',
  serviceAccount: 'renewal-scheduler@acme-bookings.iam.gserviceaccount.com',
  budgetSeconds: '240',
};

function settings(overrides: Record<string, string | undefined> = {}): RenewalJobSettings {
  return renewalJobSettingsSchema.parse({ ...base, ...overrides });
}

/** The audience renewChannels checks tokens against, as the function computes it from its settings. */
function audienceTheFunctionExpects(env: Record<string, string>): string {
  return parseConfig({ SCHEDULER_SERVICE_ACCOUNT: base.serviceAccount, ...env }).scheduler.audience;
}

describe('the renewal job', () => {
  it('POSTs to renewChannels with an OIDC token for the scheduler account, for the audience the function expects', () => {
    const { job } = renewalJob(settings());
    expect(job.httpTarget).toEqual({
      uri: 'https://europe-west1-acme-bookings.cloudfunctions.net/renewChannels',
      httpMethod: 'POST',
      oidcToken: {
        serviceAccountEmail: 'renewal-scheduler@acme-bookings.iam.gserviceaccount.com',
        audience: audienceTheFunctionExpects({ PUBLIC_BASE_URL: base.publicBaseUrl }),
      },
    });
  });

  it('keeps to the function’s audience with a trailing slash on the base URL, or an audience of its own', () => {
    const slashed = renewalJob(settings({ publicBaseUrl: `${base.publicBaseUrl}/` })).job.httpTarget;
    expect(slashed.uri).toBe(`${base.publicBaseUrl}/renewChannels`);
    expect(slashed.oidcToken.audience).toBe(audienceTheFunctionExpects({ PUBLIC_BASE_URL: `${base.publicBaseUrl}/` }));

    const runAppUrl = 'https://renewchannels-abc123-ew.a.run.app';
    const own = renewalJob(settings({ audience: runAppUrl })).job.httpTarget;
    expect(own.uri).toBe(`${base.publicBaseUrl}/renewChannels`);
    expect(own.oidcToken.audience).toBe(audienceTheFunctionExpects({ PUBLIC_BASE_URL: base.publicBaseUrl, SCHEDULER_AUDIENCE: runAppUrl }));
  });

  it('runs hourly in UTC, waits 300 s for an answer and retries twice with backoff', () => {
    const { job, parent } = renewalJob(settings());
    expect(parent).toBe('projects/acme-bookings/locations/europe-west1');
    expect(job.name).toBe(`projects/acme-bookings/locations/europe-west1/jobs/${JOB_ID}`);
    expect(job.schedule).toBe('7 * * * *');
    expect(job.timeZone).toBe('Etc/UTC');
    expect(job.attemptDeadline).toEqual({ seconds: 300 });
    expect(ATTEMPT_DEADLINE_SECONDS).toBe(300);
    expect(job.retryConfig).toEqual({ retryCount: 2, minBackoffDuration: { seconds: 60 }, maxBackoffDuration: { seconds: 300 } });
  });

  it('updates exactly the fields it sets, by their proto names, so a paused job stays paused', () => {
    const { job, updateMask } = renewalJob(settings());
    expect(updateMask.paths).toEqual(['description', 'schedule', 'time_zone', 'http_target', 'attempt_deadline', 'retry_config']);
    expect(Object.keys(job).filter((key) => key !== 'name')).toHaveLength(updateMask.paths.length);
    expect(updateMask.paths).not.toContain('state');
  });

  it('refuses a run budget that does not leave 30 s before the attempt deadline', () => {
    expect(settings({ budgetSeconds: '270' }).budgetSeconds).toBe(270);
    const tooLong = renewalJobSettingsSchema.safeParse({ ...base, budgetSeconds: '271' });
    expect(tooLong.success).toBe(false);
    expect(tooLong.error?.issues[0]?.path).toEqual(['budgetSeconds']);
  });

  it('refuses settings the Scheduler API or the function would not take, naming each', () => {
    const bad = renewalJobSettingsSchema.safeParse({
      project: 'Acme',
      region: 'europe',
      publicBaseUrl: 'http://europe-west1-acme.cloudfunctions.net',
      audience: 'not a url',
      serviceAccount: 'renewal-scheduler',
      budgetSeconds: 'soon',
    });
    expect(bad.error?.issues.map((i) => i.path[0]).sort()).toEqual(['audience', 'budgetSeconds', 'project', 'publicBaseUrl', 'region', 'serviceAccount']);
  });
});
