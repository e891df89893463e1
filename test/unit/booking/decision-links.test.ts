import { DecisionLinks, InvalidLink, LinkExpired } from '../../../shared/booking/decision-links';

const links = new DecisionLinks('s'.repeat(40), 'https://book.example', 7 * 24 * 3600 * 1000);
const now = new Date('2026-11-24T10:00:00Z');

function tokenOf(url: string): string {
  return new URL(url).searchParams.get('token')!;
}

describe('decision links', () => {
  it('point at the decision page and carry the slot and the action', () => {
    const { confirmUrl, denyUrl } = links.linksFor('slot-1', now);
    expect(confirmUrl.startsWith('https://book.example/decision?token=')).toBe(true);
    expect(links.verify(tokenOf(confirmUrl), now)).toMatchObject({ slotId: 'slot-1', action: 'confirm' });
    expect(links.verify(tokenOf(denyUrl), now)).toMatchObject({ slotId: 'slot-1', action: 'deny' });
  });

  it('expire after seven days by default', () => {
    const token = tokenOf(links.linksFor('slot-1', now).confirmUrl);
    expect(() => links.verify(token, new Date('2026-12-01T09:59:59Z'))).not.toThrow();
    expect(() => links.verify(token, new Date('2026-12-01T10:00:00Z'))).toThrow(LinkExpired);
  });

  it('refuse a token whose payload was changed, even to a valid one', () => {
    const token = tokenOf(links.linksFor('slot-1', now).confirmUrl);
    const [, signature] = token.split('.');
    const forged = Buffer.from(JSON.stringify({ v: 1, slot: 'slot-1', action: 'deny', exp: 2_000_000_000 })).toString('base64url');
    expect(() => links.verify(`${forged}.${signature}`, now)).toThrow(InvalidLink);
  });

  it('refuse a token signed with another secret, a truncated one and garbage', () => {
    const other = new DecisionLinks('t'.repeat(40), 'https://book.example');
    expect(() => links.verify(tokenOf(other.linksFor('slot-1', now).confirmUrl), now)).toThrow(InvalidLink);
    const token = tokenOf(links.linksFor('slot-1', now).confirmUrl);
    expect(() => links.verify(token.slice(0, -3), now)).toThrow(InvalidLink);
    expect(() => links.verify('not-a-token', now)).toThrow(InvalidLink);
    expect(() => links.verify(`${token}.extra`, now)).toThrow(InvalidLink);
  });
});
