import { DecisionLinks, InvalidLink, LinkExpired } from '../../../shared/booking/decision-links';
import { GUEST_RESCHEDULED, LinkSpent, linkVersion, ManageLinks } from '../../../shared/booking/manage-links';
import type { Slot } from '../../../shared/store/slots';

const SECRET = 's'.repeat(40);
const links = new ManageLinks(SECRET, 'https://book.example');
const now = new Date('2026-11-24T10:00:00Z');
const end = new Date('2026-12-01T10:30:00Z');

type Versioned = Pick<Slot, 'history' | 'end'>;
const booked: Versioned = { end, history: [{ from: null, to: 'requested', cause: 'guest_booked', at: now }] };
const rescheduled = (slot: Versioned): Versioned => ({ ...slot, history: [...slot.history, { from: 'requested', to: 'requested', cause: GUEST_RESCHEDULED, at: now }] });
const movedByHost = (slot: Versioned): Versioned => ({ ...slot, history: [...slot.history, { from: 'requested', to: 'requested', cause: 'moved_in_google', at: now }] });

function tokenOf(url: string): string {
  return new URL(url).searchParams.get('token')!;
}

describe('manage links', () => {
  it('point at the manage page and carry the slot and its version', () => {
    const url = links.urlFor('slot-1', booked);
    expect(url.startsWith('https://book.example/booking/manage?token=')).toBe(true);
    expect(links.verify(tokenOf(url), now)).toMatchObject({ slotId: 'slot-1', version: 0 });
  });

  it('are the same link for the same version of the booking (a mail sent again says the same)', () => {
    expect(links.urlFor('slot-1', booked)).toBe(links.urlFor('slot-1', booked));
  });

  it('expire a year after the end of the booking they were made for', () => {
    const token = links.token('slot-1', booked);
    expect(() => links.verify(token, new Date('2027-12-01T10:29:59Z'))).not.toThrow();
    expect(() => links.verify(token, new Date('2027-12-01T10:30:00Z'))).toThrow(LinkExpired);
  });

  it('are spent by a reschedule of the guest, not by a move the host makes in Google', () => {
    const grant = links.verify(links.token('slot-1', booked), now);
    expect(() => links.check(grant, movedByHost(booked))).not.toThrow();
    expect(() => links.check(grant, rescheduled(booked))).toThrow(LinkSpent);
    expect(linkVersion(rescheduled(rescheduled(booked)))).toBe(2);
    const newer = links.verify(links.token('slot-1', rescheduled(booked)), now);
    expect(() => links.check(newer, rescheduled(booked))).not.toThrow();
  });

  it('refuse a token whose payload was changed, even to another slot or a later version', () => {
    const [, signature] = links.token('slot-1', booked).split('.');
    for (const payload of [{ v: 1, slot: 'slot-2', ver: 0, exp: 2_000_000_000 }, { v: 1, slot: 'slot-1', ver: 1, exp: 2_000_000_000 }]) {
      const forged = Buffer.from(JSON.stringify(payload)).toString('base64url');
      expect(() => links.verify(`${forged}.${signature}`, now)).toThrow(InvalidLink);
    }
  });

  it('refuse a decision link signed with the same secret, and a manage token cannot pass as a decision link', () => {
    const decisions = new DecisionLinks(SECRET, 'https://book.example');
    const decisionToken = tokenOf(decisions.linksFor('slot-1', now).confirmUrl);
    expect(() => links.verify(decisionToken, now)).toThrow(InvalidLink);
    expect(() => decisions.verify(links.token('slot-1', booked), now)).toThrow(InvalidLink);
  });

  it('refuse a token signed with another secret, a truncated one and garbage', () => {
    const other = new ManageLinks('t'.repeat(40), 'https://book.example');
    expect(() => links.verify(other.token('slot-1', booked), now)).toThrow(InvalidLink);
    const token = links.token('slot-1', booked);
    expect(() => links.verify(token.slice(0, -3), now)).toThrow(InvalidLink);
    expect(() => links.verify('not-a-token', now)).toThrow(InvalidLink);
    expect(() => links.verify(`${token}.extra`, now)).toThrow(InvalidLink);
  });
});
