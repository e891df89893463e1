// The calendar's busy time, kept by its sync from the pages it lists (../store/busy-store.ts):
// what the watch records about it, and its rebuild from a full listing. Runs under the sync's
// lease (./sync-channel.ts), so one writer per calendar at a time.
import type { Coverage } from '../busy/busy-plan';
import type { Watch } from '../channels/watches';
import type { CalendarSession } from '../google/calendar';
import type { BusyStore } from '../store/busy-store';
import type { Subscriber } from '../store/subscribers';

export interface KeepBusyDeps {
  busy: BusyStore;
  /** The calendar's watch key. */
  key: string;
  now: () => Date;
  /** Writes fields of the watch while the sync still holds its lease (else the sync stops). */
  recordOnWatch(fields: Partial<Watch>): Promise<void>;
}

/** The days the watch's busy time covers, if it was built. */
export function busyCoverageOf(watch: Watch): Coverage | undefined {
  if (!watch.busyCoveredFrom || !watch.busyCoveredUntil) return undefined;
  return { from: watch.busyCoveredFrom.getTime(), until: watch.busyCoveredUntil.getTime() };
}

/** What a sync that kept the busy time records on the watch (../busy/trust.ts reads it). */
export function busyKept(coverage: Coverage, listedFrom: Date, timeZone: string): Partial<Watch> {
  return { busyCoveredFrom: new Date(coverage.from), busyCoveredUntil: new Date(coverage.until), busyCompleteAt: listedFrom, busyTimeZone: timeZone };
}

/**
 * The calendar's busy time rebuilt from its full listing (the one that takes a fresh token):
 * first marked unbuilt (availability asks Google meanwhile), then emptied, then every page kept.
 * Returns the listing's token and what to record once the caller is done with it.
 */
export async function rebuildBusy(
  deps: KeepBusyDeps,
  watch: Watch,
  host: Subscriber,
  session: CalendarSession,
  stillOurs: () => Promise<void>,
  horizon: Coverage,
): Promise<{ token?: string; kept: Partial<Watch> }> {
  const listedFrom = deps.now();
  await deps.recordOnWatch({ busyCoveredFrom: null, busyCoveredUntil: null });
  await deps.busy.reset(deps.key);
  let token: string | undefined;
  let timeZone = host.timezone;
  for await (const page of session.fullListing(watch.calendarId)) {
    await stillOurs();
    timeZone = page.timeZone ?? timeZone;
    await deps.busy.applyPage(deps.key, page.events, timeZone, horizon);
    token = page.nextSyncToken ?? token;
  }
  return { token, kept: busyKept(horizon, listedFrom, timeZone) };
}
