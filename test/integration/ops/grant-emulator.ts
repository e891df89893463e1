// `host put` checks a host's Google grant at the token endpoint before saving it: tests that put
// hosts give it the Google emulator's, with accounts whose refresh tokens work.
import { startGoogleCalendarEmulator, type RunningGoogleCalendarEmulator } from '../../../infra/local/google-calendar-emulator';

export interface GrantEmulator {
  emulator: RunningGoogleCalendarEmulator;
  /** Settings that point the ops command at this emulator's token endpoint. */
  env: Record<string, string>;
  /** A new account; its refresh token works until revoked. */
  account(email: string): Promise<{ email: string; refreshToken: string }>;
  revoke(email: string): Promise<void>;
}

async function post<T>(url: string, body: unknown): Promise<T> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`${url} answered ${res.status}: ${await res.text()}`);
  return (await res.json()) as T;
}

export async function startGrantEmulator(): Promise<GrantEmulator> {
  const emulator = await startGoogleCalendarEmulator({ port: 0 });
  const control = `${emulator.url}/emulator/v1`;
  return {
    emulator,
    env: { GOOGLE_OAUTH_TOKEN_URL: emulator.tokenUrl, CALENDAR_API_ROOT: emulator.url },
    account: (email) => post(`${control}/accounts`, { email, name: email }),
    revoke: async (email) => void (await post(`${control}/accounts/${encodeURIComponent(email)}/revoke`, {})),
  };
}
