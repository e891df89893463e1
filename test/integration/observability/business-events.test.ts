// What an operator's logs show of a whole session, through the local stack (the functions behind
// the dev server, the Google Calendar emulator, the mail sink, the Firestore emulator) with every
// line the services write captured: a booking, the host's confirm, the guest's decline in Google,
// a second booking moved and then cancelled by the guest. Each fact is one business event with
// ids, in order; no line carries the guest's name, address or message; and the log-based
// metrics of infra/monitoring count these real lines.
import { Writable } from 'node:stream';
import { logTo, services } from '../../../functions/services';
import { eventProblems } from '../../../shared/business-events';
import { eventIdForSlot } from '../../../shared/google/event-identity';
import { book, decide, decisionLinks, freeSlot, tokenOf } from '../../support/booking-client';
import { channelState } from '../../support/channel-state';
import { asLogEntry, logMetrics, matchesFilter } from '../../support/logging-filter';
import { currentManageLink, manageAct, manageTokenOf } from '../../support/manage-client';
import { startSystem, type TestHost, type TestSystem } from '../../support/system';
import { until } from '../../support/until';

jest.setTimeout(90_000);

const GUEST = { name: 'Zebulon Quartermaine', email: 'zebulon.quartermaine@example.org', timezone: 'America/New_York' };
const MESSAGE = 'Please ring the side door, my knee is bad';

let sys: TestSystem;
const written: string[] = [];

beforeAll(async () => {
  // Before the first services(): every line the functions write comes here.
  logTo(
    new Writable({
      write(chunk, _encoding, done) {
        written.push(String(chunk));
        done();
      },
    }),
  );
  sys = await startSystem({ GOOGLE_INVITE_ENABLED: 'true', LOG_LEVEL: 'info' });
});
afterAll(() => sys.close());

const lines = (): Record<string, unknown>[] =>
  written
    .join('')
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);

const events = () => lines().filter((line) => typeof line.event === 'string');

async function bookOne(host: TestHost, n: number): Promise<string> {
  const slot = await freeSlot(sys.functionsUrl, host.slug, n);
  const res = await book(sys.functionsUrl, { host: host.slug, start: slot.start, guest: GUEST, message: MESSAGE });
  expect(res.status).toBe(201);
  return ((await res.json()) as { slotId: string }).slotId;
}

async function settled(channelId: string): Promise<void> {
  await until(async () => {
    const state = await channelState(channelId);
    return state && !state.lease && !state.dirty ? true : undefined;
  }, 'the channel to settle');
}

const statusOf = async (slotId: string) => (await services().slots.require(slotId)).status;

/** The booking and slot events of one slot, as (event, what) pairs. */
function storyOf(slotId: string): string[] {
  return events()
    .filter((line) => line.slotId === slotId && String(line.event).match(/^(booking|slot)\./))
    .map((line) =>
      line.event === 'slot.transition'
        ? `slot.transition ${String(line.from)}→${String(line.to)}${line.moved ? ' moved' : ''} (${String(line.cause)})`
        : line.event === 'booking.decided'
          ? `booking.decided ${String(line.action)} by ${String(line.by)}: ${String(line.outcome)}`
          : `${String(line.event)} ${String(line.status)}`,
    );
}

it('a session of booking, deciding, declining, moving and cancelling is told by its business events, with ids and no guest text', async () => {
  const host = await sys.createHost();
  const { channelId } = await services().channels.ensureChannel(host.id, (await services().subscribers.get(host.id))!, host.calendarId);

  // Booked, then confirmed by the host from the link in our mail.
  const first = await bookOne(host, 0);
  await settled(channelId);
  const mail = await until(async () => (await sys.sinkMessages(host.email))[0], 'the host mail');
  const confirm = await decide(sys.functionsUrl, tokenOf(decisionLinks(mail.content.map((c) => c.value).join('\n')).confirm), 'confirm');
  expect(confirm.status).toBe(200);
  await settled(channelId);

  // The guest declines in Google (the emulator's guest answer): the push's sync frees the slot.
  await sys.control(`/calendars/${encodeURIComponent(host.calendarId)}/events/${eventIdForSlot(first)}/respond`, { email: GUEST.email, responseStatus: 'declined' });
  await until(async () => ((await statusOf(first)) === 'declined' ? true : undefined), 'the decline to reach the slot');
  await settled(channelId);

  // A second booking, moved by the guest, then cancelled by the guest.
  const second = await bookOne(host, 1);
  await settled(channelId);
  const target = await freeSlot(sys.functionsUrl, host.slug, 6);
  expect((await manageAct(sys.functionsUrl, manageTokenOf(await currentManageLink(second)), { action: 'reschedule', start: target.start })).status).toBe(200);
  await settled(channelId);
  expect((await manageAct(sys.functionsUrl, manageTokenOf(await currentManageLink(second)), { action: 'cancel' })).status).toBe(200);
  await until(async () => ((await statusOf(second)) === 'cancelled' ? true : undefined), 'the cancel');
  await settled(channelId);

  expect(storyOf(first)).toEqual([
    'booking.created requested',
    'slot.transition requested→booked (host_confirmed)',
    'booking.decided confirm by host: done',
    'slot.transition booked→declined (guest_declined)',
  ]);
  expect(storyOf(second)).toEqual([
    'booking.created requested',
    'slot.transition requested→requested moved (guest_rescheduled)',
    'slot.transition requested→cancelled (guest_cancelled)',
    'booking.decided cancel by guest: done',
  ]);

  const names = new Set(events().map((line) => String(line.event)));
  for (const name of ['channel.created', 'push.received', 'sync.result', 'mail.sent']) expect({ name, seen: names.has(name) }).toEqual({ name, seen: true });
  expect(events().filter((line) => line.event === 'push.received' && line.outcome === 'handled').every((line) => typeof line.lagMs === 'number')).toBe(true);

  // Every event fits its schema; no line at all carries the guest's words or address.
  expect(events().flatMap(eventProblems)).toEqual([]);
  const text = written.join('');
  for (const secret of [GUEST.name, GUEST.email, MESSAGE, 'Zebulon', 'quartermaine']) expect({ secret, logged: text.toLowerCase().includes(secret.toLowerCase()) }).toEqual({ secret, logged: false });

  // The metrics count these real lines.
  const entries = lines().map(asLogEntry);
  const counted = Object.fromEntries(logMetrics().map((metric) => [metric.name, entries.filter((entry) => matchesFilter(metric.filter, entry)).length]));
  expect(counted).toMatchObject({
    invites_bookings_created: 2,
    invites_decisions: 2,
    invites_push_received: expect.any(Number),
    invites_push_lag: expect.any(Number),
    invites_syncs: expect.any(Number),
    invites_channel_changes: expect.any(Number),
    invites_mail: expect.any(Number),
  });
  for (const name of ['invites_push_received', 'invites_push_lag', 'invites_syncs', 'invites_slot_transitions', 'invites_channel_changes', 'invites_mail']) {
    expect({ name, counted: (counted[name] ?? 0) > 0 }).toEqual({ name, counted: true });
  }
});
