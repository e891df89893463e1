import { busyTime, type BusyTimeDeps } from '../../../shared/booking/availability-service';
import type { BusyView, CalendarBusy } from '../../../shared/busy/busy-view';
import type { CalendarSession } from '../../../shared/google/calendar';
import type { Logger } from '../../../shared/log';
import type { Subscriber } from '../../../shared/store/subscribers';
import { watchKey } from '../../../shared/channels/watches';

const range = { start: new Date('2026-12-02T00:00:00Z'), end: new Date('2026-12-03T00:00:00Z') };
const host = {
  google: { status: 'ok' },
  defaultCalendar: { provider: 'google', calendarId: 'main' },
  conflictCalendarIds: ['personal', 'family'],
} as unknown as Subscriber;
const t = (hour: number) => new Date(Date.UTC(2026, 11, 2, hour));

/** The host's claim cells: which slots they name, and the time they hold. */
interface Held {
  slotIds?: string[];
  busy?: { start: Date; end: Date }[];
}

function deps(stored: CalendarBusy[], google: Record<string, { start: string; end: string }[]> = {}, held: Held = {}, owners: Record<string, string> = {}) {
  const asked: string[][] = [];
  const ownersRead: string[][] = [];
  const readCalls: { calendarIds: string[] }[] = [];
  const logged: unknown[] = [];
  const session = {
    freeBusy: async (ids: string[]) => {
      asked.push(ids);
      return new Map(ids.map((id) => [id, google[id] ?? []]));
    },
  } as unknown as CalendarSession;
  const busy = {
    read: async (_hostId: string, calendarIds: string[]) => {
      readCalls.push({ calendarIds });
      return stored;
    },
  } as unknown as BusyView;
  const value: BusyTimeDeps = {
    slots: {
      heldTimeBySlot: async () => ({ busy: held.busy ?? [], slotIds: new Set(held.slotIds ?? []) }),
      hostsOf: async (slotIds: string[]) => {
        if (slotIds.length > 0) ownersRead.push(slotIds);
        return new Map(slotIds.filter((id) => owners[id]).map((id) => [id, owners[id]!]));
      },
    } as unknown as BusyTimeDeps['slots'],
    calendars: { sessionFor: () => session },
    busy,
    now: () => t(0),
    log: { info: (fields: unknown) => logged.push(fields) } as unknown as Logger,
  };
  return { value, asked, readCalls, logged, ownersRead };
}

describe("busy time over a host's calendars", () => {
  it('trusted calendars are read from stored busy time only: Google is not asked', async () => {
    const { value, asked, readCalls } = deps([
      { calendarId: 'main', source: 'stored', intervals: [{ start: t(9).getTime(), end: t(10).getTime() }], bookings: [] },
      { calendarId: 'personal', source: 'stored', intervals: [{ start: t(12).getTime(), end: t(13).getTime() }], bookings: [] },
      { calendarId: 'family', source: 'stored', intervals: [], bookings: [] },
    ]);
    expect(await busyTime(value, 'h', host, range)).toEqual([
      { start: t(9), end: t(10) },
      { start: t(12), end: t(13) },
    ]);
    expect(readCalls).toEqual([{ calendarIds: ['main', 'personal', 'family'] }]);
    expect(asked).toEqual([]);
  });

  it('only the untrusted calendars are asked of Google, in one call, each logged with why', async () => {
    const { value, asked, logged } = deps(
      [
        { calendarId: 'main', source: 'stored', intervals: [], bookings: [] },
        { calendarId: 'personal', source: 'google', reason: 'stale' },
        { calendarId: 'family', source: 'google', reason: 'channel_expiring' },
      ],
      { personal: [{ start: t(14).toISOString(), end: t(15).toISOString() }] },
    );
    expect(await busyTime(value, 'h', host, range)).toEqual([{ start: t(14), end: t(15) }]);
    expect(asked).toEqual([['personal', 'family']]);
    expect(logged).toEqual([
      // A calendar id is often an address: the log names the calendar by its watch key.
      { hostId: 'h', watch: watchKey('h', 'personal'), busySource: 'google', reason: 'stale' },
      { hostId: 'h', watch: watchKey('h', 'family'), busySource: 'google', reason: 'channel_expiring' },
    ]);
    expect(JSON.stringify(logged)).not.toMatch(/personal|family/);
  });

  it("a reschedule's own event is left out of Google's answer by its time, on its own calendar only, and its cells are not asked for", async () => {
    const own = { slotId: 'slot-1', event: { start: t(9), end: t(10) } };
    const { value } = deps(
      [
        { calendarId: 'main', source: 'google', reason: 'stale' },
        { calendarId: 'personal', source: 'google', reason: 'stale' },
        { calendarId: 'family', source: 'stored', intervals: [], bookings: [] },
      ],
      { main: [{ start: t(8).toISOString(), end: t(10).toISOString() }], personal: [{ start: t(9).toISOString(), end: t(10).toISOString() }] },
    );
    expect(await busyTime(value, 'h', host, range, own)).toEqual([
      { start: t(8), end: t(9) },
      { start: t(9), end: t(10) },
    ]);
  });
});

describe("our own booking events in stored busy time", () => {
  const booking = (slotId: string, hour: number) => ({ slotId, intervals: [{ start: t(hour).getTime(), end: t(hour + 1).getTime() }] });

  it("the host's own bookings count from their claim cells only: a cancelled one's event, still stored, blocks nothing", async () => {
    const { value, ownersRead } = deps(
      [{ calendarId: 'main', source: 'stored', intervals: [{ start: t(7).getTime(), end: t(8).getTime() }], bookings: [booking('live', 9), booking('cancelled', 11)] }],
      {},
      { slotIds: ['live'], busy: [{ start: t(9), end: t(10) }] },
      { cancelled: 'h' },
    );
    expect(await busyTime(value, 'h', host, range)).toEqual([
      { start: t(9), end: t(10) },
      { start: t(7), end: t(8) },
    ]);
    // A slot the cells name is the host's: only the others are read.
    expect(ownersRead).toEqual([['cancelled']]);
  });

  it("a moved booking's event at its old time blocks nothing: its cells hold the new time", async () => {
    const { value, ownersRead } = deps([{ calendarId: 'main', source: 'stored', intervals: [], bookings: [booking('moved', 9)] }], {}, { slotIds: ['moved'], busy: [{ start: t(14), end: t(15) }] });
    expect(await busyTime(value, 'h', host, range)).toEqual([{ start: t(14), end: t(15) }]);
    expect(ownersRead).toEqual([]);
  });

  it("another host's booking (the host as its guest) and an event of ours with no slot still block", async () => {
    const { value } = deps([{ calendarId: 'personal', source: 'stored', intervals: [], bookings: [booking('as-guest', 9), booking('no-slot', 12)] }], {}, {}, { 'as-guest': 'other-host' });
    expect(await busyTime(value, 'h', host, range)).toEqual([
      { start: t(9), end: t(10) },
      { start: t(12), end: t(13) },
    ]);
  });

  it("a reschedule's own slot is the host's: its event is left out though its cells are not counted", async () => {
    const { value, ownersRead } = deps([{ calendarId: 'main', source: 'stored', intervals: [], bookings: [booking('slot-1', 9)] }], {}, { slotIds: ['slot-1'] });
    expect(await busyTime(value, 'h', host, range, { slotId: 'slot-1', event: { start: t(9), end: t(10) } })).toEqual([]);
    expect(ownersRead).toEqual([]);
  });
});
