// Channels that expire at chosen times, for the ops commands that care: the Google emulator grants
// 30 days from its own clock, so a channel watched with that clock turned back N days expires N
// days sooner. The command under test runs in a child process on real time, as in production.
import { services } from '../../../functions/services';
import type { TestHost, TestSystem } from '../../support/system';

export const DAY_MS = 24 * 3_600_000;

/** A new host, its default calendar watched (as first-time setup does) `daysAgo` days ago. */
export async function hostWatchedDaysAgo(sys: TestSystem, daysAgo: number): Promise<{ host: TestHost; channelId: string }> {
  const shift = -daysAgo * DAY_MS;
  await sys.control('/clock', { advanceMs: shift });
  try {
    const host = await sys.createHost();
    const s = services();
    const { channelId } = await s.channels.ensureChannel(host.id, (await s.subscribers.get(host.id))!, host.calendarId);
    return { host, channelId };
  } finally {
    await sys.control('/clock', { advanceMs: -shift });
  }
}
