import { belongsTo, decideConnection, hostIdFor } from '../../../shared/accounts/identity';

describe('which host a Google sign-in reaches', () => {
  it.each([
    ['an account no host is linked to, signing in', undefined, undefined, { kind: 'create' }],
    ["a host's account, signing in", 'h-1', undefined, { kind: 'reconnect', subscriberId: 'h-1' }],
    ["a host's account, linked again from that host's own session", 'h-1', 'h-1', { kind: 'reconnect', subscriberId: 'h-1' }],
    ['an account no host is linked to, linked from a signed-in host', undefined, 'h-2', { kind: 'link', subscriberId: 'h-2' }],
    ["another host's account, linked from a signed-in host", 'h-1', 'h-2', { kind: 'refuse', ownerId: 'h-1' }],
  ])('%s', (_, accountHost, signedInHost, decision) => {
    expect(decideConnection(accountHost, signedInHost)).toEqual(decision);
  });
});

describe("a stored host's Google account", () => {
  it('is the one whose sub it is linked to, whatever its id', () => {
    expect(belongsTo('ops-olga', { googleSubject: '111' }, '111')).toBe(true);
    expect(belongsTo('ops-olga', { googleSubject: '111' }, '222')).toBe(false);
  });

  it('is, for a host connect made before subs were stored, the sub its id was made from', () => {
    expect(belongsTo(hostIdFor('111'), {}, '111')).toBe(true);
    expect(belongsTo(hostIdFor('111'), {}, '222')).toBe(false);
  });

  it('is no one for a host stored without a sub under any other id (a host file): its addresses do not count', () => {
    expect(belongsTo('ops-olga', {}, '111')).toBe(false);
  });

  it('is the linked one once a host made for one sub was linked to another', () => {
    expect(belongsTo(hostIdFor('111'), { googleSubject: '222' }, '111')).toBe(false);
    expect(belongsTo(hostIdFor('111'), { googleSubject: '222' }, '222')).toBe(true);
  });
});
