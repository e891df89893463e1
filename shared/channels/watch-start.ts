// Where a calendar's sync starts when it gets a new channel (first-time setup, a reconnect after a
// lost grant, the heal replacing a dead channel, a default switched back). Pure: tested as a table.
// A change made while the calendar was not watched must never be lost (DESIGN: rules that keep it
// correct), so "now" is a safe start only where no slot of ours can be touched by what came before.
import type { SyncState } from './watches';

export type WatchStart =
  /** The calendar's last token: the first sync lists everything since (a 410 → full resync). */
  | 'carry_over'
  /** No token, but slots of ours on the calendar: the first sync is a full resync of our events. */
  | 'full_resync'
  /** Nothing of ours there: a token taken now is the start. */
  | 'fresh_token';

export function watchStart(state: Pick<SyncState, 'syncToken'> | undefined, holdsSlots: boolean): WatchStart {
  if (state?.syncToken) return 'carry_over';
  return holdsSlots ? 'full_resync' : 'fresh_token';
}
