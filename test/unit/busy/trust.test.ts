import { trustBusyData, trustPolicy, type TrustInput } from '../../../shared/busy/trust';

const now = new Date('2026-12-01T10:00:00Z');
const minutes = (n: number) => new Date(now.getTime() + n * 60_000);
const policy = trustPolicy(0);

const healthy: TrustInput = {
  watch: {
    watched: true,
    channelId: 'ch-1',
    errorCount: 0,
    dirty: false,
    lease: null,
    busyCoveredFrom: new Date('2026-11-30T00:00:00Z'),
    busyCoveredUntil: new Date('2026-12-18T00:00:00Z'),
    busyCompleteAt: minutes(-20),
  },
  channel: { state: 'active', expiration: minutes(3 * 24 * 60) },
  range: { start: new Date('2026-12-02T00:00:00Z'), end: new Date('2026-12-16T00:00:00Z') },
  now,
};
const watch = healthy.watch!;

describe('when stored busy time stands in for freeBusy', () => {
  const cases: { name: string; input: TrustInput; expected: ReturnType<typeof trustBusyData> }[] = [
    { name: 'a healthy channel, synced lately, covering the range: trusted', input: healthy, expected: { trusted: true } },
    { name: 'a sync running now (dirty, lease held): trusted', input: { ...healthy, watch: { ...watch, dirty: true, lease: { holder: 'x', until: minutes(1) } } }, expected: { trusted: true } },
    { name: 'no watch', input: { ...healthy, watch: undefined }, expected: { trusted: false, reason: 'not_watched' } },
    { name: 'not watched any more', input: { ...healthy, watch: { ...watch, watched: false } }, expected: { trusted: false, reason: 'not_watched' } },
    { name: 'its channel is gone', input: { ...healthy, channel: undefined }, expected: { trusted: false, reason: 'no_channel' } },
    { name: 'its channel is still pending', input: { ...healthy, channel: { state: 'pending', expiration: null } }, expected: { trusted: false, reason: 'no_channel' } },
    { name: 'its channel expired', input: { ...healthy, channel: { state: 'active', expiration: minutes(-1) } }, expected: { trusted: false, reason: 'channel_expiring' } },
    { name: 'its channel expires within the margin', input: { ...healthy, channel: { state: 'active', expiration: minutes(90) } }, expected: { trusted: false, reason: 'channel_expiring' } },
    { name: 'never built (or being rebuilt)', input: { ...healthy, watch: { ...watch, busyCoveredUntil: null } }, expected: { trusted: false, reason: 'not_built' } },
    { name: 'built by no sync yet', input: { ...healthy, watch: { ...watch, busyCompleteAt: undefined } }, expected: { trusted: false, reason: 'not_built' } },
    { name: 'last complete sync older than a scheduled period and the margin', input: { ...healthy, watch: { ...watch, busyCompleteAt: minutes(-91) } }, expected: { trusted: false, reason: 'stale' } },
    { name: 'the last sync failed', input: { ...healthy, watch: { ...watch, errorCount: 1 } }, expected: { trusted: false, reason: 'failing' } },
    { name: 'left dirty with nobody syncing', input: { ...healthy, watch: { ...watch, dirty: true, lease: null } }, expected: { trusted: false, reason: 'left_dirty' } },
    { name: 'left dirty by a sync whose lease ran out', input: { ...healthy, watch: { ...watch, dirty: true, lease: { holder: 'x', until: minutes(-1) } } }, expected: { trusted: false, reason: 'left_dirty' } },
    { name: 'the range ends past the days kept', input: { ...healthy, range: { start: healthy.range.start, end: new Date('2026-12-19T00:00:00Z') } }, expected: { trusted: false, reason: 'not_covered' } },
    { name: 'the range starts before the days kept', input: { ...healthy, range: { start: new Date('2026-11-29T23:00:00Z'), end: healthy.range.end } }, expected: { trusted: false, reason: 'not_covered' } },
  ];
  it.each(cases)('$name', ({ input, expected }) => {
    expect(trustBusyData(input, policy)).toEqual(expected);
  });

  it('a longer reconcile interval allows older data by as much', () => {
    const old = { ...healthy, watch: { ...watch, busyCompleteAt: minutes(-100) } };
    expect(trustBusyData(old, trustPolicy(0))).toEqual({ trusted: false, reason: 'stale' });
    expect(trustBusyData(old, trustPolicy(30 * 60_000))).toEqual({ trusted: true });
  });
});
