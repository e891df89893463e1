import type { calendar_v3 } from '@googleapis/calendar';
import { failureOf, pause, timedEvent, useEmulator, WebhookReceiver, type EmulatorAccount } from './harness';

const DAY_S = 24 * 60 * 60;

describe('push notifications of events.watch', () => {
  const emulator = useEmulator({ initialDelayMs: 20, maxAttempts: 4 });
  let receiver: WebhookReceiver;
  let host: EmulatorAccount;
  let api: calendar_v3.Calendar;
  let channelCount = 0;

  beforeAll(async () => {
    receiver = await WebhookReceiver.start();
  });
  afterAll(() => receiver.close());

  beforeEach(async () => {
    await emulator().reset();
    receiver.clear();
    host = await emulator().createAccount('host@example.com');
    api = emulator().calendarFor(host).api;
  });

  async function watch(fields: Partial<calendar_v3.Schema$Channel> = {}, calendarId = 'primary'): Promise<calendar_v3.Schema$Channel> {
    channelCount += 1;
    const { data } = await api.events.watch({
      calendarId,
      requestBody: { id: `channel-${channelCount}`, type: 'web_hook', address: receiver.url, ...fields },
    });
    return data;
  }

  it('answers a watch with the channel, expiring in 7 days by default', async () => {
    const before = Date.now();
    const channel = await watch({ token: 'secret=1' });
    expect(channel).toMatchObject({ kind: 'api#channel', id: `channel-${channelCount}`, token: 'secret=1' });
    expect(channel.resourceId).toEqual(expect.any(String));
    expect(channel.resourceUri).toContain('/calendar/v3/calendars/primary/events');
    const expiration = Number(channel.expiration);
    expect(expiration).toBeGreaterThanOrEqual(before + 7 * DAY_S * 1000);
    expect(expiration).toBeLessThan(Date.now() + 7 * DAY_S * 1000 + 1000);
  });

  it('honours params.ttl and shortens one beyond 30 days to 30 days', async () => {
    const before = Date.now();
    const hour = await watch({ params: { ttl: '3600' } });
    expect(Number(hour.expiration) - before).toBeGreaterThanOrEqual(3600 * 1000);
    expect(Number(hour.expiration) - before).toBeLessThan(3601 * 1000 + 1000);
    const long = await watch({ params: { ttl: String(90 * DAY_S) } });
    expect(Number(long.expiration) - Date.now()).toBeLessThanOrEqual(30 * DAY_S * 1000);
    expect(Number(long.expiration) - before).toBeGreaterThan(30 * DAY_S * 1000 - 5000);
  });

  it('grants no more than the channel policy allows, as Google may shorten a requested ttl', async () => {
    const policy = await emulator().control('POST', 'channel-policy', { maxTtlSeconds: 7200 });
    expect(policy.status).toBe(200);
    const before = Date.now();
    const channel = await watch({ params: { ttl: String(30 * DAY_S) } });
    expect(Number(channel.expiration) - before).toBeGreaterThanOrEqual(7200 * 1000);
    expect(Number(channel.expiration) - before).toBeLessThan(7201 * 1000 + 1000);
    expect((await emulator().control('POST', 'channel-policy', { maxTtlSeconds: 10 })).status).toBe(400);
  });

  it('uses one resourceId for every channel on the same calendar and another for another calendar', async () => {
    const created = await emulator().control<{ calendarId: string }>('POST', 'accounts/host@example.com/calendars', { summary: 'Other' });
    const [a, b, c] = [await watch(), await watch(), await watch({}, created.body.calendarId)];
    expect(a.resourceId).toBe(b.resourceId);
    expect(c.resourceId).not.toBe(a.resourceId);
  });

  it('first posts a sync message numbered 1 with the X-Goog headers and an empty body', async () => {
    const channel = await watch({ token: 'tok-123' });
    const [sync] = await receiver.waitFor(1, channel.id as string);
    expect(sync?.headers).toMatchObject({
      'x-goog-channel-id': channel.id,
      'x-goog-channel-token': 'tok-123',
      'x-goog-resource-id': channel.resourceId,
      'x-goog-resource-uri': channel.resourceUri,
      'x-goog-resource-state': 'sync',
      'x-goog-message-number': '1',
    });
    expect(sync?.headers['x-goog-channel-expiration']).toBe(new Date(Number(channel.expiration)).toUTCString());
    expect(sync?.headers['x-goog-channel-expiration']).toMatch(/^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/);
    expect(sync?.body).toBe('');
  });

  it("posts each message as the guide's example notification: Content-Type application/json; utf-8, an empty body, the APIs-Google user agent, the X-Goog headers and no others", async () => {
    const channel = await watch({ token: 'tok-123' });
    await receiver.waitFor(1, channel.id as string);
    await api.events.insert({ calendarId: 'primary', requestBody: timedEvent(1) });
    const messages = await receiver.waitFor(2, channel.id as string);
    for (const message of messages) {
      expect(message.headers['content-type']).toBe('application/json; utf-8');
      expect(message.headers['content-length']).toBe('0');
      expect(message.headers['user-agent']).toBe('APIs-Google (+https://developers.google.com/webmasters/APIs-Google.html)');
      expect(message.body).toBe('');
      expect(Object.keys(message.headers).filter((name) => name.startsWith('x-goog-')).sort()).toEqual([
        'x-goog-channel-expiration',
        'x-goog-channel-id',
        'x-goog-channel-token',
        'x-goog-message-number',
        'x-goog-resource-id',
        'x-goog-resource-state',
        'x-goog-resource-uri',
      ]);
    }
  });

  it('leaves X-Goog-Channel-Token out when the channel has none', async () => {
    const channel = await watch();
    const [sync] = await receiver.waitFor(1, channel.id as string);
    expect(sync?.headers).not.toHaveProperty('x-goog-channel-token');
  });

  it('posts an exists message for each change of the calendar, with increasing message numbers', async () => {
    const channel = await watch();
    await receiver.waitFor(1, channel.id as string);
    const inserted = await api.events.insert({ calendarId: 'primary', requestBody: timedEvent(1, { attendees: [{ email: 'g@other.org' }] }) });
    await receiver.waitFor(2, channel.id as string);
    await api.events.patch({ calendarId: 'primary', eventId: inserted.data.id as string, requestBody: { summary: 'x' } });
    await receiver.waitFor(3, channel.id as string);
    await api.events.import({ calendarId: 'primary', requestBody: timedEvent(2, { iCalUID: 'i@elsewhere.org' }) });
    await receiver.waitFor(4, channel.id as string);
    await emulator().control('POST', `calendars/${host.calendarId}/events/${inserted.data.id}/respond`, { email: 'g@other.org', responseStatus: 'accepted' });
    await receiver.waitFor(5, channel.id as string);
    await api.events.delete({ calendarId: 'primary', eventId: inserted.data.id as string });
    const received = await receiver.waitFor(6, channel.id as string);
    expect(received.map((notification) => notification.state)).toEqual(['sync', 'exists', 'exists', 'exists', 'exists', 'exists']);
    const numbers = received.map((notification) => notification.messageNumber);
    expect(numbers[0]).toBe(1);
    for (let index = 1; index < numbers.length; index += 1) expect(numbers[index]).toBeGreaterThan(numbers[index - 1] as number);
  });

  it('does not notify a channel about another calendar', async () => {
    const created = await emulator().control<{ calendarId: string }>('POST', 'accounts/host@example.com/calendars', { summary: 'Other' });
    const channel = await watch();
    await receiver.waitFor(1, channel.id as string);
    await api.events.insert({ calendarId: created.body.calendarId, requestBody: timedEvent(1) });
    await pause(100);
    expect(receiver.forChannel(channel.id as string)).toHaveLength(1);
  });

  describe('refuses a watch', () => {
    it('reusing the id of a live channel with 400 channelIdNotUnique', async () => {
      const channel = await watch();
      const failure = await failureOf(api.events.watch({ calendarId: 'primary', requestBody: { id: channel.id, type: 'web_hook', address: receiver.url } }));
      expect(failure).toMatchObject({ status: 400, reason: 'channelIdNotUnique' });
    });

    it('with an id over 64 characters or a token over 256', async () => {
      expect((await failureOf(api.events.watch({ calendarId: 'primary', requestBody: { id: 'x'.repeat(65), type: 'web_hook', address: receiver.url } }))).status).toBe(400);
      expect((await failureOf(api.events.watch({ calendarId: 'primary', requestBody: { id: 'ok', type: 'web_hook', address: receiver.url, token: 't'.repeat(257) } }))).status).toBe(400);
    });

    it('to a plain http address off loopback with 400 push.webhookUrlNotHttps', async () => {
      const failure = await failureOf(api.events.watch({ calendarId: 'primary', requestBody: { id: 'remote', type: 'web_hook', address: 'http://example.com/hook' } }));
      expect(failure).toMatchObject({ status: 400, reason: 'push.webhookUrlNotHttps' });
    });

    it('of another type than web_hook', async () => {
      expect((await failureOf(api.events.watch({ calendarId: 'primary', requestBody: { id: 'other', type: 'email', address: receiver.url } }))).status).toBe(400);
    });
  });

  it('accepts an https address and http to localhost', async () => {
    expect((await watch({ address: 'https://hooks.example.com/calendar' })).id).toBeDefined();
    expect((await watch({ address: receiver.url.replace('127.0.0.1', 'localhost') })).id).toBeDefined();
  });

  it('retries a delivery answered 503 and delivers it with the same message number', async () => {
    receiver.statuses = [503, 200];
    const channel = await watch();
    const received = await receiver.waitFor(2, channel.id as string);
    expect(received.map((notification) => notification.messageNumber)).toEqual([1, 1]);
  });

  it('gives up after the configured number of attempts', async () => {
    receiver.statuses = [500, 502, 504, 503, 503, 503];
    const channel = await watch();
    await receiver.waitFor(4, channel.id as string);
    await pause(300);
    expect(receiver.forChannel(channel.id as string)).toHaveLength(4);
  });

  it('does not retry a delivery answered 404', async () => {
    receiver.statuses = [404];
    const channel = await watch();
    await receiver.waitFor(1, channel.id as string);
    await pause(150);
    expect(receiver.forChannel(channel.id as string)).toHaveLength(1);
  });

  it('retries a delivery that got no answer', async () => {
    receiver.hangUps = 1;
    const channel = await watch();
    const received = await receiver.waitFor(2, channel.id as string);
    expect(received.map((notification) => notification.messageNumber)).toEqual([1, 1]);
  });

  it('stops notifying once the channel expires by the emulator clock, and forgets it', async () => {
    const channel = await watch({ params: { ttl: '60' } });
    await receiver.waitFor(1, channel.id as string);
    await emulator().control('POST', 'clock', { advanceMs: 61_000 });
    await api.events.insert({ calendarId: 'primary', requestBody: timedEvent(1) });
    await pause(100);
    expect(receiver.forChannel(channel.id as string)).toHaveLength(1);
    const { body } = await emulator().control<{ id: string }[]>('GET', 'channels');
    expect(body.map((live) => live.id)).not.toContain(channel.id);
  });

  it('lists live channels on the control API', async () => {
    const channel = await watch();
    const { body } = await emulator().control<unknown[]>('GET', 'channels');
    expect(body).toEqual([{ id: channel.id, resourceId: channel.resourceId, calendarId: 'host@example.com', address: receiver.url, expiration: Number(channel.expiration), lastMessageNumber: 1 }]);
  });

  it('stops notifying after channels.stop, which refuses an unknown id or a wrong resourceId with 404', async () => {
    const channel = await watch();
    await receiver.waitFor(1, channel.id as string);
    expect((await failureOf(api.channels.stop({ requestBody: { id: channel.id, resourceId: 'wrong' } }))).status).toBe(404);
    expect((await failureOf(api.channels.stop({ requestBody: { id: 'nobody', resourceId: channel.resourceId } }))).status).toBe(404);
    const stopped = await api.channels.stop({ requestBody: { id: channel.id, resourceId: channel.resourceId } });
    expect(stopped.status).toBe(204);
    await api.events.insert({ calendarId: 'primary', requestBody: timedEvent(1) });
    await pause(100);
    expect(receiver.forChannel(channel.id as string)).toHaveLength(1);
    expect((await watch({ id: channel.id as string })).id).toBe(channel.id);
  });

  describe('push modes', () => {
    it('drops every delivery in drop mode', async () => {
      await emulator().control('POST', 'push', { mode: 'drop' });
      const channel = await watch();
      await api.events.insert({ calendarId: 'primary', requestBody: timedEvent(1) });
      await pause(100);
      expect(receiver.forChannel(channel.id as string)).toEqual([]);
    });

    it('delivers each message twice with the same number in duplicate mode', async () => {
      await emulator().control('POST', 'push', { mode: 'duplicate' });
      const channel = await watch();
      await api.events.insert({ calendarId: 'primary', requestBody: timedEvent(1) });
      const received = await receiver.waitFor(4, channel.id as string);
      const numbers = received.map((notification) => notification.messageNumber).sort((a, b) => a - b);
      expect(numbers[0]).toBe(numbers[1]);
      expect(numbers[2]).toBe(numbers[3]);
      expect(numbers[2]).toBeGreaterThan(numbers[0] as number);
    });

    it('holds deliveries briefly and sends them all in a shuffled order in reorder mode', async () => {
      await emulator().control('POST', 'push', { mode: 'reorder' });
      const channel = await watch();
      for (let hour = 0; hour < 9; hour += 1) await api.events.insert({ calendarId: 'primary', requestBody: timedEvent(hour) });
      const received = await receiver.waitFor(10, channel.id as string);
      const numbers = received.map((notification) => notification.messageNumber);
      const sorted = [...numbers].sort((a, b) => a - b);
      expect(new Set(numbers).size).toBe(10);
      expect(numbers).not.toEqual(sorted);
    });

    it('returns to normal delivery with mode normal', async () => {
      await emulator().control('POST', 'push', { mode: 'drop' });
      await emulator().control('POST', 'push', { mode: 'normal' });
      const channel = await watch();
      expect(await receiver.waitFor(1, channel.id as string)).toHaveLength(1);
    });
  });
});
