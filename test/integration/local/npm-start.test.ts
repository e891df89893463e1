// `npm start` as a newcomer runs it: the stack comes up, writes .local/stack.json with the
// contracted keys, every URL answers, and Ctrl-C (SIGINT) stops all of it, Firestore included,
// and removes stack.json.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../../infra/local/ports';
import { Visitor } from '../accounts/visitor';

jest.setTimeout(90_000);

async function waitFor<T>(probe: () => T | undefined, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function answers(url: string): Promise<boolean> {
  try {
    await fetch(url, { signal: AbortSignal.timeout(1000) });
    return true;
  } catch {
    return false;
  }
}

describe('npm start', () => {
  let child: ChildProcess;
  let output = '';

  afterAll(() => {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // The group is gone already: nothing left behind.
    }
  });

  it('brings the local stack up, describes it in stack.json, and stops all of it on Ctrl-C', async () => {
    const stackFile = join(mkdtempSync(join(tmpdir(), 'stack-')), 'stack.json');
    const ports = { FUNCTIONS_PORT: await freePort(), FIRESTORE_PORT: await freePort(), GOOGLE_EMULATOR_PORT: await freePort(), MAIL_SINK_PORT: await freePort(), STATUS_PORT: await freePort() };
    const env: NodeJS.ProcessEnv = { ...process.env, STACK_FILE: stackFile, LOG_LEVEL: 'warn' };
    delete env.FIRESTORE_EMULATOR_HOST;
    for (const [k, v] of Object.entries(ports)) env[k] = String(v);
    // Its own process group, so Ctrl-C can be sent as a terminal sends it: to the whole group.
    child = spawn('npm', ['start', '--silent'], { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    child.stdout?.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr?.on('data', (c: Buffer) => (output += c.toString()));

    await waitFor(() => (existsSync(stackFile) ? true : undefined), 60_000).catch(() => {
      throw new Error(`stack.json never appeared; output:\n${output}`);
    });
    const stack = JSON.parse(readFileSync(stackFile, 'utf8')) as Record<string, unknown> & { demoHost: Record<string, string> };
    expect(Object.keys(stack).sort()).toEqual(['demoHost', 'firestoreHost', 'functionsUrl', 'googleTokenUrl', 'googleUrl', 'mailUrl', 'projectId', 'statusUrl']);
    expect(stack.functionsUrl).toBe(`http://127.0.0.1:${ports.FUNCTIONS_PORT}`);
    expect(stack.firestoreHost).toBe(`127.0.0.1:${ports.FIRESTORE_PORT}`);
    expect(stack.demoHost).toEqual({
      slug: 'demo',
      email: 'demo.host@example.test',
      calendarId: 'demo.host@example.test',
      bookingUrl: `http://127.0.0.1:${ports.FUNCTIONS_PORT}/booking/demo`,
    });
    // The banner is printed once stack.json is written: give its bytes time to arrive.
    const bookingUrl = `http://127.0.0.1:${ports.FUNCTIONS_PORT}/booking/demo`;
    await waitFor(() => (output.includes(bookingUrl) ? true : undefined), 10_000).catch(() => {
      throw new Error(`the booking page URL was never printed; output:\n${output}`);
    });

    // The demo host is watched, as a host's first-time setup leaves it.
    const channels = (await (await fetch(`${stack.googleUrl as string}/emulator/v1/channels`)).json()) as { calendarId: string; address: string }[];
    expect(channels).toEqual([expect.objectContaining({ calendarId: stack.demoHost.calendarId, address: `${stack.functionsUrl as string}/googleWebhook` })]);
    expect((await fetch(`${stack.mailUrl as string}/messages`)).status).toBe(200);
    expect(stack.statusUrl).toBe(`http://127.0.0.1:${ports.STATUS_PORT}`);
    expect((await fetch(`${stack.statusUrl as string}/`)).status).toBe(200);
    expect((await fetch(`http://${stack.firestoreHost as string}/`)).status).toBe(200);
    expect((await fetch(`${stack.functionsUrl as string}/no-such-function`)).status).toBe(404);
    // Signing in as the demo account reaches the demo host (its file names the account's sub).
    const signedIn = await new Visitor().follow(`${stack.functionsUrl as string}/accounts/google/connect?login_hint=${stack.demoHost.email}`);
    expect(signedIn.res.status).toBe(200);
    expect(await signedIn.res.text()).toContain(`>${bookingUrl}<`);

    process.kill(-child.pid!, 'SIGINT');
    await new Promise((resolve) => (child.exitCode === null && child.signalCode === null ? child.once('exit', resolve) : resolve(null)));
    // npm itself leaves at once on SIGINT; the stack's own process shuts its servers down.
    const urls = [stack.functionsUrl, stack.googleUrl, stack.mailUrl, stack.statusUrl, `http://${stack.firestoreHost as string}/`] as string[];
    const stillUp = async () => (await Promise.all(urls.map(answers))).some(Boolean);
    const deadline = Date.now() + 15_000;
    while ((await stillUp()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
    expect(await Promise.all(urls.map(answers))).toEqual([false, false, false, false, false]);
    expect(output).toContain('stopping the local stack');
    // Nothing describes a stack that is gone.
    expect(existsSync(stackFile)).toBe(false);
  });
});
