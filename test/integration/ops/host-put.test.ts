// `npm run ops -- host put FILE` as an operator runs it, against the Firestore emulator.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../../../shared/config';
import { SubscriberRepository } from '../../../shared/store/subscribers';
import { TokenCipher } from '../../../shared/store/token-cipher';
import { testFirestore } from '../../support/firestore';

jest.setTimeout(60_000);

const { db, projectId } = testFirestore();
afterAll(() => db.terminate());

const dir = mkdtempSync(join(tmpdir(), 'ops-'));

function ops(args: string[]) {
  return spawnSync('npm', ['run', '--silent', 'ops', '--', ...args], {
    encoding: 'utf8',
    env: { ...process.env, GOOGLE_CLOUD_PROJECT: projectId, LOG_LEVEL: 'silent' },
  });
}

function hostFile(name: string, content: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(content));
  return path;
}

const host = {
  id: 'ops-host-1',
  name: 'Olga Operator',
  email: 'olga@example.test',
  timezone: 'Europe/Paris',
  google: { accountEmail: 'olga@example.test', refreshToken: '1//plain-refresh-token' },
  defaultCalendar: { provider: 'google', calendarId: 'olga@example.test' },
  schedule: { slug: 'olga', slotMinutes: 45, weekly: { monday: [{ start: '10:00', end: '16:00' }] } },
};

describe('ops host put', () => {
  it('creates a host with defaults filled in and the refresh token sealed, then updates it', async () => {
    const created = ops(['host', 'put', hostFile('olga.json', host), '--json']);
    expect(created.stderr).toBe('');
    expect(created.status).toBe(0);
    expect(JSON.parse(created.stdout.trim())).toEqual({ id: 'ops-host-1', created: true });

    const stored = await new SubscriberRepository(db).get('ops-host-1');
    expect(stored?.schedule).toMatchObject({ slug: 'olga', minNoticeHours: 24, maxDaysAhead: 14, autoConfirm: false });
    expect(stored?.google?.refreshToken).not.toContain('plain-refresh-token');
    const cipher = new TokenCipher(parseConfig({}).tokenEncryptionKey);
    expect(cipher.decrypt(stored!.google!.refreshToken)).toBe('1//plain-refresh-token');

    const updated = ops(['host', 'put', hostFile('olga2.json', { ...host, name: 'Olga O.' })]);
    expect(updated.status).toBe(0);
    expect(updated.stdout).toContain('updated host ops-host-1');
    expect((await new SubscriberRepository(db).get('ops-host-1'))?.name).toBe('Olga O.');
  });

  it('refuses an invalid file, naming each bad field, and writes nothing', async () => {
    const bad = ops(['host', 'put', hostFile('bad.json', { ...host, id: 'ops-host-2', timezone: 'Nowhere/City', schedule: { ...host.schedule, slug: 'x', slotMinutes: 7 } })]);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain('timezone');
    expect(bad.stderr).toContain('schedule.slug');
    expect(bad.stderr).toContain('schedule.slotMinutes');
    expect(await new SubscriberRepository(db).get('ops-host-2')).toBeUndefined();
  });

  it('refuses a booking link that belongs to another host', async () => {
    const taken = ops(['host', 'put', hostFile('clash.json', { ...host, id: 'ops-host-3' })]);
    expect(taken.status).toBe(1);
    expect(taken.stderr).toContain('"olga" belongs to another host');
  });

  it('explains its usage for a missing file or an unknown command', () => {
    const missing = ops(['host', 'put', join(dir, 'nope.json')]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('usage: npm run ops');
    expect(ops(['frobnicate']).status).toBe(2);
  });
});
