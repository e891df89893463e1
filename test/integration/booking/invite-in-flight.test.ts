// Bookings cut off, retried or resynced while their invite is being made (issue 13, part 6). Each
// interleaving is forced: Google holding the insert (the emulator's delayMs) past a short client
// timeout, pushes dropped and sent again, a sync token invalidated mid-request.
import { services, upkeepDeps } from '../../../functions/services';
import { HostCalendarUnavailable } from '../../../shared/booking/errors';
import type { HostCalendars } from '../../../shared/booking/host-calendar';
import { requestBooking } from '../../../shared/booking/request-booking';
import { CalendarGateway } from '../../../shared/google/calendar';
import { eventIdForSlot } from '../../../shared/google/event-identity';
import { createLogger } from '../../../shared/log';
import { DEDUPE_HEADER } from '../../../shared/mail/mailer';
import { slotIdForKey } from '../../../shared/store/booking-requests';
import { runUpkeep } from '../../../shared/upkeep/run-upkeep';
import { book, decide, decisionLinks, freeSlot, GUEST, tokenOf, type OfferedSlot } from '../../support/booking-client';
import { startSystem, type TestHost, type TestSystem } from '../../support/system';
import { until } from '../../support/until';
import { channelState } from '../../support/channel-state';

jest.setTimeout(60_000);

let sys: TestSystem;

beforeAll(async () => {
  sys = await startSystem({ GOOGLE_INVITE_ENABLED: 'true' });
});
afterAll(() => sys.close());
afterEach(async () => {
  await fetch(`${sys.google.url}/emulator/v1/faults`, { method: 'DELETE' });
  await sys.control('/push', { mode: 'normal' });
});

interface Booked {
  slotId: string;
  status: string;
}

const silent = createLogger({ level: 'silent' });

async function apiCalls(operation: string): Promise<number> {
  return (await sys.control<{ byOperation: Record<string, number> }>('/requests')).byOperation[operation] ?? 0;
}

/** Our mails to the host, by dedupe key. */
async function hostMailKeys(host: TestHost): Promise<string[]> {
  const messages = (await sys.sinkMessages(host.email)) as unknown as { headers?: Record<string, string> }[];
  return messages.map((m) => m.headers?.[DEDUPE_HEADER] ?? '?').sort();
}

async function guestMail(slotId: string, kind: string): Promise<number> {
  return (await sys.googleMail(GUEST.email)).filter((m) => m.eventId === eventIdForSlot(slotId) && m.kind === kind).length;
}

async function watchedHost(): Promise<{ host: TestHost; channelId: string }> {
  const host = await sys.createHost();
  const { channelId } = await services().channels.ensureChannel(host.id, (await services().subscribers.get(host.id))!, host.calendarId);
  return { host, channelId };
}

/** Google holds the next insert this long before it writes the event. */
function holdInsert(delayMs: number): Promise<unknown> {
  return sys.control('/faults', { method: 'POST', pathContains: '/events?', delayMs, count: 1 });
}

/**
 * A first attempt under `key` that the booking function gives up on while Google still holds its
 * insert (a client timeout shorter than Google's delay, no retry): the slot and key are discarded
 * (503 to the guest), then Google writes the event anyway.
 */
async function attemptLostAtGoogle(host: TestHost, slot: OfferedSlot, key: string): Promise<void> {
  const impatient = new CalendarGateway({ ...services().config.google, requestTimeoutMs: 500, retry: { maxRetries: 0 } });
  const calendars: HostCalendars = {
    sessionFor: (id, subscriber) => (subscriber.google ? impatient.session({ id, refreshToken: services().cipher.decrypt(subscriber.google.refreshToken) }) : undefined),
  };
  await holdInsert(1500);
  const attempt = requestBooking({ ...services(), calendars, googleInviteEnabled: true, log: silent }, { host: host.slug, start: new Date(slot.start), guest: GUEST, message: null }, key);
  await expect(attempt).rejects.toBeInstanceOf(HostCalendarUnavailable);
  expect(await services().slots.get(slotIdForKey(host.id, key))).toBeUndefined();
  await until(async () => ((await sys.calendarEvent(host, slotIdForKey(host.id, key)).catch(() => undefined)) ? true : undefined), 'Google to write the event after all');
}

/** A change in the host's calendar that is not ours: Google pushes, and the webhook syncs. */
async function unrelatedChange(host: TestHost): Promise<void> {
  const res = await fetch(`${sys.google.url}/calendar/v3/calendars/${encodeURIComponent(host.calendarId)}/events`, {
    method: 'POST',
    headers: { authorization: `Bearer ${await sys.accessToken(host)}`, 'content-type': 'application/json' },
    body: JSON.stringify({ summary: 'Dentist', start: { dateTime: '2031-03-03T08:00:00Z' }, end: { dateTime: '2031-03-03T09:00:00Z' } }),
  });
  expect(res.status).toBe(200);
}

async function settled(channelId: string): Promise<void> {
  await until(async () => {
    const channel = await channelState(channelId);
    return channel && !channel.lease && !channel.dirty ? true : undefined;
  }, 'the channel to settle');
}

describe('a retry with the same Idempotency-Key after an attempt Google wrote but we discarded', () => {
  it('after the sync removed that attempt\'s event: 201 under a new event id, the event standing, the host able to confirm', async () => {
    const { host, channelId } = await watchedHost();
    const slot = await freeSlot(sys.functionsUrl, host.slug);
    const first = slotIdForKey(host.id, 'lost-then-deleted');
    await attemptLostAtGoogle(host, slot, 'lost-then-deleted');
    // The push for that event finds our event without a slot: the sync deletes it (the guest is told).
    await until(async () => ((await sys.calendarEvent(host, first)).status === 'cancelled' ? true : undefined), 'the sync to delete the discarded attempt\'s event');
    await settled(channelId);

    const retry = await book(sys.functionsUrl, { host: host.slug, start: slot.start }, { 'idempotency-key': 'lost-then-deleted' });
    expect(retry.status).toBe(201);
    const body = (await retry.json()) as Booked;
    expect(body).toMatchObject({ slotId: slotIdForKey(host.id, 'lost-then-deleted', 1), status: 'requested' });
    expect((await sys.calendarEvent(host, body.slotId)).status).toBe('tentative');
    expect(await guestMail(body.slotId, 'invitation')).toBe(1);
    await settled(channelId);
    expect((await services().slots.require(body.slotId)).status).toBe('requested');
    expect(await services().slots.get(first)).toBeUndefined();

    const [request] = await sys.sinkMessages(host.email);
    const confirmed = await decide(sys.functionsUrl, tokenOf(decisionLinks(request!.content.map((c) => c.value).join('\n')).confirm), 'confirm');
    expect(confirmed.status).toBe(200);
    expect((await services().slots.require(body.slotId)).status).toBe('booked');
    expect(await hostMailKeys(host)).toEqual([`${body.slotId}:host-decision-request`]);
  });

  it('before anything removed that attempt\'s event (Google reports its time busy): the event is the booking, one invite', async () => {
    const host = await sys.createHost();
    const slot = await freeSlot(sys.functionsUrl, host.slug);
    await attemptLostAtGoogle(host, slot, 'lost-then-kept');
    // Not the key's: another guest is told the time is taken.
    expect((await book(sys.functionsUrl, { host: host.slug, start: slot.start }, { 'idempotency-key': 'someone-else' })).status).toBe(409);

    const retry = await book(sys.functionsUrl, { host: host.slug, start: slot.start }, { 'idempotency-key': 'lost-then-kept' });
    expect(retry.status).toBe(201);
    const body = (await retry.json()) as Booked;
    expect(body).toMatchObject({ slotId: slotIdForKey(host.id, 'lost-then-kept'), status: 'requested' });
    expect(await guestMail(body.slotId, 'invitation')).toBe(1);
    expect(await guestMail(body.slotId, 'cancellation')).toBe(0);
    expect(await hostMailKeys(host)).toEqual([`${body.slotId}:host-decision-request`]);
  });

  it('an incremental sync listing the deleted event while the retry\'s insert is at Google leaves the retry\'s slot alone: no "cancelled" mail, 201 under a new id', async () => {
    const { host, channelId } = await watchedHost();
    const slot = await freeSlot(sys.functionsUrl, host.slug);
    const first = slotIdForKey(host.id, 'deleted-while-retrying');
    await sys.control('/push', { mode: 'drop' });
    await attemptLostAtGoogle(host, slot, 'deleted-while-retrying');
    // The event goes (as the sync or the host would delete it); no push tells us yet.
    const deleted = await fetch(`${sys.google.url}/calendar/v3/calendars/${encodeURIComponent(host.calendarId)}/events/${eventIdForSlot(first)}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${await sys.accessToken(host)}` },
    });
    expect(deleted.status).toBe(204);

    // The retry writes its slot under the first attempt's id; Google holds its insert while a push
    // makes the sync list the deleted event.
    const inserts = await apiCalls('events.insert');
    await holdInsert(3000);
    const retry = book(sys.functionsUrl, { host: host.slug, start: slot.start }, { 'idempotency-key': 'deleted-while-retrying' });
    await until(async () => ((await apiCalls('events.insert')) > inserts ? true : undefined), "the retry's insert to reach Google");
    expect(await services().slots.get(first)).toMatchObject({ status: 'requested' });
    await sys.control('/push', { mode: 'normal' });
    await unrelatedChange(host);
    await until(async () => ((await services().slots.get(first))?.inviteInFlight?.changeSeen ? true : undefined), 'the sync to meet the slot in flight');

    const answer = await retry;
    expect(answer.status).toBe(201);
    const body = (await answer.json()) as Booked;
    expect(body).toMatchObject({ slotId: slotIdForKey(host.id, 'deleted-while-retrying', 1), status: 'requested' });
    await settled(channelId);
    expect((await sys.calendarEvent(host, body.slotId)).status).toBe('tentative');
    expect(await hostMailKeys(host)).toEqual([`${body.slotId}:host-decision-request`]);
  });
});

describe('a full resync while a booking\'s insert is at Google', () => {
  it('does not cancel the booking: 201, the slot requested, the event standing, the host asked to decide and never told "cancelled"', async () => {
    const { host, channelId } = await watchedHost();
    await settled(channelId);
    const slot = await freeSlot(sys.functionsUrl, host.slug);
    const slotId = slotIdForKey(host.id, 'resynced-mid-insert');
    const inserts = await apiCalls('events.insert');
    await holdInsert(3000);
    const answer = book(sys.functionsUrl, { host: host.slug, start: slot.start }, { 'idempotency-key': 'resynced-mid-insert' });
    await until(async () => ((await apiCalls('events.insert')) > inserts ? true : undefined), 'the insert to reach Google');

    // The token goes stale mid-request; the next push's sync gets 410 and resyncs in full, finding
    // the slot with no event at Google yet.
    const stale = (await channelState(channelId))?.syncToken;
    await sys.control(`/calendars/${encodeURIComponent(host.calendarId)}/sync-tokens/invalidate`, {});
    await unrelatedChange(host);
    await until(async () => ((await channelState(channelId))?.syncToken !== stale ? true : undefined), 'the full resync to save a fresh token');
    expect(await services().slots.require(slotId)).toMatchObject({ status: 'requested', inviteInFlight: { changeSeen: false } });

    const res = await answer;
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({ slotId, status: 'requested' });
    await settled(channelId);
    expect(await services().slots.require(slotId)).toMatchObject({ status: 'requested', inviteInFlight: null });
    expect((await sys.calendarEvent(host, slotId)).status).toBe('tentative');
    expect(await hostMailKeys(host)).toEqual([`${slotId}:host-decision-request`]);
    expect(await guestMail(slotId, 'cancellation')).toBe(0);
  });
});

describe('a booking whose slot a sync met while Google held its insert', () => {
  /** Books under `key` while Google holds the insert, and in between writes what a sync that met the slot's event writes. */
  async function bookMet(host: TestHost, key: string, meanwhile: () => Promise<unknown> = async () => undefined): Promise<Response> {
    const slot = await freeSlot(sys.functionsUrl, host.slug);
    const inserts = await apiCalls('events.insert');
    await holdInsert(2000);
    const answer = book(sys.functionsUrl, { host: host.slug, start: slot.start }, { 'idempotency-key': key });
    await until(async () => ((await apiCalls('events.insert')) > inserts ? true : undefined), 'the insert to reach Google');
    await sys.db.doc(`slots/${slotIdForKey(host.id, key)}`).update({ 'inviteInFlight.changeSeen': true });
    await meanwhile();
    return answer;
  }

  it('reads the event again once its invite is made and applies it as the sync would have', async () => {
    const host = await sys.createHost({ autoConfirm: true });
    const slotId = slotIdForKey(host.id, 'met-mid-insert');
    const gets = await apiCalls('events.get');
    const res = await bookMet(host, 'met-mid-insert');
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({ slotId, status: 'booked' });
    expect(await apiCalls('events.get')).toBe(gets + 1);
    // The event went in with the host accepted: applied, it books the slot before auto-confirm would.
    const stored = await services().slots.require(slotId);
    expect(stored).toMatchObject({ status: 'booked', inviteInFlight: null });
    expect(stored.history.map((t) => t.cause)).toEqual(['guest_booked', 'host_accepted_in_google']);
    expect(await hostMailKeys(host)).toEqual([`${slotId}:host-new-booking`]);
  });

  it('when Google does not answer that read, answers 201 and leaves the event to the scheduled run, which completes the booking', async () => {
    const host = await sys.createHost();
    const slotId = slotIdForKey(host.id, 'met-read-failed');
    // Every try of the read (the first and three retries) fails.
    const res = await bookMet(host, 'met-read-failed', () => sys.control('/faults', { method: 'GET', pathContains: `/events/${eventIdForSlot(slotId)}`, status: 503, count: 4 }));
    expect(res.status).toBe(201);
    expect(await services().slots.require(slotId)).toMatchObject({ status: 'requested', inviteInFlight: { changeSeen: true } });
    expect(await hostMailKeys(host)).toEqual([`${slotId}:host-decision-request`]);
    // The host confirms from that mail before the scheduled run comes.
    const [request] = await sys.sinkMessages(host.email);
    expect((await decide(sys.functionsUrl, tokenOf(decisionLinks(request!.content.map((c) => c.value).join('\n')).confirm), 'confirm')).status).toBe(200);

    await sys.db.doc(`slots/${slotId}`).update({ 'inviteInFlight.until': new Date(Date.now() - 3_600_000) });
    expect(await runUpkeep(upkeepDeps(), { windowMs: 48 * 3_600_000, reconcileIntervalMs: 0, budgetMs: 30_000, concurrency: 4 })).toMatchObject({ invitesSettled: 1 });
    expect(await services().slots.require(slotId)).toMatchObject({ status: 'booked', inviteInFlight: null });
    expect(await hostMailKeys(host)).toEqual([`${slotId}:host-decision-request`]);
  });
});
