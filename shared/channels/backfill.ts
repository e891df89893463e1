// Creates the missing watch channels of existing hosts: every host whose default calendar is a
// connected Google calendar gets one. Safe to re-run: ensureChannel finds a live channel instead
// of watching twice.
import type { Subscriber, SubscriberRepository } from '../store/subscribers';
import type { ChannelService } from './channel-service';

export interface BackfillOptions {
  dryRun: boolean;
  concurrency: number;
  /** Called once the hosts are counted, and after each host. */
  onProgress?: (done: number, total: number) => void;
}

export interface BackfillReport {
  eligible: number;
  created: number;
  alreadyWatched: number;
  /** Dry run: would be created. */
  missing: number;
  failed: { subscriberId: string; error: string }[];
}

function eligible(host: Subscriber): host is Subscriber & { defaultCalendar: { provider: 'google'; calendarId: string } } {
  return host.defaultCalendar?.provider === 'google' && host.google?.status === 'ok';
}

export async function backfillChannels(deps: { subscribers: SubscriberRepository; channels: ChannelService }, options: BackfillOptions): Promise<BackfillReport> {
  const hosts: { id: string; subscriber: Subscriber & { defaultCalendar: { calendarId: string } } }[] = [];
  for await (const entry of deps.subscribers.all()) if (eligible(entry.subscriber)) hosts.push({ id: entry.id, subscriber: entry.subscriber });
  const report: BackfillReport = { eligible: hosts.length, created: 0, alreadyWatched: 0, missing: 0, failed: [] };
  let done = 0;
  options.onProgress?.(done, hosts.length);

  const one = async ({ id, subscriber }: (typeof hosts)[number]): Promise<void> => {
    const calendarId = subscriber.defaultCalendar.calendarId;
    try {
      if (options.dryRun) {
        if (await deps.channels.liveChannelOf(id, calendarId)) report.alreadyWatched += 1;
        else report.missing += 1;
      } else {
        const { created } = await deps.channels.ensureChannel(id, subscriber, calendarId);
        if (created) report.created += 1;
        else report.alreadyWatched += 1;
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
