// Google → our slots, through real pushes: the emulator POSTs to the webhook on the dev server,
// the webhook syncs with the sync token, and the slot follows what happened in Google.
import { services, syncDeps } from '../../../functions/services';
import { hashChannelToken } from '../../../shared/channels/channels';
import { eventIdForSlot } from '../../../shared/google/event-identity';
import type { Slot } from '../../../shared/store/slots';
import { syncChannel } from '../../../shared/sync/sync-channel';
import { book, freeSlot, GUEST } from '../../support/booking-client';
import { startSystem, type TestHost, type TestSystem } from '../../support/system';
import { until } from '../../support/until';
import { bookedHost as bookedHostOf } from '../../support/booked-host';
import { channelState, watchRefOf } from '../../support/channel-state';

jest.setTimeout(60_000);

let sys: TestSystem;

beforeAll(async () => {
  sys = await startSystem({ GOOGLE_INVITE_ENABLED: 'true' });
});
afterAll(() => sys.close());
afterEach(() => sys.control('/push', { mode: 'normal' }));

async function slotOf(slotId: string): Promise<Slot & { history: { cause: string }[] }> {
  return (await services().slots.require(slotId)) as Slot & { history: { cause: string }[] };
}

const bookedHost = (guestEmail: string, options: { autoConfirm?: boolean } = {}) => bookedHostOf(sys, guestEmail, options);

async function respond(host: TestHost, slotId: string, email: string, responseStatus: string): Promise<void> {
  await sys.control(`/calendars/${encodeURIComponent(host.calendarId)}/events/${eventIdForSlot(slotId)}/respond`, { email, responseStatus });
}

async function hostNotices(host: TestHost): Promise<string[]> {
  return (await sys.sinkMessages(host.email)).map((m) => m.subject);
}

async function settled(channelId: string): Promise<void> {
  await until(async () => {
    const channel = await channelState(channelId);
    return channel && !channel.lease && !channel.dirty ? true : undefined;
  }, 'the channel to settle');
}

describe('changes in Google come back to our slots', () => {
  it('a guest declining frees the slot and removes the event without mailing the guest again; the host is told', async () => {
    const { host, slotId } = await bookedHost('decliner@example.org');
    await respond(host, slotId, 'decliner@example.org', 'declined');
    const slot = await until(async () => ((await slotOf(slotId)).status === 'declined' ? slotOf(slotId) : undefined), 'the slot to be declined');
    expect(slot.guestResponse).toBe('declined');
    expect(slot.history.at(-1)?.cause).toBe('guest_declined');
    await until(async () => ((await sys.calendarEvent(host, slotId)).status === 'cancelled' ? true : undefined), 'the event to be deleted');
    expect((await sys.googleMail('decliner@example.org')).map((m) => m.kind)).toEqual(['invitation']);
    await until(async () => ((await hostNotices(host)).length === 2 ? true : undefined), 'the host notice');
  });

  it('a guest accepting is recorded and the host must still confirm', async () => {
    const { host, slotId, channelId } = await bookedHost('accepter@example.org');
    await respond(host, slotId, 'accepter@example.org', 'accepted');
    await until(async () => ((await slotOf(slotId)).guestResponse === 'accepted' ? true : undefined), 'the answer to be recorded');
    await settled(channelId);
    expect((await slotOf(slotId)).status).toBe('requested');
    expect(await hostNotices(host)).toHaveLength(1);
  });

  it('a guest saying maybe is recorded and the host is told', async () => {
    const { host, slotId } = await bookedHost('maybe@example.org');
    await respond(host, slotId, 'maybe@example.org', 'tentative');
    await until(async () => ((await slotOf(slotId)).guestResponse === 'tentative' ? true : undefined), 'the answer');
    await until(async () => ((await hostNotices(host)).length === 2 ? true : undefined), 'the host notice');
    expect((await slotOf(slotId)).status).toBe('requested');
  });

  it('the host accepting in Google books the slot and confirms the event; Google tells the guest', async () => {
    const { host, slotId } = await bookedHost('confirmed-in-google@example.org');
    await respond(host, slotId, host.calendarId, 'accepted');
    await until(async () => ((await slotOf(slotId)).status === 'booked' ? true : undefined), 'the slot to be booked');
    await until(async () => ((await sys.calendarEvent(host, slotId)).status === 'confirmed' ? true : undefined), 'the event to be confirmed');
    const kinds = (await sys.googleMail('confirmed-in-google@example.org')).map((m) => m.kind);
    expect(kinds).toEqual(['invitation', 'update']);
  });

  it('the host declining in Google declines the slot and Google cancels it for the guest', async () => {
    const { host, slotId } = await bookedHost('host-declined@example.org');
    await respond(host, slotId, host.calendarId, 'declined');
    await until(async () => ((await slotOf(slotId)).status === 'declined' ? true : undefined), 'the slot to be declined');
    await until(async () => ((await sys.googleMail('host-declined@example.org')).some((m) => m.kind === 'cancellation') ? true : undefined), 'the guest cancellation');
  });

  it('the host deleting the event cancels the slot and tells the host', async () => {
    const { host, slotId } = await bookedHost('deleted@example.org');
    const token = await sys.accessToken(host);
    await fetch(`${sys.google.url}/calendar/v3/calendars/${encodeURIComponent(host.calendarId)}/events/${eventIdForSlot(slotId)}?sendUpdates=all`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${token}` },
    });
    const slot = await until(async () => ((await slotOf(slotId)).status === 'cancelled' ? slotOf(slotId) : undefined), 'the slot to be cancelled');
    expect(slot.history.at(-1)?.cause).toBe('event_deleted_in_google');
    await until(async () => ((await hostNotices(host)).length === 2 ? true : undefined), 'the host notice');
  });

  it('the host moving the event moves the slot, the old time is free again, and the host is told what moved (Google tells the guest)', async () => {
    const { host, slotId } = await bookedHost('moved@example.org');
    const before = await slotOf(slotId);
    const newStart = new Date(before.start.getTime() + 26 * 3600_000);
    const newEnd = new Date(newStart.getTime() + 30 * 60_000);
    const token = await sys.accessToken(host);
    await fetch(`${sys.google.url}/calendar/v3/calendars/${encodeURIComponent(host.calendarId)}/events/${eventIdForSlot(slotId)}?sendUpdates=all`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ start: { dateTime: newStart.toISOString() }, end: { dateTime: newEnd.toISOString() } }),
    });
    const slot = await until(async () => ((await slotOf(slotId)).start.getTime() === newStart.getTime() ? slotOf(slotId) : undefined), 'the slot to move');
    expect(slot.status).toBe('requested');
    expect(slot.history.at(-1)?.cause).toBe('moved_in_google');
    const held = await services().slots.heldTime(host.id, before.start, new Date(newEnd.getTime() + 1));
    expect(held).toEqual([{ start: newStart, end: newEnd }]);
    await until(async () => ((await hostNotices(host)).some((subject) => subject.startsWith('Booking moved: ')) ? true : undefined), 'the host notice');
    expect(await sys.sinkMessages('moved@example.org')).toEqual([]);
    expect((await sys.googleMail('moved@example.org')).map((m) => m.kind)).toEqual(['invitation', 'update']);
  });

  it('our own writes echo back with no effects: book, confirm, and nothing more happens', async () => {
    const { host, slotId, channelId } = await bookedHost('quiet@example.org');
    const [hostMail] = await sys.sinkMessages(host.email);
    const confirm = hostMail!.content.map((c) => c.value).join('\n').match(/https?:\/\/\S+\/decision\?token=[A-Za-z0-9._%-]+/g)!;
    const token = new URL(confirm[0]!).searchParams.get('token')!;
    await fetch(`${sys.functionsUrl}/decision`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token, action: 'confirm' }) });
    await new Promise((r) => setTimeout(r, 500));
    await settled(channelId);
    const slot = await slotOf(slotId);
    expect(slot.status).toBe('booked');
    expect(slot.history.map((h) => h.cause)).toEqual(['guest_booked', 'host_confirmed']);
    expect(await hostNotices(host)).toHaveLength(1);
    expect((await sys.googleMail('quiet@example.org')).map((m) => m.kind)).toEqual(['invitation', 'update']);
  });
});

describe('the sync under trouble', () => {
  it('a hundred pushes at once for one channel cost at most two syncs', async () => {
    const { host, channelId } = await bookedHost('burst@example.org');
    await settled(channelId);
    // We cannot read Google's copy of the channel token, so the test gives the channel one it knows.
    await services().channels.channels.ref(channelId).update({ tokenHash: hashChannelToken('burst-token') });
    const channel = await channelState(channelId);
    const lists = async () => ((await sys.control('/requests')) as { byOperation: Record<string, number> }).byOperation['events.list'] ?? 0;
    const before = await lists();
    // A slow first list (Google can be slow), so the whole burst lands while that sync runs: long
    // enough for a hundred pushes to be received on a busy machine (each reads the channel once).
    await sys.control('/faults', { method: 'GET', pathContains: '/events', delayMs: 3000, count: 1 });
    const answers = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        fetch(`${sys.functionsUrl}/googleWebhook`, {
          method: 'POST',
          headers: {
            'x-goog-channel-id': channelId,
            'x-goog-channel-token': 'burst-token',
            'x-goog-resource-id': channel!.resourceId!,
            'x-goog-resource-state': 'exists',
            'x-goog-message-number': String(100 + i),
          },
        }),
      ),
    );
    expect(answers.map((a) => a.status).filter((status) => status !== 200)).toEqual([]);
    await settled(channelId);
    expect((await lists()) - before).toBeLessThanOrEqual(2);
    expect((await channelState(channelId))?.lastMessageNumber).toBeGreaterThanOrEqual(100);
    expect(host.slug).toBeTruthy();
  });

  it('dropped pushes are caught up by the next one: the sync token, not the push, is the watermark', async () => {
    const { host, slotId, channelId } = await bookedHost('dropped@example.org');
    await settled(channelId);
    await sys.control('/push', { mode: 'drop' });
    await respond(host, slotId, 'dropped@example.org', 'tentative');
    await new Promise((r) => setTimeout(r, 300));
    expect((await slotOf(slotId)).guestResponse).toBe('needsAction');
    await sys.control('/push', { mode: 'normal' });
    await respond(host, slotId, host.calendarId, 'accepted');
    await until(async () => ((await slotOf(slotId)).status === 'booked' ? true : undefined), 'the slot to be booked');
    expect((await slotOf(slotId)).guestResponse).toBe('tentative');
  });

  it('duplicated and reordered pushes lead to the same final state, with each notice sent once', async () => {
    for (const mode of ['duplicate', 'reorder'] as const) {
      const guest = `${mode}@example.org`;
      const { host, slotId, channelId } = await bookedHost(guest);
      await settled(channelId);
      await sys.control('/push', { mode });
      await respond(host, slotId, guest, 'tentative');
      await respond(host, slotId, guest, 'declined');
      await until(async () => ((await slotOf(slotId)).status === 'declined' ? true : undefined), `the decline (${mode})`);
      await new Promise((r) => setTimeout(r, 300));
      await settled(channelId);
      const subjects = await hostNotices(host);
      expect(new Set(subjects).size).toBe(subjects.length);
      expect((await sys.calendarEvent(host, slotId)).status).toBe('cancelled');
      await sys.control('/push', { mode: 'normal' });
    }
  });

  it('a 410 (sync token invalidated) with a change made while stale: the full resync applies it', async () => {
    const { host, slotId, channelId } = await bookedHost('stale@example.org');
    await settled(channelId);
    await sys.control('/push', { mode: 'drop' });
    await respond(host, slotId, 'stale@example.org', 'declined');
    await sys.control(`/calendars/${encodeURIComponent(host.calendarId)}/sync-tokens/invalidate`, {});
    await sys.control('/push', { mode: 'normal' });
    const other = await freeSlot(sys.functionsUrl, host.slug, 4);
    await book(sys.functionsUrl, { host: host.slug, start: other.start, guest: { ...GUEST, email: 'trigger@example.org' } });
    await until(async () => ((await slotOf(slotId)).status === 'declined' ? true : undefined), 'the stale decline to be applied');
    await until(async () => ((await sys.calendarEvent(host, slotId)).status === 'cancelled' ? true : undefined), 'the event to be deleted');
  });

  it('a crash between applying changes and saving the token repeats them harmlessly', async () => {
    const { host, slotId, channelId } = await bookedHost('crash@example.org');
    await settled(channelId);
    const staleToken = (await channelState(channelId))!.syncToken;
    await respond(host, slotId, 'crash@example.org', 'declined');
    await until(async () => ((await slotOf(slotId)).status === 'declined' ? true : undefined), 'the decline');
    await settled(channelId);
    const noticesBefore = await hostNotices(host);
    const deletesBefore = ((await sys.control('/requests')) as { byOperation: Record<string, number> }).byOperation['events.delete'] ?? 0;
    // As if the token save had never happened: the same changes come again.
    await (await watchRefOf(channelId)).update({ syncToken: staleToken });
    // The push of our own delete may still be syncing ('queued'): that sync repeats them too.
    await until(async () => ((await syncChannel(syncDeps(), channelId, 5_000)).outcome === 'synced' ? true : undefined), 'a sync from the stale token');
    expect(await hostNotices(host)).toEqual(noticesBefore);
    const deletesAfter = ((await sys.control('/requests')) as { byOperation: Record<string, number> }).byOperation['events.delete'] ?? 0;
    expect(deletesAfter).toBe(deletesBefore);
    expect((await slotOf(slotId)).history.filter((h) => h.cause === 'guest_declined')).toHaveLength(1);
  });

  it('a sync of many changes applies them all; one that fails keeps the token back and is finished, notice included, by the next sync', async () => {
    const { host, slotId: first, channelId } = await bookedHost('many0@example.org');
    const slotIds = [first];
    for (let i = 1; i < 6; i += 1) {
      const offered = await freeSlot(sys.functionsUrl, host.slug, 2 * i);
      const res = await book(sys.functionsUrl, { host: host.slug, start: offered.start, guest: { ...GUEST, email: `many${i}@example.org` } });
      expect(res.status).toBe(201);
      slotIds.push(((await res.json()) as { slotId: string }).slotId);
    }
    await until(async () => {
      const channel = await channelState(channelId);
      return channel && !channel.lease && !channel.dirty && (await Promise.all(slotIds.map(slotOf))).every((s) => s.status === 'requested') ? true : undefined;
    }, 'the bookings to be synced');
    await settled(channelId);
    await sys.control('/push', { mode: 'drop' });
    for (const [i, slotId] of slotIds.entries()) await respond(host, slotId, `many${i}@example.org`, 'declined');
    const stuck = slotIds[3]!;
    await sys.control('/faults', { method: 'DELETE', pathContains: eventIdForSlot(stuck), status: 403, reason: 'forbidden', count: 1 });
    const tokenBefore = (await channelState(channelId))!.syncToken;

    const report = await syncChannel(syncDeps(), channelId, 10_000);

    expect(report.outcome).toBe('left_dirty');
    expect((await channelState(channelId))!.syncToken).toBe(tokenBefore);
    for (const slotId of slotIds) expect((await slotOf(slotId)).status).toBe('declined');
    for (const slotId of slotIds.filter((id) => id !== stuck)) expect((await sys.calendarEvent(host, slotId)).status).toBe('cancelled');
    expect((await sys.calendarEvent(host, stuck)).status).not.toBe('cancelled');
    expect((await slotOf(stuck)).notices).not.toContain('host-guest-declined');

    const again = await syncChannel(syncDeps(), channelId, 10_000);

    expect(again.outcome).toBe('synced');
    expect((await channelState(channelId))!.syncToken).not.toBe(tokenBefore);
    expect((await sys.calendarEvent(host, stuck)).status).toBe('cancelled');
    for (const slotId of slotIds) expect((await slotOf(slotId)).notices.filter((n) => n === 'host-guest-declined')).toHaveLength(1);
    expect((await hostNotices(host)).filter((subject) => subject.includes(' declined: '))).toHaveLength(slotIds.length);
  });

  it('forged pushes are refused and write nothing', async () => {
    const { channelId } = await bookedHost('forged@example.org');
    await settled(channelId);
    const before = await channelState(channelId);
    const headers = {
      'x-goog-channel-id': channelId,
      'x-goog-channel-token': 'not-the-token',
      'x-goog-resource-id': before!.resourceId!,
      'x-goog-resource-state': 'exists',
      'x-goog-message-number': '999999',
    };
    const post = (h: Record<string, string>) => fetch(`${sys.functionsUrl}/googleWebhook`, { method: 'POST', headers: h });
    const wrongToken = await post(headers);
    expect(wrongToken.status).toBe(404);
    expect(await wrongToken.text()).toBe('');
    await services().channels.channels.ref(channelId).update({ tokenHash: hashChannelToken('right-token') });
    expect((await post({ ...headers, 'x-goog-channel-token': 'right-token', 'x-goog-resource-id': 'another-resource' })).status).toBe(404);
    expect((await post({ ...headers, 'x-goog-channel-token': 'right-token', 'x-goog-channel-id': 'no-such-channel' })).status).toBe(404);
    const missing = { ...headers } as Record<string, string>;
    delete missing['x-goog-resource-state'];
    expect((await post(missing)).status).toBe(400);
    expect((await post({ ...headers, 'x-goog-message-number': 'abc' })).status).toBe(400);
    const after = await channelState(channelId);
    expect(after?.lastMessageNumber).toBe(before?.lastMessageNumber);
    expect(after?.syncToken).toBe(before?.syncToken);
  });

  it('a revoked grant met during a sync marks the connection broken, drops the channel and tells the host once', async () => {
    const { host, slotId, channelId } = await bookedHost('revoked@example.org');
    await sys.control(`/accounts/${encodeURIComponent(host.email)}/revoke`, {});
    await respond(host, slotId, 'revoked@example.org', 'declined');
    await until(async () => ((await services().subscribers.get(host.id))?.google?.status === 'broken' ? true : undefined), 'the connection to be marked broken');
    await until(async () => ((await channelState(channelId)) ? undefined : true), 'the channel to be dropped');
    await until(async () => ((await hostNotices(host)).includes('Reconnect your Google Calendar') ? true : undefined), 'the host to be told');
    // Later failures do not tell the host again.
    expect(await services().subscribers.markGoogleBroken(host.id, new Date())).toBe(false);
    expect((await hostNotices(host)).filter((s) => s === 'Reconnect your Google Calendar')).toHaveLength(1);
  });

  it('when Google keeps failing the list, the push still gets 200 and the channel stays dirty until a later sync succeeds', async () => {
    const { host, slotId, channelId } = await bookedHost('flaky@example.org');
    const listsBefore = (await sys.control<{ byOperation: Record<string, number> }>('/requests')).byOperation['events.list'] ?? 0;
    await sys.control('/faults', { method: 'GET', pathContains: '/events', status: 503, count: 50 });
    await respond(host, slotId, 'flaky@example.org', 'tentative');
    const failed = await until(async () => {
      const channel = await channelState(channelId);
      return channel && channel.errorCount > 0 && !channel.lease ? channel : undefined;
    }, 'the failed sync', 30_000);
    expect(failed.dirty).toBe(true);
    // Inside a push, Google gets a short retry budget (3 tries), not the 6 of other callers:
    // the webhook's answer waits for the sync.
    const lists = ((await sys.control<{ byOperation: Record<string, number> }>('/requests')).byOperation['events.list'] ?? 0) - listsBefore;
    expect(lists).toBeGreaterThanOrEqual(1);
    expect(lists).toBeLessThanOrEqual(3);
    expect((await slotOf(slotId)).guestResponse).toBe('needsAction');
    await fetch(`${sys.google.url}/emulator/v1/faults`, { method: 'DELETE' });
    await respond(host, slotId, host.calendarId, 'accepted');
    await until(async () => ((await slotOf(slotId)).status === 'booked' ? true : undefined), 'the next sync');
    expect((await slotOf(slotId)).guestResponse).toBe('tentative');
    await until(async () => ((await channelState(channelId))?.errorCount === 0 ? true : undefined), 'the error count to reset');
  });
});
