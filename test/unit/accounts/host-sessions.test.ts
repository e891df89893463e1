import { CsrfRejected, NotSignedIn } from '../../../shared/accounts/errors';
import { HostSessions, newSessionVersion, sessionIsCurrent, SESSION_TTL_MS } from '../../../shared/accounts/host-sessions';
import { purposeKey, SignedValues } from '../../../shared/accounts/signed-values';
import { z } from 'zod';

const SECRET = 'unit-test-link-signing-secret-0123456789abcdef';
const now = new Date('2026-03-02T10:00:00Z');
const version = 'version-one';

describe('a host session cookie', () => {
  const sessions = new HostSessions(SECRET);

  it("names the subscriber and the host's session version it was made under", () => {
    const { cookie, expiresAt } = sessions.issue('g-123', version, now);
    const session = sessions.open(cookie, now);
    expect(session).toMatchObject({ subscriberId: 'g-123', version, expiresAt });
    expect(expiresAt.getTime() - now.getTime()).toBe(SESSION_TTL_MS);
  });

  it('is refused when missing, tampered with or signed with another secret', () => {
    const { cookie } = sessions.issue('g-123', version, now);
    const [, signature] = cookie.split('.') as [string, string];
    const forged = Buffer.from(JSON.stringify({ v: 2, host: 'g-999', ver: version, n: 'n', exp: now.getTime() + 1e9 })).toString('base64url');
    expect(() => sessions.open(undefined, now)).toThrow(NotSignedIn);
    expect(() => sessions.open(`${forged}.${signature}`, now)).toThrow(NotSignedIn);
    expect(() => new HostSessions(`${SECRET}-other`).open(cookie, now)).toThrow(NotSignedIn);
  });

  it('is refused in the shape made before sessions had versions, even signed with our key', () => {
    const early = new SignedValues(purposeKey(SECRET, 'host-session'), z.unknown()).sign({ v: 1, sub: 'g-123', con: now.getTime(), n: 'n', exp: now.getTime() + 1e9 });
    expect(() => sessions.open(early, now)).toThrow(NotSignedIn);
  });

  it('is refused once expired', () => {
    const { cookie, expiresAt } = sessions.issue('g-123', version, now);
    expect(() => sessions.open(cookie, expiresAt)).toThrow(NotSignedIn);
  });

  it('cannot be made from a connect state or a form token (each purpose has its own key)', () => {
    const { cookie } = sessions.issue('g-123', version, now);
    const token = sessions.formToken(sessions.open(cookie, now));
    expect(() => sessions.open(token, now)).toThrow(NotSignedIn);
  });
});

describe("a host's session version", () => {
  const sessions = new HostSessions(SECRET);
  const session = sessions.open(sessions.issue('g-123', version, now).cookie, now);

  it('keeps the session good while the host holds the version it was made under', () => {
    expect(sessionIsCurrent({ sessionVersion: version }, session)).toBe(true);
  });

  it('ends the session once replaced (sign-out, disconnect, sign-in), or for a host that holds none', () => {
    expect(sessionIsCurrent({ sessionVersion: newSessionVersion() }, session)).toBe(false);
    expect(sessionIsCurrent({}, session)).toBe(false);
  });

  it('is new and unguessable each time, so a host made again or put again by ops never revives an old cookie', () => {
    const versions = new Set(Array.from({ length: 100 }, newSessionVersion));
    expect(versions.size).toBe(100);
    for (const v of versions) expect(v).toMatch(/^[A-Za-z0-9_-]{16,}$/);
  });
});

describe('the form token of a session', () => {
  const sessions = new HostSessions(SECRET);

  it('passes for the session it was made for', () => {
    const session = sessions.open(sessions.issue('g-123', version, now).cookie, now);
    expect(() => sessions.checkFormToken(session, sessions.formToken(session))).not.toThrow();
  });

  it('is refused when missing, or when it belongs to another session of the same host', () => {
    const first = sessions.open(sessions.issue('g-123', version, now).cookie, now);
    const second = sessions.open(sessions.issue('g-123', version, now).cookie, now);
    expect(() => sessions.checkFormToken(second, sessions.formToken(first))).toThrow(CsrfRejected);
    expect(() => sessions.checkFormToken(first, undefined)).toThrow(CsrfRejected);
    expect(() => sessions.checkFormToken(first, ['array'])).toThrow(CsrfRejected);
  });
});
