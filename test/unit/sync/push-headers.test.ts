import { parsePushHeaders } from '../../../shared/sync/push-headers';

const valid = {
  'x-goog-channel-id': 'ch-1',
  'x-goog-channel-token': 'tok',
  'x-goog-resource-id': 'res-1',
  'x-goog-resource-state': 'exists',
  'x-goog-message-number': '42',
  'x-goog-channel-expiration': 'Tue, 19 Nov 2013 01:13:52 GMT',
};

describe("Google's push headers", () => {
  it('are read into typed values, the expiration as a date', () => {
    const parsed = parsePushHeaders(valid);
    expect(parsed.success && parsed.data).toEqual({
      channelId: 'ch-1',
      token: 'tok',
      resourceId: 'res-1',
      resourceState: 'exists',
      messageNumber: 42,
      expiration: new Date('2013-11-19T01:13:52Z'),
    });
  });

  it('accept a channel without expiration and the sync and not_exists states', () => {
    const { 'x-goog-channel-expiration': _, ...rest } = valid;
    expect(parsePushHeaders({ ...rest, 'x-goog-resource-state': 'sync' }).success).toBe(true);
    expect(parsePushHeaders({ ...valid, 'x-goog-resource-state': 'not_exists' }).success).toBe(true);
  });

  it.each([
    ['a missing channel id', { 'x-goog-channel-id': undefined }],
    ['a missing token', { 'x-goog-channel-token': undefined }],
    ['an unknown resource state', { 'x-goog-resource-state': 'updated' }],
    ['a message number that is not a number', { 'x-goog-message-number': 'seven' }],
    ['a message number below one', { 'x-goog-message-number': '0' }],
    ['an expiration that is not a date', { 'x-goog-channel-expiration': 'soon' }],
  ])('refuse %s', (_name, change) => {
    expect(parsePushHeaders({ ...valid, ...change }).success).toBe(false);
  });

  it('take any channel id, leaving whether it could be ours to the push itself (a 404, not a 400)', () => {
    const long = 'c'.repeat(65);
    const parsed = parsePushHeaders({ ...valid, 'x-goog-channel-id': long });
    expect(parsed.success && parsed.data.channelId).toBe(long);
  });
});
