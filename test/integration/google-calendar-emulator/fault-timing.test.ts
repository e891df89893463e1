// Faults that make an interleaving without timing: a call carried out whose answer is then a
// failure (Google acted, the caller is told otherwise), and a call held until the test releases it
// (the caller waits while the test does something else meanwhile).
import { CLIENT_ID, CLIENT_SECRET, useEmulator, type Emulator, type EmulatorAccount } from './harness';

const emulator = useEmulator();

async function accessToken(e: Emulator, account: EmulatorAccount): Promise<string> {
  const res = await fetch(`${e.url}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: account.refreshToken, client_id: CLIENT_ID, client_secret: CLIENT_SECRET }),
  });
  return ((await res.json()) as { access_token: string }).access_token;
}

async function calendarCall(e: Emulator, account: EmulatorAccount, method: string, path: string, body?: unknown): Promise<Response> {
  return fetch(`${e.url}/calendar/v3/calendars/${encodeURIComponent(account.calendarId)}${path}`, {
    method,
    headers: { authorization: `Bearer ${await accessToken(e, account)}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

const event = (id: string) => ({ id, summary: 'Standup', start: { dateTime: '2031-05-05T09:00:00Z' }, end: { dateTime: '2031-05-05T09:30:00Z' } });

describe('a fault after the call (afterCall)', () => {
  it('carries the call out, then answers with the failure: the event is there though the insert answered 503', async () => {
    const e = emulator();
    const account = await e.createAccount('after.call@example.org');
    expect((await e.control('POST', 'faults', { method: 'POST', pathContains: '/events', status: 503, afterCall: true, count: 1 })).status).toBe(200);

    const inserted = await calendarCall(e, account, 'POST', '/events', event('aftercall0001'));

    expect(inserted.status).toBe(503);
    expect(((await inserted.json()) as { error: { errors: { reason: string }[] } }).error.errors[0]?.reason).toBe('backendError');
    expect((await calendarCall(e, account, 'GET', '/events/aftercall0001')).status).toBe(200);
    // The fault is used up: a repeat of the insert meets the event the first one made.
    expect((await calendarCall(e, account, 'POST', '/events', event('aftercall0001'))).status).toBe(409);
  });

  it('needs a status to answer with', async () => {
    const refused = await emulator().control<{ message: string }>('POST', 'faults', { pathContains: '/events', afterCall: true, delayMs: 10, count: 1 });
    expect(refused.status).toBe(400);
    expect(refused.body.message).toContain('afterCall');
  });
});

describe('a held call (hold)', () => {
  it('waits until the test releases it, and is then carried out and answered as usual', async () => {
    const e = emulator();
    const account = await e.createAccount('held.call@example.org');
    await e.control('POST', 'faults', { method: 'POST', pathContains: '/events', hold: true, count: 1 });

    let answered = false;
    const inserting = calendarCall(e, account, 'POST', '/events', event('heldcall0001')).then((res) => {
      answered = true;
      return res;
    });
    // Released only once it is held: the answer says how many calls were waiting.
    let released = 0;
    while (released === 0) {
      expect((await calendarCall(e, account, 'GET', '/events/heldcall0001')).status).toBe(404);
      expect(answered).toBe(false);
      released = (await e.control<{ released: number }>('POST', 'faults/release')).body.released;
    }

    expect(released).toBe(1);
    expect((await inserting).status).toBe(200);
    expect((await calendarCall(e, account, 'GET', '/events/heldcall0001')).status).toBe(200);
    expect((await e.control<{ released: number }>('POST', 'faults/release')).body).toEqual({ released: 0 });
  });

});
