// One sync per calendar at a time. Pure rules over the lease and dirty mark on the calendar's
// watch (shared by every channel of it); the writes that apply them are in ./held-lease.ts.
import type { SyncState } from '../channels/watches';

type LeaseState = Pick<SyncState, 'lease' | 'dirty'>;

export type LeaseRequest =
  /** Ours: run the sync. */
  | { kind: 'acquired'; next: LeaseState }
  /** Someone is syncing: they will run once more for us (dirty), nothing else to do. */
  | { kind: 'queued'; next: LeaseState };

export function requestLease(state: LeaseState, holder: string, now: Date, leaseMs: number): LeaseRequest {
  if (state.lease && state.lease.until > now && state.lease.holder !== holder) {
    return { kind: 'queued', next: { lease: state.lease, dirty: true } };
  }
  return { kind: 'acquired', next: { lease: { holder, until: new Date(now.getTime() + leaseMs) }, dirty: false } };
}

export type LeaseAfterRun =
  /** Notifications came during the run: run again, still holding the lease. */
  | { kind: 'again'; next: LeaseState }
  /** Done: the lease is released (dirty stays set if we ran out of time, for the next push or run). */
  | { kind: 'released'; next: LeaseState }
  /** The lease expired and someone else holds it now: leave everything to them. */
  | { kind: 'lost' };

export function afterRun(state: LeaseState, holder: string, now: Date, leaseMs: number, timeLeft: boolean): LeaseAfterRun {
  if (!state.lease || state.lease.holder !== holder) return { kind: 'lost' };
  if (state.dirty && timeLeft) return { kind: 'again', next: { lease: { holder, until: new Date(now.getTime() + leaseMs) }, dirty: false } };
  return { kind: 'released', next: { lease: null, dirty: state.dirty } };
}
