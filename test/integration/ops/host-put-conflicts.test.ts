// `npm run ops -- host put FILE` with the calendars that check for conflicts, against the
// Firestore emulator: stored as listed; the default among them refused, naming the field.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SubscriberRepository } from '../../../shared/store/subscribers';
import { testFirestore } from '../../support/firestore';
import { startGrantEmulator, type GrantEmulator } from './grant-emulator';
import { runOps } from './run-ops';

jest.setTimeout(60_000);

const { db, projectId } = testFirestore();
let google: GrantEmulator;
beforeAll(async () => {
  google = await startGrantEmulator();
  host.google.refreshToken = (await google.account('cora@example.test')).refreshToken;
});
afterAll(async () => {
  await db.terminate();
  await google.emulator.close();
});

const dir = mkdtempSync(join(tmpdir(), 'ops-conflicts-'));

function put(content: unknown) {
  const path = join(dir, `${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(path, JSON.stringify(content));
  return runOps(['host', 'put', path], { GOOGLE_CLOUD_PROJECT: projectId, LOG_LEVEL: 'silent', ...google.env });
}

const host = {
  id: 'ops-conflicts-1',
  name: 'Cora Conflicts',
  email: 'cora@example.test',
  timezone: 'Europe/Paris',
  google: { accountEmail: 'cora@example.test', refreshToken: '1//plain-refresh-token' },
  defaultCalendar: { provider: 'google', calendarId: 'cora@example.test' },
  conflictCalendarIds: ['family@group.calendar.google.com', 'partner@example.test'],
  schedule: { slug: 'cora', slotMinutes: 30, weekly: { monday: [{ start: '10:00', end: '16:00' }] } },
};

it('stores the calendars a host file checks for conflicts, and refuses the default among them', async () => {
  const created = await put(host);
  expect(created.stderr).toBe('');
  expect(created.status).toBe(0);
  expect((await new SubscriberRepository(db).get('ops-conflicts-1'))?.conflictCalendarIds).toEqual(['family@group.calendar.google.com', 'partner@example.test']);

  const refused = await put({ ...host, conflictCalendarIds: ['cora@example.test'] });
  expect(refused.status).toBe(1);
  expect(refused.stderr).toContain('conflictCalendarIds: the default calendar always counts');
  expect((await new SubscriberRepository(db).get('ops-conflicts-1'))?.conflictCalendarIds).toEqual(['family@group.calendar.google.com', 'partner@example.test']);
});
