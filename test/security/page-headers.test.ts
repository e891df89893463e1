// Every HTML page the functions serve carries its protections as headers: a Content-Security-Policy
// that allows the page's own inline style and script by hash and nothing else, and no framing;
// nosniff; no Referer (our URLs carry tokens); and HSTS when it was reached over https.
import { createHash } from 'node:crypto';
import { DecisionLinks } from '../../shared/booking/decision-links';
import { book, freeSlot } from '../support/booking-client';
import { startSystem, type TestSystem } from '../support/system';

jest.setTimeout(60_000);

let sys: TestSystem;
let pages: [name: string, path: string, init: RequestInit, status: number][];

beforeAll(async () => {
  sys = await startSystem({ GOOGLE_INVITE_ENABLED: 'true' });
  const host = await sys.createHost();
  const made = await book(sys.functionsUrl, { host: host.slug, start: (await freeSlot(sys.functionsUrl, host.slug)).start });
  const { slotId } = (await made.json()) as { slotId: string };
  const links = new DecisionLinks(sys.env.LINK_SIGNING_SECRET ?? 'local-development-link-signing-secret-0123456789', sys.functionsUrl);
  const token = links.token(slotId, 'confirm', new Date(Date.now() + 86_400_000));
  const form = { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' } };
  pages = [
    ['the booking page', `/booking/${host.slug}`, {}, 200],
    ['the unknown host page', '/booking/nobody-here', {}, 404],
    ['the decision page', `/decision?token=${encodeURIComponent(token)}`, {}, 200],
    ['the decision page for a forged link', '/decision?token=forged.token', {}, 401],
    ['the decision page without a token', '/decision', {}, 400],
    ["the accounts function's missing page", '/accounts/nowhere', {}, 404],
    ['the accounts page for a form without a session', '/accounts/settings', { ...form, body: 'calendarId=x&csrf=y' }, 403],
    ['the accounts page for bad input', '/accounts/google/connect?login_hint=not-an-address', {}, 400],
  ];
});
afterAll(() => sys.close());

/** A policy as its directives, each with its sources. */
function directives(policy: string): Record<string, string[]> {
  return Object.fromEntries(
    policy.split(/;\s*/).map((directive) => {
      const [name = '', ...sources] = directive.trim().split(/\s+/);
      return [name, sources];
    }),
  );
}

/** The text of each inline element of a kind (data blocks, which never run, and script files left out). */
function inline(html: string, tag: 'script' | 'style'): string[] {
  return [...html.matchAll(new RegExp(`<${tag}(\\s[^>]*)?>([\\s\\S]*?)</${tag}>`, 'g'))]
    .filter((match) => !/type="application\/json"|\ssrc=/.test(match[1] ?? ''))
    .map((match) => match[2] ?? '');
}

const sha256 = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;

async function fetchPage(path: string, init: RequestInit, headers: Record<string, string> = {}): Promise<{ res: Response; html: string }> {
  const res = await fetch(`${sys.functionsUrl}${path}`, { ...init, headers: { ...(init.headers as Record<string, string>), ...headers }, redirect: 'manual' });
  return { res, html: await res.text() };
}

describe('every HTML page', () => {
  it('is served as HTML with the status its case calls for', async () => {
    for (const [name, path, init, status] of pages) {
      const { res } = await fetchPage(path, init);
      expect({ name, status: res.status, type: res.headers.get('content-type') }).toEqual({ name, status, type: expect.stringMatching(/^text\/html/) });
    }
  });

  it('carries a Content-Security-Policy header that allows its own inline style and script by hash, and no framing', async () => {
    for (const [name, path, init] of pages) {
      const { res, html } = await fetchPage(path, init);
      const policy = res.headers.get('content-security-policy') ?? '';
      expect({ name, policy }).toEqual({ name, policy: expect.not.stringMatching(/unsafe-|\*/) });
      const d = directives(policy);
      expect({ name, d }).toMatchObject({ name, d: { 'default-src': ["'none'"], 'frame-ancestors': ["'none'"], 'base-uri': ["'none'"] } });
      for (const script of inline(html, 'script')) expect({ name, scripts: d['script-src'] }).toEqual({ name, scripts: expect.arrayContaining([sha256(script)]) });
      for (const style of inline(html, 'style')) expect({ name, styles: d['style-src'] }).toEqual({ name, styles: [sha256(style)] });
      // Inline handlers and style attributes would need 'unsafe-hashes': none may be on a page.
      expect({ name, attributes: /\son[a-z]+\s*=|\sstyle\s*=/i.exec(html)?.[0] ?? null }).toEqual({ name, attributes: null });
    }
  });

  it('is never sniffed, never named in a Referer, and asks for https when reached over https only', async () => {
    for (const [name, path, init] of pages) {
      const plain = (await fetchPage(path, init)).res.headers;
      expect({ name, nosniff: plain.get('x-content-type-options'), referrer: plain.get('referrer-policy'), hsts: plain.get('strict-transport-security') }).toEqual({
        name,
        nosniff: 'nosniff',
        referrer: 'no-referrer',
        hsts: null,
      });
      // Cloud Run ends TLS in front of the function and says so in X-Forwarded-Proto.
      const secure = (await fetchPage(path, init, { 'x-forwarded-proto': 'https' })).res.headers;
      expect({ name, hsts: secure.get('strict-transport-security') }).toEqual({ name, hsts: expect.stringMatching(/^max-age=(\d{8,})/) });
    }
  });
});
