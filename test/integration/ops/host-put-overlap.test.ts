// `npm run ops -- host put FILE` refuses a schedule whose day has overlapping ranges, as the settings
// page does, naming the day and the ranges, and saves nothing.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SubscriberRepository } from '../../../shared/store/subscribers';
import { testFirestore } from '../../support/firestore';
import { runOps } from './run-ops';

jest.setTimeout(60_000);

const { db, projectId } = testFirestore();
afterAll(() => db.terminate());

const dir = mkdtempSync(join(tmpdir(), 'ops-overlap-'));

function hostFile(name: string, content: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(content));
  return path;
}

const host = (id: string, slug: string, tuesday: { start: string; end: string }[]) => ({
  id,
  name: 'Otto Overlap',
  email: `${slug}@example.test`,
  timezone: 'Europe/Berlin',
  schedule: { slug, slotMinutes: 30, weekly: { monday: [{ start: '09:00', end: '17:00' }], tuesday } },
});

const ops = (file: string) => runOps(['host', 'put', file], { GOOGLE_CLOUD_PROJECT: projectId, LOG_LEVEL: 'silent' });

it("refuses a day's overlapping ranges with the day and the ranges named, and saves nothing", async () => {
  const run = await ops(hostFile('overlap.json', host('ops-overlap-1', 'otto-overlap', [{ start: '09:00', end: '12:00' }, { start: '11:00', end: '13:00' }])));

  expect(run.status).toBe(1);
  expect(run.stderr).toContain('invalid host file:\n  schedule.weekly.tuesday: 09:00–12:00 and 11:00–13:00 overlap');
  expect(await new SubscriberRepository(db).get('ops-overlap-1')).toBeUndefined();
});

it('takes ranges that only touch, in any order', async () => {
  const run = await ops(hostFile('touching.json', host('ops-overlap-2', 'otto-touching', [{ start: '12:00', end: '13:00' }, { start: '09:00', end: '12:00' }])));

  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
  expect((await new SubscriberRepository(db).get('ops-overlap-2'))?.schedule.weekly.tuesday).toHaveLength(2);
});
