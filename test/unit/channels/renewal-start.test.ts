import type { Channel } from '../../../shared/channels/channels';
import { renewalStart, type RenewalRead } from '../../../shared/channels/renewal-start';
import { FRESH_STATE, type Watch } from '../../../shared/channels/watches';
import type { Subscriber } from '../../../shared/store/subscribers';

const AT = new Date('2026-03-02T09:00:00Z');
const channel: Channel = {
  subscriberId: 'host-1',
  calendarId: 'cal-1',
  state: 'active',
  resourceId: 'res-1',
  resourceUri: 'uri',
  expiration: new Date('2026-03-03T09:00:00Z'),
  tokenHash: 'a'.repeat(64),
  lastMessageNumber: 1,
  createdAt: AT,
  updatedAt: AT,
};
const watch: Watch = { ...FRESH_STATE, subscriberId: 'host-1', calendarId: 'cal-1', channelId: 'ch-old', watched: true, updatedAt: AT };
const host = { name: 'Host' } as Subscriber;
const read = (change: Partial<RenewalRead>): RenewalRead => ({ channel, watch, host, ...change });

describe('whether a channel listed for renewal is renewed, from one read of it, its watch and its host', () => {
  it.each([
    ['the channel, current, its host there', read({}), { kind: 'renew' }],
    ['the channel gone (stopped, or renewed by another run)', read({ channel: undefined }), { kind: 'skip', reason: 'gone' }],
    ['the channel still pending (its watch in flight)', read({ channel: { ...channel, state: 'pending' } }), { kind: 'skip', reason: 'pending' }],
    ['the watch names another channel (renewed or healed meanwhile)', read({ watch: { ...watch, channelId: 'ch-new' } }), { kind: 'skip', reason: 'not_current' }],
    ['the calendar no longer watched', read({ watch: { ...watch, channelId: null, watched: false } }), { kind: 'skip', reason: 'not_current' }],
    ['no watch at all', read({ watch: undefined }), { kind: 'skip', reason: 'not_current' }],
    ['the watch in its pre-deploy shape', read({ watch: 'unmigrated' }), { kind: 'migrate_watch' }],
    ['the host gone', read({ host: undefined }), { kind: 'no_host' }],
  ])('%s', (_case, given, expected) => {
    expect(renewalStart('ch-old', given)).toEqual(expected);
  });
});
