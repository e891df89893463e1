// Availability views of one host, as a popular booking link gets them: 500 views of 14 days, 20
// at a time, through the real booking function, with the host's default calendar watched and
// synced (a few recurring series and ~200 single events over the horizon), so its busy data is
// trusted. Measured twice in the same run on the same emulator: "freeBusy per view" (the seed's
// strategy and ours before issue 15: a Google freeBusy call on every view) and the busy data the
// sync keeps. Per strategy: Google calls per view (the emulator's request counts) and p50/p99.
//
// The old strategy is the function's own code with no stored busy time to trust: the bench swaps
// the services' busy view, for its own process only, for one that trusts nothing and reads
// nothing, which is exactly the path availability takes without a busy view (every calendar asked
// of Google). No production switch. The emulator answers freeBusy locally, in well under a
// millisecond of its own: Google's round trip (tens to hundreds of ms) is not in the old numbers.
import { DateTime } from 'luxon';
import { services, syncDeps } from '../../functions/services';
import { BusyView, type CalendarBusy } from '../../shared/busy/busy-view';
import { trustPolicy } from '../../shared/busy/trust';
import { watchKey } from '../../shared/channels/watches';
import { syncCalendar } from '../../shared/sync/sync-channel';
import { forEachWithin } from '../../shared/work-pool';
import { busySettled } from '../integration/busy/host-calendar-api';
import type { Availability } from '../support/booking-client';
import type { TestHost, TestSystem } from '../support/system';
import { until } from '../support/until';
import { withLocalSystem } from './local-system';
import { percentile, ratio, round } from './stats';

const VIEWS = Number(process.env.BENCH_VIEWS ?? 500);
const AT_ONCE = 20;
/** Each strategy's views come in this many turns, alternating. */
const ROUNDS = 5;
/** Views one at a time, per strategy, after the concurrent ones. */
const ALONE = 50;
const WARM_UP = 20;
const HORIZON_DAYS = 14;
const SINGLES = 200;
const ZONE = 'Europe/Berlin';
/** Targets of issue 15 for a trusted view. */
const TARGET_P99_MS = 60;

/** The strategy availability followed before the sync kept busy time: every calendar asked of Google, nothing read. */
class FreeBusyPerView extends BusyView {
  override read(_hostId: string, calendarIds: string[]): Promise<CalendarBusy[]> {
    return Promise.resolve(calendarIds.map((calendarId): CalendarBusy => ({ calendarId, source: 'google', reason: 'not_watched' })));
  }
}

/** A working week's meetings (series) and ~200 one-off events over the horizon, in the host's own calendar. */
async function fill(sys: TestSystem, host: TestHost): Promise<void> {
  const token = await sys.accessToken(host);
  const insert = async (body: unknown) => {
    const res = await fetch(`${sys.google.url}/calendar/v3/calendars/${encodeURIComponent(host.calendarId)}/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`insert answered ${res.status}: ${await res.text()}`);
  };
  const today = DateTime.now().setZone(ZONE).startOf('day');
  const timed = (summary: string, start: DateTime, minutes: number, more: Record<string, unknown> = {}) => ({
    summary,
    start: { dateTime: start.toISO({ includeOffset: false }), timeZone: ZONE },
    end: { dateTime: start.plus({ minutes }).toISO({ includeOffset: false }), timeZone: ZONE },
    ...more,
  });
  const series = [
    timed('Stand-up', today.minus({ days: 60 }).set({ hour: 9 }), 15, { recurrence: ['RRULE:FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR'] }),
    timed('Lunch', today.minus({ days: 60 }).set({ hour: 12, minute: 30 }), 45, { recurrence: ['RRULE:FREQ=DAILY'] }),
    timed('Team review', today.minus({ days: 30 }).set({ hour: 15 }), 60, { recurrence: ['RRULE:FREQ=WEEKLY;BYDAY=TU,TH'] }),
    timed('1:1', today.minus({ days: 14 }).set({ hour: 11 }), 30, { recurrence: ['RRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=WE'] }),
    timed('Gym', today.set({ hour: 18 }), 90, { recurrence: ['RRULE:FREQ=WEEKLY;BYDAY=MO,WE,FR;COUNT=20'] }),
  ];
  const singles = Array.from({ length: SINGLES }, (_, n) => {
    // Spread over the horizon and a little past it, at varied times of the working day.
    const start = today.plus({ days: n % (HORIZON_DAYS + 4), hours: 8 + ((n * 5) % 10), minutes: 15 * (n % 4) });
    return timed(`Meeting ${n}`, start, 30 + 15 * (n % 3));
  });
  await forEachWithin([...series, ...singles], { concurrency: 8, deadline: Infinity }, insert);
}

interface Counts {
  total: number;
  byOperation: Record<string, number>;
}

interface Measured {
  latencies: number[];
  freeBusyCalls: number;
  googleCalls: number;
  slots: string;
}

async function views(sys: TestSystem, slug: string, count: number, atOnce: number): Promise<Measured> {
  const from = DateTime.utc().toISODate();
  const to = DateTime.utc().plus({ days: HORIZON_DAYS }).toISODate();
  const url = `${sys.functionsUrl}/booking/availability?host=${slug}&from=${from}&to=${to}`;
  const before = await sys.control<Counts>('/requests');
  const latencies: number[] = [];
  let slots = '';
  let started = 0;
  let failure: unknown;
  // `atOnce` guests viewing at once, each starting its next view when its last is answered.
  const guest = async (): Promise<void> => {
    while (started < count && failure === undefined) {
      started += 1;
      const t0 = performance.now();
      const res = await fetch(url);
      const body = await res.text();
      latencies.push(performance.now() - t0);
      if (res.status !== 200) failure ??= new Error(`availability answered ${res.status}: ${body}`);
      else slots = JSON.stringify((JSON.parse(body) as Availability).slots);
    }
  };
  await Promise.all(Array.from({ length: atOnce }, guest));
  if (failure !== undefined) throw failure;
  const after = await sys.control<Counts>('/requests');
  const op = (counts: Counts) => counts.byOperation['freeBusy.query'] ?? 0;
  return { latencies, freeBusyCalls: op(after) - op(before), googleCalls: after.total - before.total, slots };
}

const empty = (): Measured => ({ latencies: [], freeBusyCalls: 0, googleCalls: 0, slots: '' });

function joined(a: Measured, b: Measured): Measured {
  return { latencies: [...a.latencies, ...b.latencies], freeBusyCalls: a.freeBusyCalls + b.freeBusyCalls, googleCalls: a.googleCalls + b.googleCalls, slots: b.slots };
}

function row(strategy: string, measured: Measured, atOnce: number): Record<string, unknown> {
  return {
    benchmark: `availability views: ${strategy}`,
    views: measured.latencies.length,
    atOnce,
    freeBusyPerView: round(measured.freeBusyCalls / measured.latencies.length, 3),
    googleCallsPerView: round(measured.googleCalls / measured.latencies.length, 3),
    p50Ms: round(percentile(measured.latencies, 50)),
    p99Ms: round(percentile(measured.latencies, 99)),
  };
}

export function run(): Promise<Record<string, unknown>[]> {
  return withLocalSystem({ GOOGLE_INVITE_ENABLED: 'true' }, async (sys) => {
    const host = await sys.createHost();
    await fill(sys, host);
    const s = services();
    const subscriber = await s.subscribers.get(host.id);
    await s.channels.ensureChannel(host.id, subscriber!, host.calendarId);
    await until(async () => ((await syncCalendar(syncDeps(), watchKey(host.id, host.calendarId), 20_000)).outcome === 'synced' ? true : undefined), 'the first sync', 30_000);
    await busySettled({ host, calendarId: host.calendarId }, new Date(0));

    const stored = s.busy;
    const perView = new FreeBusyPerView(s.db, s.busyStore, s.channels.watches, s.channels.channels, trustPolicy(s.config.renewal.reconcileIntervalMs));
    const oldWay = async <T>(body: () => Promise<T>): Promise<T> => {
      s.busy = perView;
      try {
        return await body();
      } finally {
        s.busy = stored;
      }
    };
    await views(sys, host.slug, WARM_UP, 1);
    await oldWay(() => views(sys, host.slug, WARM_UP, 1));
    // The machine is shared: the strategies take turns in rounds, so a load that comes and goes
    // falls on both alike.
    let old = empty();
    let now = empty();
    for (let turn = 0; turn < ROUNDS; turn += 1) {
      old = joined(old, await oldWay(() => views(sys, host.slug, Math.ceil(VIEWS / ROUNDS), AT_ONCE)));
      now = joined(now, await views(sys, host.slug, Math.ceil(VIEWS / ROUNDS), AT_ONCE));
    }
    // One at a time: a view's own time, without the queue 20 at once make on two cores.
    const oldAlone = await oldWay(() => views(sys, host.slug, ALONE, 1));
    const nowAlone = await views(sys, host.slug, ALONE, 1);
    if (now.slots !== old.slots || nowAlone.slots !== old.slots) throw new Error('the two strategies offered different slots: the bench compares unlike answers');

    const p99 = percentile(now.latencies, 99);
    return [
      row('freeBusy per view (seed, before)', old, AT_ONCE),
      row('busy data (trusted)', now, AT_ONCE),
      row('freeBusy per view (seed, before)', oldAlone, 1),
      row('busy data (trusted)', nowAlone, 1),
      {
        benchmark: 'availability views: busy data vs freeBusy per view',
        offeredSlots: (JSON.parse(now.slots) as unknown[]).length,
        sameSlots: true,
        // (b)/(a): under 1 is faster than freeBusy per view.
        p50BusyOverFreeBusy: ratio(percentile(now.latencies, 50), percentile(old.latencies, 50)),
        p99BusyOverFreeBusy: ratio(p99, percentile(old.latencies, 99)),
        googleCallsSavedPerView: round(old.googleCalls / old.latencies.length - now.googleCalls / now.latencies.length, 3),
        targetZeroCalls: now.googleCalls === 0 ? 'met' : `missed: ${now.googleCalls} calls`,
        targetP99Under60Ms: p99 < TARGET_P99_MS ? 'met' : `missed by ${round(p99 - TARGET_P99_MS)} ms`,
      },
    ];
  });
}
