// Bookings cut off after their slot write (issue 13, part 6): a booking request in a child process,
// killed while Google holds its insert, leaves a slot whose invite is in flight with no mail sent.
// The scheduled run finishes it (the event is there and is the booking) or releases it (no event).
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { services, upkeepDeps } from '../../../functions/services';
import { eventIdForSlot } from '../../../shared/google/event-identity';
import { DEDUPE_HEADER } from '../../../shared/mail/mailer';
import { slotIdForKey } from '../../../shared/store/booking-requests';
import { runUpkeep, type UpkeepOptions } from '../../../shared/upkeep/run-upkeep';
import { availability, book, freeSlot, GUEST, type OfferedSlot } from '../../support/booking-client';
import { startSystem, type TestHost, type TestSystem } from '../../support/system';
import { until } from '../../support/until';

jest.setTimeout(90_000);

const HOUR = 3_600_000;
const OPTIONS: UpkeepOptions = { windowMs: 48 * HOUR, reconcileIntervalMs: 0, budgetMs: 30_000, concurrency: 4 };

let sys: TestSystem;

beforeAll(async () => {
  sys = await startSystem({ GOOGLE_INVITE_ENABLED: 'true' });
});
afterAll(() => sys.close());
afterEach(() => fetch(`${sys.google.url}/emulator/v1/faults`, { method: 'DELETE' }));

async function apiCalls(operation: string): Promise<number> {
  return (await sys.control<{ byOperation: Record<string, number> }>('/requests')).byOperation[operation] ?? 0;
}

async function hostMailKeys(host: TestHost): Promise<string[]> {
  const messages = (await sys.sinkMessages(host.email)) as unknown as { headers?: Record<string, string> }[];
  return messages.map((m) => m.headers?.[DEDUPE_HEADER] ?? '?').sort();
}

async function invites(slotId: string): Promise<number> {
  return (await sys.googleMail(GUEST.email)).filter((m) => m.eventId === eventIdForSlot(slotId) && m.kind === 'invitation').length;
}

/**
 * A booking request under `key` in a process of its own, killed (as Cloud Run ends a request at its
 * time limit) while Google holds its insert: `fail` says whether Google then writes the event or
 * answers 503 without it.
 */
async function cutOffAtInsert(host: TestHost, slot: OfferedSlot, key: string, fail: boolean): Promise<string> {
  const inserts = await apiCalls('events.insert');
  await sys.control('/faults', { method: 'POST', pathContains: '/events?', delayMs: 2000, count: 1, ...(fail ? { status: 503 } : {}) });
  const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, '../../support/book-in-child.ts'), host.slug, slot.start, key], {
    env: { ...process.env, ...sys.env, LOG_LEVEL: 'silent' },
    stdio: 'ignore',
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  try {
    await until(async () => ((await apiCalls('events.insert')) > inserts ? true : undefined), 'the insert to reach Google', 30_000);
  } finally {
    child.kill('SIGKILL');
  }
  expect(await exited).toBeNull();
  const slotId = slotIdForKey(host.id, key);
  expect(await services().slots.require(slotId)).toMatchObject({ status: 'requested', inviteInFlight: { changeSeen: false } });
  return slotId;
}

/** The request's time limit, and the grace after it, are over (the test moves the marks, not the clock). */
async function longAgo(host: TestHost, key: string): Promise<void> {
  const past = new Date(Date.now() - HOUR);
  await sys.db.doc(`slots/${slotIdForKey(host.id, key)}`).update({ 'inviteInFlight.until': past });
  await services().requests.ref(host.id, key).update({ 'lease.until': past });
}

describe('the scheduled run and bookings whose request died making the invite', () => {
  it('completes one whose event Google has: the host is asked once, and the guest\'s retry answers 201 with no second invite', async () => {
    const host = await sys.createHost();
    const slot = await freeSlot(sys.functionsUrl, host.slug);
    const slotId = await cutOffAtInsert(host, slot, 'cut-off-after-insert', false);
    await until(async () => ((await sys.calendarEvent(host, slotId).catch(() => undefined)) ? true : undefined), 'Google to write the event');
    expect(await hostMailKeys(host)).toEqual([]);

    // Within the request's time the slot is still its request's: the run leaves it. (The run's heal
    // watches the calendar, where the host holds this slot: its first sync is a full resync, which
    // meets the slot, leaves it, and may note that its event changed.)
    expect(await runUpkeep(upkeepDeps(), OPTIONS)).toMatchObject({ invitesSettled: 0, failed: 0 });
    expect(await services().slots.require(slotId)).toMatchObject({ status: 'requested', inviteInFlight: { until: expect.any(Date) } });

    await longAgo(host, 'cut-off-after-insert');
    expect(await runUpkeep(upkeepDeps(), OPTIONS)).toMatchObject({ invitesSettled: 1, failed: 0 });
    expect(await services().slots.require(slotId)).toMatchObject({ status: 'requested', inviteInFlight: null });
    expect(await hostMailKeys(host)).toEqual([`${slotId}:host-decision-request`]);
    expect(await runUpkeep(upkeepDeps(), OPTIONS)).toMatchObject({ invitesSettled: 0 });

    const retry = await book(sys.functionsUrl, { host: host.slug, start: slot.start }, { 'idempotency-key': 'cut-off-after-insert' });
    expect(retry.status).toBe(201);
    expect(await retry.json()).toMatchObject({ slotId, status: 'requested' });
    expect(await hostMailKeys(host)).toEqual([`${slotId}:host-decision-request`]);
    expect(await invites(slotId)).toBe(1);
  });

  it('releases one Google never wrote an event for: the time is offered again, and the guest\'s retry books it afresh', async () => {
    const host = await sys.createHost();
    const slot = await freeSlot(sys.functionsUrl, host.slug);
    const slotId = await cutOffAtInsert(host, slot, 'cut-off-before-insert', true);
    expect((await availability(sys.functionsUrl, host.slug)).slots.map((s) => s.start)).not.toContain(slot.start);

    await longAgo(host, 'cut-off-before-insert');
    expect(await runUpkeep(upkeepDeps(), OPTIONS)).toMatchObject({ invitesSettled: 1, failed: 0 });
    expect(await services().slots.get(slotId)).toBeUndefined();
    expect((await availability(sys.functionsUrl, host.slug)).slots.map((s) => s.start)).toContain(slot.start);
    expect(await hostMailKeys(host)).toEqual([]);

    const retry = await book(sys.functionsUrl, { host: host.slug, start: slot.start }, { 'idempotency-key': 'cut-off-before-insert' });
    expect(retry.status).toBe(201);
    expect(await retry.json()).toMatchObject({ slotId, status: 'requested' });
    expect(await invites(slotId)).toBe(1);
    expect(await hostMailKeys(host)).toEqual([`${slotId}:host-decision-request`]);
  });
});
