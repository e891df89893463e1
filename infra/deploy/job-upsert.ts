// Creates the job, or updates it if it exists: safe to run on every deploy, and by two builds at once.
import type { protos } from '@google-cloud/scheduler';
import type { RenewalJob } from './renewal-job';

type Job = protos.google.cloud.scheduler.v1.IJob;

/** gRPC status codes the Scheduler API answers with. */
const NOT_FOUND = 5;
const ALREADY_EXISTS = 6;

/** The calls used here, as CloudSchedulerClient has them (tests pass their own). */
export interface SchedulerJobs {
  getJob(request: { name: string }): Promise<unknown>;
  createJob(request: { parent: string; job: Job }): Promise<unknown>;
  updateJob(request: { job: Job; updateMask: { paths: string[] } }): Promise<unknown>;
}

/** The calls deleteStaleJobs uses, as CloudSchedulerClient has them. */
export interface SchedulerJobList {
  /** Every job in a location (the client's auto-paginating form returns them all). */
  listJobs(request: { parent: string }): Promise<[Job[], ...unknown[]]>;
  deleteJob(request: { name: string }): Promise<unknown>;
}

/**
 * Deletes the jobs `stale` picks from those in the location (shards a smaller UPKEEP_SHARDS no
 * longer has), after the new jobs are in place: for a while both may run, which loses nothing
 * (shared/upkeep/shards.ts). One already deleted by another build is not an error.
 */
export async function deleteStaleJobs(client: SchedulerJobList, parent: string, stale: (names: string[]) => string[]): Promise<string[]> {
  const [jobs] = await client.listJobs({ parent });
  const names = stale(jobs.map((job) => job.name ?? ''));
  for (const name of names) {
    await client.deleteJob({ name }).catch((error: unknown) => {
      if (codeOf(error) !== NOT_FOUND) throw error;
    });
  }
  return names;
}

/** get → update with the mask, or create when the job is not there (and update if another run just made it). */
export async function upsertJob(client: SchedulerJobs, { parent, job, updateMask }: RenewalJob): Promise<'created' | 'updated'> {
  const exists = await client.getJob({ name: job.name }).then(
    () => true,
    (error: unknown) => {
      if (codeOf(error) === NOT_FOUND) return false;
      throw error;
    },
  );
  if (!exists) {
    try {
      await client.createJob({ parent, job });
      return 'created';
    } catch (error) {
      if (codeOf(error) !== ALREADY_EXISTS) throw error;
    }
  }
  await client.updateJob({ job, updateMask });
  return 'updated';
}

function codeOf(error: unknown): unknown {
  return (error as { code?: unknown } | null)?.code;
}
