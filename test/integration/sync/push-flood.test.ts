// A sustained flood of pushes for a few calendars degrades gracefully: every push is answered,
// pushes that find a sync running are coalesced into its next run, and every change ends up
// applied. Found by the notifications bench (500 pushes in 20 s beside the seed's strategy): each
// push wrote the channel (its message number) and the watch (lease, dirty mark) itself, and the
// Firestore emulator, like Firestore, writes one document one write at a time, so the writes of a
// flood queued on those two documents faster than they drained. Pushes waited past Google's
// delivery timeout, were delivered again, and the calendar's own sync (whose transactions on the
// watch waited in the same queue) never ran to its end: no change was applied for a minute.
import { services } from '../../../functions/services';
import { watchKey } from '../../../shared/channels/watches';
import { eventIdForSlot } from '../../../shared/google/event-identity';
import { book, freeSlot, GUEST } from '../../support/booking-client';
import { startSystem, type TestHost, type TestSystem } from '../../support/system';
import { until } from '../../support/until';

jest.setTimeout(300_000);

const CALENDARS = 4;
const SLOTS_PER_CALENDAR = 8;
/** Changes per slot: CALENDARS × SLOTS_PER_CALENDAR × ROUNDS pushes in all (320). */
const ROUNDS = 10;
const RESPONSES = ['tentative', 'accepted'] as const;

let sys: TestSystem;

beforeAll(async () => {
  sys = await startSystem({ GOOGLE_INVITE_ENABLED: 'true' });
});
afterAll(() => sys.close());

interface BookedSlot {
  host: TestHost;
  slotId: string;
  guest: string;
}

async function hostWithBookings(index: number): Promise<BookedSlot[]> {
  const host = await sys.createHost();
  await services().channels.ensureChannel(host.id, (await services().subscribers.get(host.id))!, host.calendarId);
  const booked: BookedSlot[] = [];
  for (let i = 0; i < SLOTS_PER_CALENDAR; i += 1) {
    const guest = `flood-${index}-${i}@example.org`;
    // Counted from a fixed time of a day ahead: the first times offered sit at the notice edge.
    const { start } = await freeSlot(sys.functionsUrl, host.slug, i);
    const res = await book(sys.functionsUrl, { host: host.slug, start, guest: { ...GUEST, email: guest } });
    if (res.status !== 201) throw new Error(`booking answered ${res.status}: ${await res.text()}`);
    booked.push({ host, slotId: ((await res.json()) as { slotId: string }).slotId, guest });
  }
  return booked;
}

const respond = ({ host, slotId, guest }: BookedSlot, responseStatus: string) =>
  sys.control(`/calendars/${encodeURIComponent(host.calendarId)}/events/${eventIdForSlot(slotId)}/respond`, { email: guest, responseStatus });

async function settled(host: TestHost): Promise<boolean> {
  const watch = await services().channels.watches.get(watchKey(host.id, host.calendarId));
  return !!watch && !watch.lease && !watch.dirty;
}

it('every change of a flood of pushes for a few calendars is applied, and every calendar settles', async () => {
  const slots = (await Promise.all(Array.from({ length: CALENDARS }, (_, i) => hostWithBookings(i)))).flat();
  const hosts = [...new Set(slots.map((s) => s.host))];
  await until(async () => ((await Promise.all(hosts.map(settled))).every(Boolean) ? true : undefined), 'the bookings to be synced', 60_000);

  // Every slot changes ROUNDS times, all slots at once in each round: each change is a push.
  for (let round = 0; round < ROUNDS; round += 1) await Promise.all(slots.map((slot) => respond(slot, RESPONSES[round % 2]!)));
  const last = RESPONSES[(ROUNDS - 1) % 2];

  await until(
    async () => {
      const responses = await Promise.all(slots.map(async ({ slotId }) => (await services().slots.get(slotId))?.guestResponse));
      return responses.every((r) => r === last) ? true : undefined;
    },
    'every slot to show its last response',
    180_000,
  );
  await until(async () => ((await Promise.all(hosts.map(settled))).every(Boolean) ? true : undefined), 'every calendar to settle', 60_000);
});
