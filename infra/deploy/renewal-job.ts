// The Cloud Scheduler job that starts `renewChannels`, as plain data: the settings it is made from
// (checked with zod) and the Job and update mask sent to the Scheduler API. No I/O here, so the
// job is tested as a value; infra/deploy/scheduler-job.ts does the calls.
import type { protos } from '@google-cloud/scheduler';
import { z } from 'zod';
import { MAX_SHARDS } from '../../shared/upkeep/shards';

type Job = protos.google.cloud.scheduler.v1.IJob;

export const JOB_ID = 'renew-channels';

/**
 * Shard 0 keeps the job from before shards (JOB_ID); shard i > 0 is `renew-channels-shard-i`, so
 * the jobs of shards a smaller count no longer has are found by name and deleted.
 */
export const SHARD_JOB_PREFIX = `${JOB_ID}-shard-`;

/** Hourly, at minute 7: the renewal window is 48 h, and off the top of the hour most jobs crowd. */
export const SCHEDULE = '7 * * * *';
export const TIME_ZONE = 'Etc/UTC';

/**
 * The scheduler waits this long for an answer before it counts the attempt as failed. It equals
 * the function's `--timeout` in cloudbuild.yaml: a shorter deadline would retry a run that is
 * still working, a longer one would wait for a run Cloud Run has already cut off.
 */
export const ATTEMPT_DEADLINE_SECONDS = 300;

/**
 * The run stops taking new work at RENEWAL_BUDGET_SECONDS, but a Calendar call in flight (with its
 * retries) still has to finish and the summary be sent before the deadline.
 */
export const BUDGET_MARGIN_SECONDS = 30;

/**
 * A failed run is tried twice more, a minute and then up to five minutes later; after that the next
 * hourly run resumes from the cursor anyway (Scheduler allows at most 5 retries).
 */
export const RETRY = { retryCount: 2, minBackoffSeconds: 60, maxBackoffSeconds: 300 } as const;

const budgetSeconds = z
  .string()
  .regex(/^\d+$/, { error: 'must be a whole number of seconds' })
  .transform(Number)
  .pipe(
    z.number().max(ATTEMPT_DEADLINE_SECONDS - BUDGET_MARGIN_SECONDS, {
      error: `must leave ${BUDGET_MARGIN_SECONDS} s before the scheduler's ${ATTEMPT_DEADLINE_SECONDS} s attempt deadline (at most ${ATTEMPT_DEADLINE_SECONDS - BUDGET_MARGIN_SECONDS})`,
    }),
  );

/** What the job is made from; the names follow the functions' own settings (shared/config.ts). */
export const renewalJobSettingsSchema = z.object({
  project: z.string().regex(/^[a-z][a-z0-9-]{4,28}[a-z0-9]$/, { error: 'must be a Google Cloud project id' }),
  region: z.string().regex(/^[a-z]+-[a-z]+\d+$/, { error: 'must be a region such as europe-west1' }),
  publicBaseUrl: z.url({ protocol: /^https$/, error: 'must be an https URL (Cloud Scheduler calls it)' }),
  /** SCHEDULER_AUDIENCE, when set; otherwise the audience is the function's URL, as in the function. */
  audience: z.url({ protocol: /^https$/, error: 'must be an https URL' }).optional(),
  serviceAccount: z.email({ error: "must be the email of the scheduler's service account" }),
  /** RENEWAL_BUDGET_SECONDS: checked here only, the job does not carry it. */
  budgetSeconds,
  /** UPKEEP_SHARDS: one job per shard (shared/upkeep/shards.ts). */
  shards: z
    .string()
    .regex(/^\d+$/, { error: 'must be a whole number' })
    .transform(Number)
    .pipe(z.number().min(1, { error: 'must be at least 1' }).max(MAX_SHARDS, { error: `must be at most ${MAX_SHARDS}` }))
    .default(1),
});

export type RenewalJobSettings = z.output<typeof renewalJobSettingsSchema>;

export interface RenewalJob {
  /** `projects/P/locations/R`, where the job is created. */
  parent: string;
  job: Job & {
    name: string;
    schedule: string;
    timeZone: string;
    httpTarget: { uri: string; httpMethod: 'POST'; oidcToken: { serviceAccountEmail: string; audience: string } };
  };
  /** The fields an update replaces: everything we set, nothing else (so a paused job stays paused). */
  updateMask: { paths: string[] };
}

/** The function's URL and the audience its check expects (shared/config.ts: SCHEDULER_AUDIENCE or `${PUBLIC_BASE_URL}/renewChannels`). */
export function renewalTarget(settings: Pick<RenewalJobSettings, 'publicBaseUrl' | 'audience'>): { uri: string; audience: string } {
  const uri = `${settings.publicBaseUrl.replace(/\/+$/, '')}/renewChannels`;
  return { uri, audience: settings.audience ?? uri };
}

/** The jobs UPKEEP_SHARDS asks for: one, calling the whole install, or one per shard. */
export function renewalJobs(settings: RenewalJobSettings): RenewalJob[] {
  return Array.from({ length: settings.shards }, (_, index) => renewalJob(settings, index));
}

/** Of the jobs in the location, those of shards beyond the count: they are deleted after the upsert. */
export function staleJobNames(existing: string[], settings: RenewalJobSettings, parent: string): string[] {
  return existing.filter((name) => {
    const match = new RegExp(`^${parent}/jobs/${SHARD_JOB_PREFIX}(\\d+)$`).exec(name);
    return match !== null && Number(match[1]) >= settings.shards;
  });
}

export function renewalJob(settings: RenewalJobSettings, shard = 0): RenewalJob {
  const parent = `projects/${settings.project}/locations/${settings.region}`;
  const { uri, audience } = renewalTarget(settings);
  const count = settings.shards;
  const fields = {
    description:
      count === 1
        ? 'Renews Google Calendar watch channels, heals missing ones, reconciles every calendar and resends queued mail'
        : `Shard ${shard} of ${count} of the upkeep: renews, heals and reconciles its calendars' channels${shard === 0 ? ', and resends queued mail' : ''}`,
    schedule: SCHEDULE,
    timeZone: TIME_ZONE,
    httpTarget: {
      // The shard is in the URL (functions/renew-channels); the token's audience stays the bare URL.
      uri: count === 1 ? uri : `${uri}?shard=${shard}&of=${count}`,
      httpMethod: 'POST' as const,
      // Cloud Run checks this token (IAM: the scheduler's account is the only invoker), and the
      // function checks its audience and email again.
      oidcToken: { serviceAccountEmail: settings.serviceAccount, audience },
    },
    attemptDeadline: { seconds: ATTEMPT_DEADLINE_SECONDS },
    retryConfig: {
      retryCount: RETRY.retryCount,
      minBackoffDuration: { seconds: RETRY.minBackoffSeconds },
      maxBackoffDuration: { seconds: RETRY.maxBackoffSeconds },
    },
  } satisfies Job;
  return {
    parent,
    job: { name: `${parent}/jobs/${shard === 0 ? JOB_ID : `${SHARD_JOB_PREFIX}${shard}`}`, ...fields },
    // Field masks name the proto fields (snake_case), and are derived from what is set so that a
    // field added above is also updated on existing jobs.
    updateMask: { paths: Object.keys(fields).map((key) => key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)) },
  };
}
