// Creates the missing watch channels of existing hosts: every host whose default calendar is a
// connected Google calendar gets one on it, and one on each calendar checked for conflicts. Safe
// to re-run: ensureChannel finds a live channel instead of watching twice.
import type { Subscriber, SubscriberRepository } from '../store/subscribers';
import { watchedCalendarsOf } from '../upkeep/decisions';
import type { ChannelService } from './channel-service';

export interface BackfillOptions {
  dryRun: boolean;
  concurrency: number;
  /** Called once the hosts are counted, and after each host. */
  onProgress?: (done: number, total: number) => void;
}

export interface BackfillReport {
  /** Hosts with a calendar to watch. */
  eligible: number;
  /** Channels (one per watched calendar) made, found live, or (dry run) that would be made. */
  created: number;
  alreadyWatched: number;
  missing: number;
  failed: { subscriberId: string; error: string }[];
}

export async function backfillChannels(deps: { subscribers: SubscriberRepository; channels: ChannelService }, options: BackfillOptions): Promise<BackfillReport> {
  const hosts: { id: string; subscriber: Subscriber }[] = [];
  for await (const entry of deps.subscribers.all()) if (watchedCalendarsOf(entry.subscriber).length > 0) hosts.push(entry);
  const report: BackfillReport = { eligible: hosts.length, created: 0, alreadyWatched: 0, missing: 0, failed: [] };
  let done = 0;
  options.onProgress?.(done, hosts.length);

  // Counted per calendar; a host's failure stops its remaining calendars (one report line each).
  const one = async ({ id, subscriber }: (typeof hosts)[number]): Promise<void> => {
    try {
      for (const calendarId of watchedCalendarsOf(subscriber)) {
        if (options.dryRun) {
          if (await deps.channels.liveChannelOf(id, calendarId)) report.alreadyWatched += 1;
          else report.missing += 1;
        } else {
          const { created } = await deps.channels.ensureChannel(id, subscriber, calendarId);
          if (created) report.created += 1;
          else report.alreadyWatched += 1;
        }
      }
    } catch (error) {
      report.failed.push({ subscriberId: id, error: error instanceof Error ? error.message : String(error) });
    }
    done += 1;
    options.onProgress?.(done, hosts.length);
  };

  // Bounded concurrency: a few hosts at a time, so Google's per-project rate limits hold.
  let next = 0;
  const workers = Array.from({ length: Math.max(1, Math.min(options.concurrency, hosts.length)) }, async () => {
    while (next < hosts.length) {
      const host = hosts[next];
      next += 1;
      if (host) await one(host);
    }
  });
  await Promise.all(workers);
  return report;
}
