// The webhook reads a push by its X-Goog headers alone. Google's own example notification comes
// with `Content-Type: application/json; utf-8` (a malformed parameter) on an empty body; whatever
// type comes, or none, the body parsing in front of the function must let it through.
import { services } from '../../../functions/services';
import { hashChannelToken } from '../../../shared/channels/channels';
import { startSystem, type TestSystem } from '../../support/system';
import { until } from '../../support/until';

jest.setTimeout(60_000);

const TOKEN = 'known-token';

let sys: TestSystem;
let channelId: string;
let resourceId: string;

beforeAll(async () => {
  sys = await startSystem({ GOOGLE_INVITE_ENABLED: 'true' });
  const host = await sys.createHost();
  const subscriber = await services().subscribers.get(host.id);
  ({ channelId } = await services().channels.ensureChannel(host.id, subscriber!, host.calendarId));
  // The stored hash is of a token the test knows, so it can post as Google would.
  await services().channels.channels.ref(channelId).update({ tokenHash: hashChannelToken(TOKEN) });
  resourceId = await until(async () => (await services().channels.channels.get(channelId))?.resourceId ?? undefined, 'the channel to have its resource');
});
afterAll(() => sys.close());

describe('a push notification reaches the webhook whatever its Content-Type', () => {
  it.each([
    ["the guide example's application/json; utf-8", 'application/json; utf-8'],
    ['application/json', 'application/json'],
    ['application/json; charset=UTF-8', 'application/json; charset=UTF-8'],
    ['text/plain', 'text/plain'],
    ['none', undefined],
  ])('with %s it is synced and answered 200', async (_name, contentType) => {
    const messageNumber = (await services().channels.channels.get(channelId))!.lastMessageNumber + 1000;
    const response = await fetch(`${sys.functionsUrl}/googleWebhook`, {
      method: 'POST',
      headers: {
        ...(contentType !== undefined ? { 'content-type': contentType } : {}),
        'content-length': '0',
        'x-goog-channel-id': channelId,
        'x-goog-channel-token': TOKEN,
        'x-goog-channel-expiration': new Date(Date.now() + 86_400_000).toUTCString(),
        'x-goog-resource-id': resourceId,
        'x-goog-resource-uri': `${sys.google.url}/calendar/v3/calendars/primary/events?alt=json`,
        'x-goog-resource-state': 'exists',
        'x-goog-message-number': String(messageNumber),
      },
    });
    expect(response.status).toBe(200);
    await until(async () => ((await services().channels.channels.get(channelId))!.lastMessageNumber >= messageNumber ? true : undefined), 'the push to be synced');
  });
});
