import { createHash } from 'node:crypto';
import { contentSecurityPolicy, InlineScript, renderPage } from '../../../functions/pages/layout';

/** A policy as its directives, each with its sources. */
function directives(policy: string): Record<string, string[]> {
  return Object.fromEntries(
    policy.split(/;\s*/).map((directive) => {
      const [name = '', ...sources] = directive.trim().split(/\s+/);
      return [name, sources];
    }),
  );
}

const sha256 = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;

describe("our pages' Content-Security-Policy", () => {
  it('allows nothing by default, no framing, no other base or form target, and nothing inline but by hash', () => {
    const policy = directives(contentSecurityPolicy());
    expect(policy).toMatchObject({
      'default-src': ["'none'"],
      'frame-ancestors': ["'none'"],
      'base-uri': ["'none'"],
      'form-action': ["'self'"],
      'connect-src': ["'self'"],
    });
    expect(contentSecurityPolicy()).not.toMatch(/unsafe-|\*|https?:/);
  });

  it("allows the shell's style by its hash", () => {
    const style = /<style>([\s\S]*)<\/style>/.exec(renderPage({ title: 't', body: '' }))?.[1] ?? '';
    expect(directives(contentSecurityPolicy())['style-src']).toEqual([sha256(style)]);
  });

  it('allows a script once it is registered, by its hash, and renders it as given', () => {
    const source = 'document.title = "registered";';
    expect(directives(contentSecurityPolicy())['script-src']).not.toContain(sha256(source));
    const script = InlineScript.register(source);
    expect(directives(contentSecurityPolicy())['script-src']).toContain(sha256(source));
    expect(renderPage({ title: 't', body: '', script })).toContain(`<script>${source}</script>`);
  });

  it("allows script files from our own origin, and nothing inline but by hash", () => {
    expect(directives(contentSecurityPolicy())['script-src']?.[0]).toBe("'self'");
    expect(renderPage({ title: 't', body: '', scriptSrc: 'assets/a.js' })).toContain('<script src="assets/a.js"></script>\n</body>');
  });

  it('is not in the page: a header carries it, where frame-ancestors works', () => {
    expect(renderPage({ title: 't', body: '' })).not.toMatch(/Content-Security-Policy/i);
  });
});

describe("every page's icon", () => {
  it('is named inline as an SVG image, which img-src allows, so no browser asks for a missing /favicon.ico', () => {
    const href = /<link rel="icon" type="image\/svg\+xml" href="([^"]+)">/.exec(renderPage({ title: 't', body: '' }))?.[1] ?? '';
    expect(href).toMatch(/^data:image\/svg\+xml,/);
    expect(decodeURIComponent(href.slice('data:image/svg+xml,'.length))).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"[\s\S]*<\/svg>$/);
    expect(directives(contentSecurityPolicy())['img-src']).toContain('data:');
  });
});

describe('the page shell', () => {
  it('widens the main column only for a page that asks for it', () => {
    expect(renderPage({ title: 't', body: '' })).toContain('<main>');
    expect(renderPage({ title: 't', body: '', wide: true })).toContain('<main class="wide">');
  });
});
