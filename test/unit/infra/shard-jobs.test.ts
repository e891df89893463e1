import { parseConfig } from '../../../shared/config';
import { deleteStaleJobs, type SchedulerJobList } from '../../../infra/deploy/job-upsert';
import { deployProblems } from '../../../infra/deploy/deploy-settings';
import { JOB_ID, renewalJobs, renewalJobSettingsSchema, staleJobNames } from '../../../infra/deploy/renewal-job';

const base = {
  project: 'acme-bookings',
  region: 'europe-west1',
  publicBaseUrl: 'https://europe-west1-acme-bookings.cloudfunctions.net',
  serviceAccount: 'renewal-scheduler@acme-bookings.iam.gserviceaccount.com',
  budgetSeconds: '240',
};
const parent = 'projects/acme-bookings/locations/europe-west1';
const settings = (shards?: string) => renewalJobSettingsSchema.parse({ ...base, shards });

describe('one scheduler job per upkeep shard', () => {
  it('one shard (the default): the one job from before shards, calling the whole install', () => {
    const jobs = renewalJobs(settings());
    expect(jobs).toHaveLength(1);
    expect(jobs[0]!.job.name).toBe(`${parent}/jobs/${JOB_ID}`);
    expect(jobs[0]!.job.httpTarget.uri).toBe(`${base.publicBaseUrl}/renewChannels`);
  });

  it('three shards: shard 0 keeps that job, the others have jobs of their own; each names its shard, all with the same audience', () => {
    const jobs = renewalJobs(settings('3'));
    expect(jobs.map(({ job }) => [job.name, job.httpTarget.uri])).toEqual([
      [`${parent}/jobs/renew-channels`, `${base.publicBaseUrl}/renewChannels?shard=0&of=3`],
      [`${parent}/jobs/renew-channels-shard-1`, `${base.publicBaseUrl}/renewChannels?shard=1&of=3`],
      [`${parent}/jobs/renew-channels-shard-2`, `${base.publicBaseUrl}/renewChannels?shard=2&of=3`],
    ]);
    // The function checks the token against its bare URL (shared/config.ts): the query is not in it.
    const audience = parseConfig({ SCHEDULER_SERVICE_ACCOUNT: base.serviceAccount, PUBLIC_BASE_URL: base.publicBaseUrl }).scheduler.audience;
    for (const { job } of jobs) expect(job.httpTarget.oidcToken.audience).toBe(audience);
  });

  it('from 5 shards to 3, the jobs of shards 3 and 4 are stale; no other job is', () => {
    const existing = [
      `${parent}/jobs/renew-channels`,
      ...[1, 2, 3, 4].map((i) => `${parent}/jobs/renew-channels-shard-${i}`),
      `${parent}/jobs/nightly-export`,
      'projects/acme-bookings/locations/us-east1/jobs/renew-channels-shard-7',
    ];
    expect(staleJobNames(existing, settings('3'), parent)).toEqual([`${parent}/jobs/renew-channels-shard-3`, `${parent}/jobs/renew-channels-shard-4`]);
    expect(staleJobNames(existing, settings('5'), parent)).toEqual([]);
  });

  it('deletes the stale jobs, one another build already deleted included', async () => {
    const deleted: string[] = [];
    const client: SchedulerJobList = {
      listJobs: () => Promise.resolve([[{ name: `${parent}/jobs/renew-channels` }, { name: `${parent}/jobs/renew-channels-shard-1` }, { name: `${parent}/jobs/renew-channels-shard-2` }]]),
      deleteJob: ({ name }) => {
        deleted.push(name);
        return name.endsWith('2') ? Promise.reject(Object.assign(new Error('gone'), { code: 5 })) : Promise.resolve([{}]);
      },
    };
    expect(await deleteStaleJobs(client, parent, (names) => staleJobNames(names, settings('1'), parent))).toEqual([
      `${parent}/jobs/renew-channels-shard-1`,
      `${parent}/jobs/renew-channels-shard-2`,
    ]);
    expect(deleted).toHaveLength(2);
  });

  it.each([
    ['0', 'must be at least 1'],
    ['257', 'must be at most 256'],
    ['two', 'must be a whole number'],
  ])('refuses UPKEEP_SHARDS=%s at deploy, naming it', (shards, message) => {
    const problems = deployProblems({
      envVars: `APP_ENV=production,NODE_ENV=production,PUBLIC_BASE_URL=${base.publicBaseUrl},GOOGLE_CLOUD_PROJECT=acme-bookings,GOOGLE_OAUTH_CLIENT_ID=x.apps.googleusercontent.com,MAIL_FROM=b@example.org,SCHEDULER_AUTH=iam,SCHEDULER_SERVICE_ACCOUNT=${base.serviceAccount},UPKEEP_SHARDS=${shards}`,
      secrets: 'GOOGLE_OAUTH_CLIENT_SECRET=a:1,SENDGRID_API_KEY=b:1,LINK_SIGNING_SECRET=c:1,TOKEN_ENCRYPTION_KEY=d:1',
      region: 'europe-west1',
    });
    expect(problems).toEqual([`UPKEEP_SHARDS ${message}`]);
  });
});
