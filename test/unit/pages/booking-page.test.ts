import { createHash } from 'node:crypto';
import { renderBookingPage, renderUnknownHostPage, scriptJson } from '../../../functions/booking/page';
import { contentSecurityPolicy } from '../../../functions/pages/layout';
import type { offsetsToShow } from '../../../shared/time/time-text';

const input = { slug: 'demo', hostName: 'Ada Lovelace', hostTimezone: 'Europe/London', slotMinutes: 30 };

function inlineScript(html: string): string {
  const match = /<script>([\s\S]*)<\/script>/.exec(html);
  if (!match?.[1]) throw new Error('the page has no inline script');
  return match[1];
}

function configBlock(html: string): unknown {
  const match = /<script type="application\/json" id="booking-config">([^<]*)<\/script>/.exec(html);
  if (!match?.[1]) throw new Error('the page has no configuration block');
  return JSON.parse(match[1]);
}

describe('the booking page', () => {
  it('cannot be broken out of by a host name that closes the script element', () => {
    const hostName = `</script><script>alert("x")</script><!--`;
    const html = renderBookingPage({ ...input, hostName });
    // The configuration block and the script, and nothing the host name opened.
    expect(html.match(/<\/script/gi)).toHaveLength(2);
    expect(html.match(/<script/gi)).toHaveLength(2);
    expect(html).not.toContain('<!--');
    expect(html).toContain('<h1>Book a time with &lt;/script&gt;&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;!--</h1>');
  });

  it('hands the script its configuration unchanged, as data, whatever the host name holds', () => {
    const hostName = `Ada </script> "Lovelace" & <b>\u2028co</b>`;
    const html = renderBookingPage({ ...input, hostName });
    expect(configBlock(html)).toEqual({ slug: 'demo', hostName, hostTimezone: 'Europe/London' });
    expect(inlineScript(html)).toContain("(JSON.parse(document.getElementById('booking-config').textContent), function offsetsToShow(");
  });

  it('runs the same script for every host, which the CSP allows by its hash, and no other', () => {
    const script = inlineScript(renderBookingPage(input));
    expect(inlineScript(renderBookingPage({ slug: 'other-host', hostName: 'Grace', hostTimezone: 'Asia/Tokyo', slotMinutes: 60 }))).toBe(script);
    const hash = createHash('sha256').update(script).digest('base64');
    const scriptSources = /(?:^|; )script-src ([^;]*)/.exec(contentSecurityPolicy())?.[1]?.split(' ');
    expect(scriptSources).toEqual([`'sha256-${hash}'`]);
  });

  it('embeds its browser code as a self-running function', () => {
    const script = inlineScript(renderBookingPage(input));
    expect(script).toMatch(/^var __name = function \(target\) \{ return target; \};\n\(function bookingPageScript\(config, offsetsToShow\)/);
    expect(script).not.toMatch(/\brequire\(|\bexports\./);
  });

  it('hands the script the same rule for UTC offsets that our mail uses, as a function it can run alone', () => {
    const script = inlineScript(renderBookingPage(input));
    const rule = /, (function offsetsToShow\([\s\S]*\})\);$/.exec(script)?.[1] ?? '';
    const run = new Function('__name', `return (${rule});`)((target: unknown) => target) as typeof offsetsToShow;
    expect(run(new Date('2026-10-25T01:00:00Z'), new Date('2026-10-25T01:30:00Z'), 'Europe/Berlin')).toEqual({ kind: 'range', offset: 'UTC+01:00' });
    expect(run(new Date('2026-12-01T09:00:00Z'), new Date('2026-12-01T09:30:00Z'), 'Europe/Berlin')).toEqual({ kind: 'none', offset: 'UTC+01:00' });
  });

  it('says how long a meeting is', () => {
    expect(renderBookingPage(input)).toContain('Each meeting is 30 minutes.');
    expect(renderBookingPage({ ...input, slotMinutes: 60 })).toContain('Each meeting is 1 hour.');
    expect(renderBookingPage({ ...input, slotMinutes: 120 })).toContain('Each meeting is 2 hours.');
  });

  it('labels every field and loads no outside resources', () => {
    const html = renderBookingPage(input);
    for (const id of ['timezone', 'name', 'email', 'message']) {
      expect(html).toContain(`<label for="${id}">`);
    }
    expect(html).not.toMatch(/\b(src|href)="(https?:)?\/\//);
    expect(html).toContain('<html lang="en">');
    expect(html).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
  });

  it('escapes the title', () => {
    expect(renderBookingPage({ ...input, hostName: 'A & <B>' })).toContain('<title>Book a time with A &amp; &lt;B&gt;</title>');
  });
});

describe('the unknown host page', () => {
  it('names the missing page with its name escaped', () => {
    const html = renderUnknownHostPage('<img src=x onerror=alert(1)>');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).not.toContain('<img');
    expect(html).not.toContain('<script');
  });
});

describe('scriptJson', () => {
  it('round-trips through JSON.parse without a single < > or & left', () => {
    const value = { a: '</script><!-- & \u2028 \u2029', b: [1, null, true] };
    const text = scriptJson(value);
    expect(text).not.toMatch(/[<>&\u2028\u2029]/);
    expect(JSON.parse(text)).toEqual(value);
  });
});
