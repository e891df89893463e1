// Steps whose instance stopped (a confirm, a deny, a cancel in a child process, killed while Google
// holds its call): Google then carries the call out, a sync runs meanwhile with pushes dropped and,
// the step still within its lease, leaves the slot to it; its token moves on, so no later sync
// looks again. The scheduled run, once the step's lease is long over, records the step as it would
// have (its own cause, its own mail, once) or, Google having done nothing, releases it.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { services, syncDeps, upkeepDeps } from '../../../functions/services';
import { watchKey } from '../../../shared/channels/watches';
import { actAsHost } from '../../../shared/booking/host-actions';
import { eventIdForSlot } from '../../../shared/google/event-identity';
import { DEDUPE_HEADER } from '../../../shared/mail/mailer';
import { syncCalendar } from '../../../shared/sync/sync-channel';
import { runUpkeep, type UpkeepOptions } from '../../../shared/upkeep/run-upkeep';
import { bookedHost } from '../../support/booked-host';
import { manageAct, manageLinkIn, manageTokenOf } from '../../support/manage-client';
import { startSystem, type TestHost, type TestSystem } from '../../support/system';
import { until } from '../../support/until';

jest.setTimeout(90_000);

const HOUR = 3_600_000;
const OPTIONS: UpkeepOptions = { windowMs: 48 * HOUR, reconcileIntervalMs: 0, budgetMs: 30_000, concurrency: 4 };

let sys: TestSystem;

beforeAll(async () => {
  sys = await startSystem({ GOOGLE_INVITE_ENABLED: 'true' });
});
afterEach(async () => {
  await sys.control('/faults/release', {});
  await fetch(`${sys.google.url}/emulator/v1/faults`, { method: 'DELETE' });
  await sys.control('/push', { mode: 'normal' });
});
afterAll(() => sys.close());

const run = () => runUpkeep(upkeepDeps(), OPTIONS);

async function apiCalls(operation: string): Promise<number> {
  return (await sys.control<{ byOperation: Record<string, number> }>('/requests')).byOperation[operation] ?? 0;
}

async function mailKeys(to: string): Promise<string[]> {
  const messages = (await sys.sinkMessages(to)) as unknown as { headers?: Record<string, string> }[];
  return messages.map((m) => m.headers?.[DEDUPE_HEADER] ?? '?').sort();
}

/**
 * `step` in a child process, killed while Google holds its `method` call on the slot's event;
 * then Google carries the call out (`fail`: answers 503 without it). The answer goes nowhere.
 */
async function killedAtGoogle(slotId: string, method: 'DELETE' | 'PATCH', args: string[], fail = false): Promise<void> {
  const operation = method === 'DELETE' ? 'events.delete' : 'events.patch';
  const before = await apiCalls(operation);
  await sys.control('/faults', { method, pathContains: eventIdForSlot(slotId), hold: true, count: 1, ...(fail ? { status: 503 } : {}) });
  const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, '../../support/step-in-child.ts'), ...args], {
    env: { ...process.env, ...sys.env, LOG_LEVEL: 'silent' },
    stdio: 'ignore',
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  try {
    await until(async () => ((await apiCalls(operation)) > before ? true : undefined), "the step's call to reach Google", 30_000);
  } finally {
    child.kill('SIGKILL');
  }
  expect(await exited).toBeNull();
  await until(async () => ((await sys.control<{ released: number }>('/faults/release', {})).released > 0 ? true : undefined), 'the held call to be let go');
}

/** The calendar's sync, run once now (pushes are dropped): the step is still within its lease. */
async function syncNow(host: TestHost): Promise<void> {
  expect((await syncCalendar(syncDeps(), watchKey(host.id, host.calendarId), 20_000)).outcome).toBe('synced');
}

/** The step's lease, and the grace after it, are over (the test moves the mark, not the clock). */
async function longAgo(slotId: string): Promise<void> {
  await sys.db.doc(`slots/${slotId}`).update({ 'decision.at': new Date(Date.now() - HOUR) });
}

async function eventGone(host: TestHost, slotId: string): Promise<void> {
  await until(async () => ((await sys.calendarEvent(host, slotId).catch(() => ({ status: 'cancelled' }))).status === 'cancelled' ? true : undefined), 'Google to delete the event');
}

describe('the scheduled run and steps whose instance stopped', () => {
  it("a guest's cancel killed after Google deleted the event: recorded as guest_cancelled, the host told once", async () => {
    const { host, slotId } = await bookedHost(sys, 'stalled.cancel@example.org');
    await sys.control('/push', { mode: 'drop' });
    await killedAtGoogle(slotId, 'DELETE', ['guest-cancel', slotId]);
    await eventGone(host, slotId);
    await syncNow(host);
    expect(await services().slots.require(slotId)).toMatchObject({ status: 'requested', decision: { action: 'cancel', by: 'guest' } });

    // Within the step's lease (and the grace after it) the run leaves it.
    expect(await run()).toMatchObject({ stepsSettled: 0, failed: 0 });
    expect((await services().slots.require(slotId)).status).toBe('requested');

    await longAgo(slotId);
    expect(await run()).toMatchObject({ stepsSettled: 1, failed: 0 });
    const slot = await services().slots.require(slotId);
    expect(slot).toMatchObject({ status: 'cancelled', decision: null, claimIds: [] });
    expect(slot.history.map((t) => t.cause)).toEqual(['guest_booked', 'guest_cancelled']);
    expect(slot.notices).toEqual(['host-decision-request', 'host-guest-cancelled']);
    expect(await mailKeys(host.email)).toEqual([`${slotId}:host-decision-request`, `${slotId}:host-guest-cancelled`]);

    expect(await run()).toMatchObject({ stepsSettled: 0 });
    // The guest's own retry answers as the first time, and mails nothing more.
    const token = manageTokenOf(manageLinkIn((await sys.calendarEvent(host, slotId)).description));
    expect((await manageAct(sys.functionsUrl, token, { action: 'cancel' })).status).toBe(200);
    expect(await mailKeys(host.email)).toEqual([`${slotId}:host-decision-request`, `${slotId}:host-guest-cancelled`]);
  });

  it("the host's cancel with a note, killed after the delete: recorded as host_cancelled, the note mailed to the guest once", async () => {
    const guest = 'stalled.note@example.org';
    const { host, slotId } = await bookedHost(sys, guest);
    await sys.control('/push', { mode: 'drop' });
    await killedAtGoogle(slotId, 'DELETE', ['cancel', slotId, host.id, 'Sorry, I am ill.']);
    await eventGone(host, slotId);
    await syncNow(host);
    expect(await services().slots.require(slotId)).toMatchObject({ status: 'requested', decision: { action: 'cancel', by: 'host', note: 'Sorry, I am ill.' } });

    await longAgo(slotId);
    expect(await run()).toMatchObject({ stepsSettled: 1, failed: 0 });
    const slot = await services().slots.require(slotId);
    expect(slot.history.map((t) => t.cause)).toEqual(['guest_booked', 'host_cancelled']);
    expect(await mailKeys(guest)).toEqual([`${slotId}:guest-host-cancel-note`]);
    const [note] = await sys.sinkMessages(guest);
    expect(note!.content.map((c) => c.value).join('\n')).toContain('Sorry, I am ill.');
    expect(await run()).toMatchObject({ stepsSettled: 0 });
    expect(await mailKeys(guest)).toEqual([`${slotId}:guest-host-cancel-note`]);
  });

  it("the host's confirm killed after Google patched the event: recorded as host_confirmed, not as accepted in Google", async () => {
    const { host, slotId } = await bookedHost(sys, 'stalled.confirm@example.org');
    await sys.control('/push', { mode: 'drop' });
    await killedAtGoogle(slotId, 'PATCH', ['confirm', slotId, host.id]);
    await until(async () => ((await sys.calendarEvent(host, slotId)).status === 'confirmed' ? true : undefined), 'Google to patch the event');
    await syncNow(host);
    expect(await services().slots.require(slotId)).toMatchObject({ status: 'requested', decision: { action: 'confirm' } });

    await longAgo(slotId);
    expect(await run()).toMatchObject({ stepsSettled: 1, failed: 0 });
    const slot = await services().slots.require(slotId);
    expect(slot).toMatchObject({ status: 'booked', decision: null });
    expect(slot.history.map((t) => t.cause)).toEqual(['guest_booked', 'host_confirmed']);
  });

  it("the host's deny killed while Google refused it: released, the slot as it was, and the host can deny again", async () => {
    const { host, slotId } = await bookedHost(sys, 'stalled.deny@example.org');
    await sys.control('/push', { mode: 'drop' });
    await killedAtGoogle(slotId, 'DELETE', ['deny', slotId, host.id], true);
    expect((await sys.calendarEvent(host, slotId)).status).not.toBe('cancelled');
    await longAgo(slotId);
    // Until then the stopped deny holds the slot: the host's confirm meets it, however late.
    expect(await actAsHost(services(), host.id, slotId, 'confirm')).toMatchObject({ kind: 'conflict' });

    expect(await run()).toMatchObject({ stepsSettled: 1, failed: 0 });
    const slot = await services().slots.require(slotId);
    expect(slot).toMatchObject({ status: 'requested', decision: null });
    expect(slot.history.map((t) => t.cause)).toEqual(['guest_booked']);
    expect(await actAsHost(services(), host.id, slotId, 'deny')).toMatchObject({ kind: 'done', slot: { status: 'declined' } });
  });
});
