import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { historyInWords, transitionSentence, KNOWN_CAUSES } from '../../../shared/booking/history-text';
import type { Transition } from '../../../shared/store/slots';
import { CANCEL_CAUSES } from '../../../shared/booking/cancel-booking';
import { GUEST_RESCHEDULED } from '../../../shared/booking/manage-links';
import { MOVED_IN_GOOGLE } from '../../../shared/sync/decide-change';

/** The snake_case literals after `cause` (any case) on the lines of shared/ that name one: every cause the code writes or reads. */
function causesInCode(): Set<string> {
  const root = join(__dirname, '../../../shared');
  const found = new Set<string>();
  for (const entry of readdirSync(root, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.ts') || entry.name === 'history-text.ts') continue;
    for (const line of readFileSync(join(entry.parentPath, entry.name), 'utf8').split('\n')) {
      const named = /cause/i.exec(line);
      if (!named) continue;
      for (const match of line.slice(named.index).matchAll(/'([a-z]+(?:_[a-z]+)+)'/g)) found.add(match[1]!);
    }
  }
  return found;
}

const ZONE = 'Europe/Berlin';
const at = new Date('2026-03-02T08:00:00Z');
const ten = { start: new Date('2026-03-10T09:00:00Z'), end: new Date('2026-03-10T09:30:00Z') };
const eleven = { start: new Date('2026-03-10T10:00:00Z'), end: new Date('2026-03-10T10:30:00Z') };
const nextDay = { start: new Date('2026-03-11T13:00:00Z'), end: new Date('2026-03-11T13:30:00Z') };

function step(cause: string, to: Transition['to'], extra: Partial<Transition> = {}): Transition {
  return { from: 'requested', to, cause, at, ...extra };
}

describe('a transition in words, for the host', () => {
  it.each([
    ['guest_booked', 'requested', 'Requested by the guest'],
    ['auto_confirmed', 'booked', 'Confirmed automatically: the time was free'],
    ['host_confirmed', 'booked', 'Confirmed by you'],
    ['host_denied', 'declined', 'Declined by you'],
    ['host_cancelled', 'cancelled', 'Cancelled by you'],
    ['guest_cancelled', 'cancelled', 'Cancelled by the guest'],
    ['guest_declined', 'declined', 'Declined by the guest in Google'],
    ['host_accepted_in_google', 'booked', 'Confirmed by you in Google Calendar (you accepted the event)'],
    ['host_declined_in_google', 'declined', 'Declined by you in Google Calendar'],
    ['event_deleted_in_google', 'cancelled', 'Cancelled: the event was deleted in Google Calendar'],
  ] as const)('%s (to %s) reads "%s"', (cause, to, sentence) => {
    expect(transitionSentence(step(cause, to), undefined, ZONE)).toBe(sentence);
  });

  it('a move in Google on one day says from which time to which, in the host zone, and the day', () => {
    const moved = step('moved_in_google', 'booked', { from: 'booked', movedFrom: ten });
    expect(transitionSentence(moved, eleven, ZONE)).toBe('Moved in Google from 10:00 to 11:00 on Tuesday 10 March');
  });

  it('a move in Google to another day names both days', () => {
    const moved = step('moved_in_google', 'booked', { from: 'booked', movedFrom: ten });
    expect(transitionSentence(moved, nextDay, ZONE)).toBe('Moved in Google from Tue 10 Mar, 10:00 to Wed 11 Mar, 14:00');
  });

  it('a move by the guest reads like one in Google, by whom it was', () => {
    const moved = step('guest_rescheduled', 'requested', { from: 'booked', movedFrom: ten });
    expect(transitionSentence(moved, eleven, ZONE)).toBe('Moved by the guest from 10:00 to 11:00 on Tuesday 10 March');
  });

  it('a move with no time it left (an older document) still says it moved', () => {
    expect(transitionSentence(step('moved_in_google', 'booked'), eleven, ZONE)).toBe('Moved in Google to 11:00 on Tuesday 10 March');
  });

  it('a cause it does not know reads as the status it led to and the cause in words', () => {
    expect(transitionSentence(step('google_failed', 'cancelled'), undefined, ZONE)).toBe('Cancelled (google failed)');
    expect(transitionSentence(step('x', 'booked'), undefined, ZONE)).toBe('Confirmed (x)');
  });

  it('every cause the code writes has a sentence of its own (a new cause fails here until it has one)', () => {
    const causes = causesInCode();
    expect(causes.size).toBeGreaterThanOrEqual(8);
    expect([...causes, MOVED_IN_GOOGLE, GUEST_RESCHEDULED, ...Object.values(CANCEL_CAUSES)].filter((cause) => !KNOWN_CAUSES.includes(cause))).toEqual([]);
  });
});

describe("a slot's history in words", () => {
  it('is oldest first, each line with its time, and each move says where it went (the next move left from there)', () => {
    const history: Transition[] = [
      { from: null, to: 'requested', cause: 'guest_booked', at },
      { from: 'requested', to: 'requested', cause: 'moved_in_google', at: new Date('2026-03-03T08:00:00Z'), movedFrom: ten },
      { from: 'requested', to: 'requested', cause: 'moved_in_google', at: new Date('2026-03-04T08:00:00Z'), movedFrom: eleven },
      { from: 'requested', to: 'booked', cause: 'host_confirmed', at: new Date('2026-03-05T08:00:00Z') },
    ];
    const lines = historyInWords({ history, ...nextDay }, ZONE);
    expect(lines.map((l) => l.text)).toEqual([
      'Requested by the guest',
      'Moved in Google from 10:00 to 11:00 on Tuesday 10 March',
      'Moved in Google from Tue 10 Mar, 11:00 to Wed 11 Mar, 14:00',
      'Confirmed by you',
    ]);
    expect(lines.map((l) => l.at)).toEqual(history.map((h) => h.at));
    expect(lines[0]?.when).toBe('Mon 2 Mar, 09:00');
  });
});
