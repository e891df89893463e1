// `npm run ops -- host put FILE` as an operator runs it, against the Firestore emulator.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../../../shared/config';
import { SubscriberRepository } from '../../../shared/store/subscribers';
import { TokenCipher } from '../../../shared/store/token-cipher';
import { testFirestore } from '../../support/firestore';
import { startGrantEmulator, type GrantEmulator } from './grant-emulator';
import { runOps } from './run-ops';

jest.setTimeout(60_000);

const { db, projectId } = testFirestore();
let google: GrantEmulator;
let refreshToken: string;
beforeAll(async () => {
  google = await startGrantEmulator();
  ({ refreshToken } = await google.account('olga@example.test'));
  host.google.refreshToken = refreshToken;
});
afterAll(async () => {
  await db.terminate();
  await google.emulator.close();
});

const dir = mkdtempSync(join(tmpdir(), 'ops-'));

// In a child process without blocking this one: the Google emulator it asks lives here.
function ops(args: string[], env: Record<string, string> = {}) {
  return runOps(args, { GOOGLE_CLOUD_PROJECT: projectId, LOG_LEVEL: 'silent', ...google.env, ...env });
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
    const created = await ops(['host', 'put', hostFile('olga.json', host), '--json']);
    expect(created.stderr).toBe('');
    expect(created.status).toBe(0);
    expect(JSON.parse(created.stdout.trim())).toEqual({ id: 'ops-host-1', created: true });

    const stored = await new SubscriberRepository(db).get('ops-host-1');
    expect(stored?.schedule).toMatchObject({ slug: 'olga', minNoticeHours: 24, maxDaysAhead: 14, autoConfirm: false });
    expect(stored?.google?.refreshToken).not.toContain(refreshToken);
    const cipher = new TokenCipher(parseConfig({}).tokenEncryptionKey);
    expect(cipher.decrypt(stored!.google!.refreshToken)).toBe(refreshToken);

    const updated = await ops(['host', 'put', hostFile('olga2.json', { ...host, name: 'Olga O.' })]);
    expect(updated.status).toBe(0);
    expect(updated.stdout).toContain('updated host ops-host-1');
    expect((await new SubscriberRepository(db).get('ops-host-1'))?.name).toBe('Olga O.');
  });

  it('refuses an invalid file, naming each bad field, and writes nothing', async () => {
    const bad = await ops(['host', 'put', hostFile('bad.json', { ...host, id: 'ops-host-2', timezone: 'Nowhere/City', schedule: { ...host.schedule, slug: 'x', slotMinutes: 7 } })]);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain('timezone');
    expect(bad.stderr).toContain('schedule.slug');
    expect(bad.stderr).toContain('schedule.slotMinutes');
    expect(await new SubscriberRepository(db).get('ops-host-2')).toBeUndefined();
  });

  it('refuses a booking link that belongs to another host', async () => {
    const taken = await ops(['host', 'put', hostFile('clash.json', { ...host, id: 'ops-host-3' })]);
    expect(taken.status).toBe(1);
    expect(taken.stderr).toContain('"olga" belongs to another host');
  });

  it('says a missing file is missing (an error, exit 1), and explains its usage for an unknown command', async () => {
    const missing = await ops(['host', 'put', join(dir, 'nope.json')]);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain(`cannot read ${join(dir, 'nope.json')}: no such file`);
    expect(missing.stderr).not.toContain('usage:');
    const unknown = await ops(['frobnicate']);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain('usage: npm run ops');
  });

  it("refuses a grant whose refresh token Google does not take, with Google's reason, and saves nothing", async () => {
    const { refreshToken: revoked } = await google.account('rita@example.test');
    await google.revoke('rita@example.test');
    const rita = { ...host, id: 'ops-host-4', email: 'rita@example.test', google: { accountEmail: 'rita@example.test', refreshToken: revoked }, schedule: { ...host.schedule, slug: 'rita' } };
    const refused = await ops(['host', 'put', hostFile('rita.json', rita)]);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain('the Google grant of rita@example.test does not work, nothing saved: Google refused the refresh token (invalid_grant');
    expect(refused.stderr).not.toContain(revoked);
    expect(await new SubscriberRepository(db).get('ops-host-4')).toBeUndefined();

    const made = await ops(['host', 'put', hostFile('rita-made-up.json', { ...rita, google: { ...rita.google, refreshToken: '1//made-up' } })]);
    expect(made.status).toBe(1);
    expect(made.stderr).toContain('Google refused the refresh token');
  });

  it('refuses to seal a refresh token with the local development key against production', async () => {
    const production = {
      APP_ENV: 'production',
      PUBLIC_BASE_URL: 'https://bookings.example.test',
      GOOGLE_OAUTH_CLIENT_ID: 'client',
      GOOGLE_OAUTH_CLIENT_SECRET: 'secret',
      SENDGRID_API_KEY: 'SG.x',
      MAIL_FROM: 'b@example.test',
      LINK_SIGNING_SECRET: 'x'.repeat(40),
      TOKEN_ENCRYPTION_KEY: parseConfig({}).tokenEncryptionKey.toString('base64'),
      SCHEDULER_AUTH: 'iam',
      SCHEDULER_SERVICE_ACCOUNT: 'scheduler@example.test',
    };
    const refused = await ops(['host', 'put', hostFile('prod.json', { ...host, id: 'ops-host-5', schedule: { ...host.schedule, slug: 'olga-prod' } })], production);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain('TOKEN_ENCRYPTION_KEY is the local development key');
  });
});
