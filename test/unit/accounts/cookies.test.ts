import type { Request } from '@google-cloud/functions-framework';
import { cookieScope, readCookie } from '../../../functions/accounts/cookies';

const requestWith = (cookie: string | undefined) => ({ headers: { cookie } }) as unknown as Request;

describe('the accounts cookies', () => {
  it('are Secure only when the public URL is https, and scoped to the accounts path under it', () => {
    expect(cookieScope('http://127.0.0.1:8080', '')).toEqual({ path: '/accounts', secure: false });
    expect(cookieScope('https://europe-west1-p.cloudfunctions.net', '/google')).toEqual({ path: '/accounts/google', secure: true });
    expect(cookieScope('https://example.com/app/', '')).toEqual({ path: '/app/accounts', secure: true });
  });

  it('are read by exact name among others, and a malformed value reads as absent', () => {
    const req = requestWith('x_accounts_session=no; accounts_session=abc.def; other=1');
    expect(readCookie(req, 'accounts_session')).toBe('abc.def');
    expect(readCookie(requestWith('accounts_session=%E0%A4%A'), 'accounts_session')).toBeUndefined();
    expect(readCookie(requestWith(undefined), 'accounts_session')).toBeUndefined();
  });
});
