import { afterRun, requestLease } from '../../../shared/sync/lease';

const now = new Date('2026-12-01T10:00:00Z');
const later = new Date('2026-12-01T10:00:30Z');
const LEASE_MS = 60_000;

describe('the sync lease', () => {
  it('a free channel is taken, clearing the dirty mark', () => {
    expect(requestLease({ lease: null, dirty: true }, 'a', now, LEASE_MS)).toEqual({
      kind: 'acquired',
      next: { lease: { holder: 'a', until: new Date('2026-12-01T10:01:00Z') }, dirty: false },
    });
  });

  it('a notification that finds the lease held only marks the channel dirty', () => {
    const held = { lease: { holder: 'a', until: new Date('2026-12-01T10:01:00Z') }, dirty: false };
    expect(requestLease(held, 'b', later, LEASE_MS)).toEqual({ kind: 'queued', next: { lease: held.lease, dirty: true } });
  });

  it('an expired lease (its holder died) is taken over', () => {
    const stale = { lease: { holder: 'a', until: now }, dirty: true };
    expect(requestLease(stale, 'b', later, LEASE_MS).kind).toBe('acquired');
  });

  it('the holder runs once more when the channel was marked dirty during its run', () => {
    const state = { lease: { holder: 'a', until: new Date('2026-12-01T10:01:00Z') }, dirty: true };
    expect(afterRun(state, 'a', later, LEASE_MS, true)).toEqual({ kind: 'again', next: { lease: { holder: 'a', until: new Date('2026-12-01T10:01:30Z') }, dirty: false } });
  });

  it('the holder releases when nothing came in, and leaves the dirty mark when out of time', () => {
    const clean = { lease: { holder: 'a', until: new Date('2026-12-01T10:01:00Z') }, dirty: false };
    expect(afterRun(clean, 'a', later, LEASE_MS, true)).toEqual({ kind: 'released', next: { lease: null, dirty: false } });
    expect(afterRun({ ...clean, dirty: true }, 'a', later, LEASE_MS, false)).toEqual({ kind: 'released', next: { lease: null, dirty: true } });
  });

  it('a holder whose lease was taken over touches nothing', () => {
    expect(afterRun({ lease: { holder: 'b', until: later }, dirty: true }, 'a', later, LEASE_MS, true)).toEqual({ kind: 'lost' });
  });

  it('a burst of notifications during one run costs one more run, not one each', () => {
    let state = requestLease({ lease: null, dirty: false }, 'first', now, LEASE_MS).next;
    for (let i = 0; i < 100; i += 1) state = requestLease(state, `push-${i}`, later, LEASE_MS).next;
    const after = afterRun(state, 'first', later, LEASE_MS, true);
    expect(after.kind).toBe('again');
    const done = afterRun((after as { next: typeof state }).next, 'first', later, LEASE_MS, true);
    expect(done.kind).toBe('released');
  });
});
