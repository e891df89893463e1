import { upsertJob, type SchedulerJobs } from '../../../infra/deploy/job-upsert';
import { renewalJob, renewalJobSettingsSchema } from '../../../infra/deploy/renewal-job';

const plan = renewalJob(
  renewalJobSettingsSchema.parse({
    project: 'acme-bookings',
    region: 'europe-west1',
    publicBaseUrl: 'https://europe-west1-acme-bookings.cloudfunctions.net',
    serviceAccount: 'renewal-scheduler@acme-bookings.iam.gserviceaccount.com',
    budgetSeconds: '240',
  }),
);

/** A Scheduler API that records the calls and answers get/create with the given gRPC errors. */
function scheduler(answers: { get?: number; create?: number }) {
  const calls: string[] = [];
  const fail = (code: number) => Promise.reject(Object.assign(new Error(`grpc ${code}`), { code }));
  const client: SchedulerJobs = {
    getJob: ({ name }) => {
      calls.push(`get ${name}`);
      return answers.get ? fail(answers.get) : Promise.resolve([{}]);
    },
    createJob: ({ parent, job }) => {
      calls.push(`create ${job.name} in ${parent}`);
      return answers.create ? fail(answers.create) : Promise.resolve([job]);
    },
    updateJob: ({ job, updateMask }) => {
      calls.push(`update ${job.name} ${updateMask.paths.join(',')}`);
      return Promise.resolve([job]);
    },
  };
  return { client, calls };
}

const name = 'projects/acme-bookings/locations/europe-west1/jobs/renew-channels';
const mask = 'description,schedule,time_zone,http_target,attempt_deadline,retry_config';

describe('creating or updating the renewal job', () => {
  it('creates the job when Scheduler does not have it', async () => {
    const { client, calls } = scheduler({ get: 5 });
    await expect(upsertJob(client, plan)).resolves.toBe('created');
    expect(calls).toEqual([`get ${name}`, `create ${name} in projects/acme-bookings/locations/europe-west1`]);
  });

  it('updates an existing job with the update mask, creating nothing', async () => {
    const { client, calls } = scheduler({});
    await expect(upsertJob(client, plan)).resolves.toBe('updated');
    expect(calls).toEqual([`get ${name}`, `update ${name} ${mask}`]);
  });

  it('updates instead when another deploy created the job in between', async () => {
    const { client, calls } = scheduler({ get: 5, create: 6 });
    await expect(upsertJob(client, plan)).resolves.toBe('updated');
    expect(calls).toEqual([`get ${name}`, `create ${name} in projects/acme-bookings/locations/europe-west1`, `update ${name} ${mask}`]);
  });

  it('stops on any other error, changing nothing', async () => {
    const { client, calls } = scheduler({ get: 7 });
    await expect(upsertJob(client, plan)).rejects.toMatchObject({ code: 7 });
    expect(calls).toEqual([`get ${name}`]);
  });
});
