import { busyTime, type BusyTimeDeps } from '../../../shared/booking/availability-service';
import type { BusyView, CalendarBusy } from '../../../shared/busy/busy-view';
import type { CalendarSession } from '../../../shared/google/calendar';
import { eventIdForSlot } from '../../../shared/google/event-identity';
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

function deps(stored: CalendarBusy[], google: Record<string, { start: string; end: string }[]> = {}) {
  const asked: string[][] = [];
  const readCalls: { calendarIds: string[]; exceptEventId?: string }[] = [];
  const logged: unknown[] = [];
  const session = {
    freeBusy: async (ids: string[]) => {
      asked.push(ids);
      return new Map(ids.map((id) => [id, google[id] ?? []]));
    },
  } as unknown as CalendarSession;
  const busy = {
    read: async (_hostId: string, calendarIds: string[], _range: unknown, _now: Date, exceptEventId?: string) => {
      readCalls.push({ calendarIds, exceptEventId });
      return stored;
    },
  } as unknown as BusyView;
  const value: BusyTimeDeps = {
    slots: { heldTime: async () => [] } as unknown as BusyTimeDeps['slots'],
    calendars: { sessionFor: () => session },
    busy,
    now: () => t(0),
    log: { info: (fields: unknown) => logged.push(fields) } as unknown as Logger,
  };
  return { value, asked, readCalls, logged };
}

describe("busy time over a host's calendars", () => {
  it('trusted calendars are read from stored busy time only: Google is not asked', async () => {
    const { value, asked, readCalls } = deps([
      { calendarId: 'main', source: 'stored', intervals: [{ start: t(9).getTime(), end: t(10).getTime() }] },
      { calendarId: 'personal', source: 'stored', intervals: [{ start: t(12).getTime(), end: t(13).getTime() }] },
      { calendarId: 'family', source: 'stored', intervals: [] },
    ]);
    expect(await busyTime(value, 'h', host, range)).toEqual([
      { start: t(9), end: t(10) },
      { start: t(12), end: t(13) },
    ]);
    expect(readCalls).toEqual([{ calendarIds: ['main', 'personal', 'family'], exceptEventId: undefined }]);
    expect(asked).toEqual([]);
  });

  it('only the untrusted calendars are asked of Google, in one call, each logged with why', async () => {
    const { value, asked, logged } = deps(
      [
        { calendarId: 'main', source: 'stored', intervals: [] },
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

  it("a reschedule's own event is left out of stored busy time by its id, of Google's answer by its time, on its own calendar only", async () => {
    const own = { slotId: 'slot-1', event: { start: t(9), end: t(10) } };
    const { value, readCalls } = deps(
      [
        { calendarId: 'main', source: 'google', reason: 'stale' },
        { calendarId: 'personal', source: 'google', reason: 'stale' },
        { calendarId: 'family', source: 'stored', intervals: [] },
      ],
      { main: [{ start: t(8).toISOString(), end: t(10).toISOString() }], personal: [{ start: t(9).toISOString(), end: t(10).toISOString() }] },
    );
    expect(await busyTime(value, 'h', host, range, own)).toEqual([
      { start: t(8), end: t(9) },
      { start: t(9), end: t(10) },
    ]);
    expect(readCalls[0]?.exceptEventId).toBe(eventIdForSlot('slot-1'));
  });
});
