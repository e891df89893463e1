// A booking page whose host's Google grant is broken offers no time (503); the operator hears of it
// once per host and instance (ERROR), not on every page view, and not never.
import { busyTime, type BusyTimeDeps } from '../../../shared/booking/availability-service';
import { HostCalendarUnavailable } from '../../../shared/booking/errors';
import { ConnectionRevoked } from '../../../shared/google/errors';
import type { CalendarSession } from '../../../shared/google/calendar';
import type { Logger } from '../../../shared/log';
import type { Subscriber } from '../../../shared/store/subscribers';

const range = { start: new Date('2026-12-02T00:00:00Z'), end: new Date('2026-12-03T00:00:00Z') };
const hostWith = (status: string) => ({ google: { status }, defaultCalendar: { provider: 'google', calendarId: 'main' }, conflictCalendarIds: [] }) as unknown as Subscriber;

function deps(session: CalendarSession | undefined) {
  const errors: { fields: unknown; message: string }[] = [];
  const value: BusyTimeDeps = {
    slots: { heldTime: async () => [], heldTimeBySlot: async () => ({ busy: [], slotIds: new Set() }), hostsOf: async () => new Map() } as unknown as BusyTimeDeps['slots'],
    calendars: { sessionFor: () => session },
    log: { info: () => undefined, error: (fields: unknown, message: string) => errors.push({ fields, message }) } as unknown as Logger,
  };
  return { value, errors };
}

it("a host whose grant is marked broken is logged at ERROR once per host, however often its page is viewed", async () => {
  const { value, errors } = deps(undefined);
  for (const hostId of ['broken-a', 'broken-a', 'broken-b', 'broken-a']) {
    await expect(busyTime(value, hostId, hostWith('broken'), range)).rejects.toEqual(new HostCalendarUnavailable('connection_broken'));
  }
  expect(errors.map((e) => (e.fields as { hostId: string }).hostId)).toEqual(['broken-a', 'broken-b']);
  expect(errors[0]?.message).toMatch(/Google grant is broken/);
});

it('a grant Google revokes while the page is read is logged too, once', async () => {
  const session = { freeBusy: async () => Promise.reject(new ConnectionRevoked('revoked', 400, 'invalid_grant')) } as unknown as CalendarSession;
  const { value, errors } = deps(session);
  for (let i = 0; i < 2; i += 1) await expect(busyTime(value, 'revoked-c', hostWith('ok'), range)).rejects.toBeInstanceOf(HostCalendarUnavailable);
  expect(errors).toHaveLength(1);
});
