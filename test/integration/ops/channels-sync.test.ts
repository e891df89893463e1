// `npm run ops -- channels sync ID` as an operator runs it, against the whole local system.
import { services } from '../../../functions/services';
import { book, freeSlot, GUEST } from '../../support/booking-client';
import { startSystem, type TestSystem } from '../../support/system';
import { until } from '../../support/until';
import { eventIdForSlot } from '../../../shared/google/event-identity';
import { answer, runOps } from './run-ops';
import { channelState } from '../../support/channel-state';

jest.setTimeout(180_000);

let sys: TestSystem;

beforeAll(async () => {
  sys = await startSystem({ GOOGLE_INVITE_ENABLED: 'true' });
});
afterAll(() => sys.close());

it('applies a change made in Google while its pushes were lost', async () => {
  const host = await sys.createHost();
  const s = services();
  const { channelId } = await s.channels.ensureChannel(host.id, (await s.subscribers.get(host.id))!, host.calendarId);
  const initialToken = (await channelState(channelId))?.syncToken;
  const slot = await freeSlot(sys.functionsUrl, host.slug);
  const res = await book(sys.functionsUrl, { host: host.slug, start: slot.start, guest: { ...GUEST, email: 'lost-push@example.org' } });
  expect(res.status).toBe(201);
  const { slotId } = (await res.json()) as { slotId: string };
  await until(async () => {
    const channel = await channelState(channelId);
    return channel && channel.syncToken !== initialToken && !channel.lease && !channel.dirty ? true : undefined;
  }, 'the booking to be synced');

  await sys.control('/push', { mode: 'drop' });
  await sys.control(`/calendars/${encodeURIComponent(host.calendarId)}/events/${eventIdForSlot(slotId)}/respond`, { email: 'lost-push@example.org', responseStatus: 'declined' });
  // Nothing reached us: the slot still waits for the host.
  await new Promise((r) => setTimeout(r, 500));
  expect((await s.slots.get(slotId))?.status).toBe('requested');

  const run = await runOps(['channels', 'sync', channelId, '--json'], sys.env);
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
  expect(answer(run)).toMatchObject({ channelId, outcome: 'synced', runs: 1, changes: expect.any(Number) });
  expect(answer<{ changes: number }>(run).changes).toBeGreaterThanOrEqual(1);
  expect((await s.slots.get(slotId))?.status).toBe('declined');
  expect((await sys.calendarEvent(host, slotId)).status).toBe('cancelled');

  // Without --json it says the same in words.
  const again = await runOps(['channels', 'sync', channelId], sys.env);
  expect(again.status).toBe(0);
  expect(again.stdout).toMatch(new RegExp(`^${channelId}: synced; \\d+ changes? applied in 1 run$`, 'm'));
});

it('names an unknown channel and exits 1', async () => {
  const run = await runOps(['channels', 'sync', 'ch-no-such-channel'], sys.env);
  expect(run.status).toBe(1);
  expect(run.stderr).toContain('no channel ch-no-such-channel');
  expect(run.stdout).toBe('');
});
