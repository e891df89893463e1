import { CsrfRejected, NotSignedIn } from '../../../shared/accounts/errors';
import { HostSessions, SESSION_TTL_MS } from '../../../shared/accounts/host-sessions';

const SECRET = 'unit-test-link-signing-secret-0123456789abcdef';
const now = new Date('2026-03-02T10:00:00Z');
const connectedAt = new Date('2026-03-01T08:00:00Z');

describe('a host session cookie', () => {
  const sessions = new HostSessions(SECRET);

  it('names the subscriber and the connection it was made for', () => {
    const { cookie, expiresAt } = sessions.issue('g-123', connectedAt, now);
    const session = sessions.open(cookie, now);
    expect(session).toMatchObject({ subscriberId: 'g-123', connectedAt, expiresAt });
    expect(expiresAt.getTime() - now.getTime()).toBe(SESSION_TTL_MS);
  });

  it('is refused when missing, tampered with or signed with another secret', () => {
    const { cookie } = sessions.issue('g-123', connectedAt, now);
    const [, signature] = cookie.split('.') as [string, string];
    const forged = Buffer.from(JSON.stringify({ v: 1, sub: 'g-999', con: connectedAt.getTime(), n: 'n', exp: now.getTime() + 1e9 })).toString('base64url');
    expect(() => sessions.open(undefined, now)).toThrow(NotSignedIn);
    expect(() => sessions.open(`${forged}.${signature}`, now)).toThrow(NotSignedIn);
    expect(() => new HostSessions(`${SECRET}-other`).open(cookie, now)).toThrow(NotSignedIn);
  });

  it('is refused once expired', () => {
    const { cookie, expiresAt } = sessions.issue('g-123', connectedAt, now);
    expect(() => sessions.open(cookie, expiresAt)).toThrow(NotSignedIn);
  });

  it('cannot be made from a connect state or a form token (each purpose has its own key)', () => {
    const { cookie } = sessions.issue('g-123', connectedAt, now);
    const token = sessions.formToken(sessions.open(cookie, now));
    expect(() => sessions.open(token, now)).toThrow(NotSignedIn);
  });
});

describe('the form token of a session', () => {
  const sessions = new HostSessions(SECRET);

  it('passes for the session it was made for', () => {
    const session = sessions.open(sessions.issue('g-123', connectedAt, now).cookie, now);
    expect(() => sessions.checkFormToken(session, sessions.formToken(session))).not.toThrow();
  });

  it("is refused when missing, or when it belongs to another session of the same host", () => {
    const first = sessions.open(sessions.issue('g-123', connectedAt, now).cookie, now);
    const second = sessions.open(sessions.issue('g-123', connectedAt, now).cookie, now);
    expect(() => sessions.checkFormToken(second, sessions.formToken(first))).toThrow(CsrfRejected);
    expect(() => sessions.checkFormToken(first, undefined)).toThrow(CsrfRejected);
    expect(() => sessions.checkFormToken(first, ['array'])).toThrow(CsrfRejected);
  });
});
