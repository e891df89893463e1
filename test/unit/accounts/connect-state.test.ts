import { ConnectStates, CONNECT_STATE_TTL_MS } from '../../../shared/accounts/connect-state';
import { ConnectStateRejected, type StateProblem } from '../../../shared/accounts/errors';

const SECRET = 'unit-test-link-signing-secret-0123456789abcdef';
const now = new Date('2026-03-02T10:00:00Z');

function problemOf(check: () => void): StateProblem | undefined {
  try {
    check();
    return undefined;
  } catch (error) {
    if (error instanceof ConnectStateRejected) return error.problem;
    throw error;
  }
}

describe('the OAuth state of a connect attempt', () => {
  const states = new ConnectStates(SECRET);

  it('passes when it comes back to the browser holding its nonce, before it expires', () => {
    const issued = states.issue(now);
    expect(problemOf(() => states.check(issued.state, issued.nonce, new Date(now.getTime() + CONNECT_STATE_TTL_MS - 1)))).toBeUndefined();
  });

  it('does not carry the nonce itself, only its hash', () => {
    const issued = states.issue(now);
    const payload = Buffer.from(issued.state.split('.')[0]!, 'base64url').toString('utf8');
    expect(payload).not.toContain(issued.nonce);
    expect(issued.expiresAt.getTime() - now.getTime()).toBe(CONNECT_STATE_TTL_MS);
  });

  it('is refused when missing', () => {
    const issued = states.issue(now);
    expect(problemOf(() => states.check(undefined, issued.nonce, now))).toBe('missing');
    expect(problemOf(() => states.check('', issued.nonce, now))).toBe('missing');
  });

  it('is refused when its payload or signature was changed', () => {
    const issued = states.issue(now);
    const [payload, signature] = issued.state.split('.') as [string, string];
    const forgedPayload = Buffer.from(JSON.stringify({ v: 1, n: 'x', exp: now.getTime() + 1e9 })).toString('base64url');
    expect(problemOf(() => states.check(`${forgedPayload}.${signature}`, issued.nonce, now))).toBe('tampered');
    expect(problemOf(() => states.check(`${payload}.${signature.slice(1)}A`, issued.nonce, now))).toBe('tampered');
    expect(problemOf(() => states.check('not-a-state', issued.nonce, now))).toBe('tampered');
  });

  it('is refused when signed with another secret', () => {
    const other = new ConnectStates(`${SECRET}-other`).issue(now);
    expect(problemOf(() => states.check(other.state, other.nonce, now))).toBe('tampered');
  });

  it('is refused once expired', () => {
    const issued = states.issue(now);
    expect(problemOf(() => states.check(issued.state, issued.nonce, new Date(now.getTime() + CONNECT_STATE_TTL_MS)))).toBe('expired');
  });

  it("is refused with another attempt's nonce, or with no cookie at all", () => {
    const mine = states.issue(now);
    const theirs = states.issue(now);
    expect(problemOf(() => states.check(mine.state, theirs.nonce, now))).toBe('other_browser');
    expect(problemOf(() => states.check(mine.state, undefined, now))).toBe('other_browser');
  });
});

describe('the OAuth state of a link started from a signed-in session', () => {
  const states = new ConnectStates(SECRET);

  it('says it links, and for which session (by its nonce, which it carries only hashed)', () => {
    const issued = states.issue(now, 'session-nonce');
    const attempt = states.check(issued.state, issued.nonce, now);
    expect(attempt.linking).toBe(true);
    expect(attempt.startedBy('session-nonce')).toBe(true);
    expect(attempt.startedBy('another-session')).toBe(false);
    expect(attempt.startedBy(undefined)).toBe(false);
    expect(Buffer.from(issued.state.split('.')[0]!, 'base64url').toString('utf8')).not.toContain('session-nonce');
  });

  it('of a plain sign-in links nothing and was started by no session', () => {
    const issued = states.issue(now);
    const attempt = states.check(issued.state, issued.nonce, now);
    expect(attempt.linking).toBe(false);
    expect(attempt.startedBy('session-nonce')).toBe(false);
  });
});
