import { connectGoogle } from '../../../shared/accounts/connect';
import type { AccountDeps } from '../../../shared/accounts/deps';
import { NoRefreshToken } from '../../../shared/accounts/errors';
import { CALENDAR_SCOPES, missingCalendarScopes } from '../../../shared/accounts/google-sign-in';

describe("Google's grant", () => {
  it('is enough with every calendar scope, whatever else comes with them', () => {
    expect(missingCalendarScopes(['openid', ...CALENDAR_SCOPES, 'https://www.googleapis.com/auth/userinfo.email'].join(' '))).toEqual([]);
  });

  it('lacks what the host unticked on the consent screen', () => {
    expect(missingCalendarScopes('openid email https://www.googleapis.com/auth/calendar.calendarlist.readonly')).toEqual([
      'https://www.googleapis.com/auth/calendar.events',
      'https://www.googleapis.com/auth/calendar.events.freebusy',
    ]);
    expect(missingCalendarScopes(undefined)).toEqual(CALENDAR_SCOPES);
  });

  it('without a refresh token stores nothing and touches nothing', async () => {
    const untouchable = new Proxy({}, { get: () => { throw new Error('nothing may be touched'); } }) as AccountDeps;
    await expect(connectGoogle(untouchable, { identity: { email: 'a@b.c', subject: '1', name: undefined }, refreshToken: undefined })).rejects.toThrow(NoRefreshToken);
  });
});
