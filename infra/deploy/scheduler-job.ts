// `npm run scheduler -- [flags]`: creates the Cloud Scheduler jobs that call `renewChannels` (one per
// upkeep shard), or brings existing ones up to date, then deletes the jobs of shards beyond the
// count; running it again changes nothing. Cloud Build runs it after the
// deploy (cloudbuild.yaml); an operator can run it too, with Application Default Credentials.
//
// Each setting comes from a flag or else from the variable the functions themselves read, so the
// job is made from the very values the function checks its caller against:
//   --project           GOOGLE_CLOUD_PROJECT
//   --region            REGION                      where the job lives (the functions' region)
//   --public-base-url   PUBLIC_BASE_URL             the job calls ${PUBLIC_BASE_URL}/renewChannels
//   --audience          SCHEDULER_AUDIENCE          the OIDC audience; by default that same URL
//   --service-account   SCHEDULER_SERVICE_ACCOUNT   the account the scheduler's token is for
//   --budget-seconds    RENEWAL_BUDGET_SECONDS      checked against the attempt deadline (default 240)
//   --shards            UPKEEP_SHARDS               how many jobs share the upkeep (default 1)
//   --dry-run           print the job and the update mask; call nothing
import { parseArgs } from 'node:util';
import { CloudSchedulerClient } from '@google-cloud/scheduler';
import { deleteStaleJobs, upsertJob } from './job-upsert';
import { renewalJobs, renewalJobSettingsSchema, staleJobNames } from './renewal-job';

const USAGE =
  'usage: npm run scheduler -- --project ID --region REGION --public-base-url URL --service-account EMAIL [--audience URL] [--budget-seconds N] [--shards N] [--dry-run]';

class UsageError extends Error {}

class SettingsError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid scheduler job settings:\n  ${problems.join('\n  ')}`);
  }
}

/** Each setting's flag and the variable it falls back to, to name both in an error. */
const SOURCES = {
  project: ['--project', 'GOOGLE_CLOUD_PROJECT'],
  region: ['--region', 'REGION'],
  publicBaseUrl: ['--public-base-url', 'PUBLIC_BASE_URL'],
  audience: ['--audience', 'SCHEDULER_AUDIENCE'],
  serviceAccount: ['--service-account', 'SCHEDULER_SERVICE_ACCOUNT'],
  budgetSeconds: ['--budget-seconds', 'RENEWAL_BUDGET_SECONDS'],
  shards: ['--shards', 'UPKEEP_SHARDS'],
} as const;

function settingsFrom(argv: string[], env: NodeJS.ProcessEnv) {
  let parsedArgs;
  try {
    parsedArgs = parseArgs({
      args: argv,
      options: {
        project: { type: 'string' },
        region: { type: 'string' },
        'public-base-url': { type: 'string' },
        audience: { type: 'string' },
        'service-account': { type: 'string' },
        'budget-seconds': { type: 'string' },
        shards: { type: 'string' },
        'dry-run': { type: 'boolean', default: false },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values } = parsedArgs;
  // An empty value means "not set", as it does for the functions' settings (Cloud Build passes
  // SCHEDULER_AUDIENCE empty when the default audience is wanted).
  const given = (key: keyof typeof SOURCES) => {
    const [flag, name] = SOURCES[key];
    return values[flag.slice(2) as keyof typeof values] || env[name] || undefined;
  };
  const raw = {
    project: given('project'),
    region: given('region'),
    publicBaseUrl: given('publicBaseUrl'),
    audience: given('audience'),
    serviceAccount: given('serviceAccount'),
    budgetSeconds: given('budgetSeconds') ?? '240',
    shards: given('shards') ?? '1',
  };
  const parsed = renewalJobSettingsSchema.safeParse(raw);
  if (!parsed.success) {
    throw new SettingsError(
      parsed.error.issues.map((issue) => {
        const key = issue.path[0] as keyof typeof SOURCES;
        const [flag, name] = SOURCES[key];
        return raw[key] === undefined ? `${flag} (or ${name}) is required` : `${flag} (or ${name}) ${issue.message}`;
      }),
    );
  }
  return { settings: parsed.data, dryRun: values['dry-run'] === true };
}

async function main(argv: string[]): Promise<void> {
  const { settings, dryRun } = settingsFrom(argv, process.env);
  const plans = renewalJobs(settings);
  if (dryRun) {
    console.log(JSON.stringify(plans, null, 2));
    return;
  }
  const client = new CloudSchedulerClient();
  try {
    // Every job of the new count first, then the old count's extra jobs go: no shard is left
    // without a job in between.
    for (const plan of plans) {
      const outcome = await upsertJob(client, plan);
      const { uri, oidcToken } = plan.job.httpTarget;
      console.log(`${outcome} ${plan.job.name}: POST ${uri} (${plan.job.schedule} ${plan.job.timeZone}) as ${oidcToken.serviceAccountEmail}, audience ${oidcToken.audience}`);
    }
    const parent = plans[0]!.parent;
    for (const name of await deleteStaleJobs(client, parent, (names) => staleJobNames(names, settings, parent))) {
      console.log(`deleted ${name}: its shard is beyond UPKEEP_SHARDS=${settings.shards}`);
    }
  } finally {
    await client.close();
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  const usage = error instanceof UsageError || error instanceof SettingsError;
  console.error(usage ? `${error.message}\n${USAGE}` : error);
  process.exitCode = usage ? 2 : 1;
});
