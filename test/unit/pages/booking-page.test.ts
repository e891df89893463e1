import { renderBookingPage, renderUnknownHostPage, scriptJson, scriptSrcFor } from '../../../functions/booking/page';
import { contentSecurityPolicy } from '../../../functions/pages/layout';

const input = { slug: 'demo', hostName: 'Ada Lovelace', hostTimezone: 'Europe/London', slotMinutes: 30, scriptSrc: 'assets/booking-page.0123456789abcdef.js' };

function configBlock(html: string): unknown {
  const match = /<script type="application\/json" id="booking-config">([^<]*)<\/script>/.exec(html);
  if (!match?.[1]) throw new Error('the page has no configuration block');
  return JSON.parse(match[1]);
}

describe('the booking page', () => {
  it('cannot be broken out of by a host name that closes the script element', () => {
    const hostName = `</script><script>alert("x")</script><!--`;
    const html = renderBookingPage({ ...input, hostName });
    // The configuration block and the script file, and nothing the host name opened.
    expect(html.match(/<\/script/gi)).toHaveLength(2);
    expect(html.match(/<script/gi)).toHaveLength(2);
    expect(html).not.toContain('<!--');
    expect(html).toContain('<h1>Book a time with &lt;/script&gt;&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;!--</h1>');
  });

  it('hands the script its configuration unchanged, as data, whatever the host name holds', () => {
    const hostName = `Ada </script> "Lovelace" & <b>\u2028co</b>`;
    const html = renderBookingPage({ ...input, hostName });
    expect(configBlock(html)).toEqual({ slug: 'demo', hostName, hostTimezone: 'Europe/London' });
  });

  it('loads its code from the bundle file it is given, with no inline script, which the CSP allows from our own origin', () => {
    const html = renderBookingPage(input);
    expect(html).toContain('<script src="assets/booking-page.0123456789abcdef.js"></script>');
    const scripts = [...html.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)].filter((m) => !/application\/json/.test(m[1] ?? ''));
    expect(scripts.map((m) => m[2])).toEqual(['']);
    const scriptSources = /(?:^|; )script-src ([^;]*)/.exec(contentSecurityPolicy())?.[1]?.split(' ');
    expect(scriptSources).toContain("'self'");
    expect(contentSecurityPolicy()).not.toContain('unsafe-inline');
  });

  it('keeps the booking area hidden for the script to show, and says without script that it needs one', () => {
    const html = renderBookingPage(input);
    expect(html).toContain('<div id="booking" class="booking" hidden>');
    expect(html).toMatch(/<noscript><p class="notice error">This page needs JavaScript to show the free times and book one\./);
  });

  it('says how long a meeting is', () => {
    expect(renderBookingPage(input)).toContain('Each meeting is 30 minutes.');
    expect(renderBookingPage({ ...input, slotMinutes: 60 })).toContain('Each meeting is 1 hour.');
    expect(renderBookingPage({ ...input, slotMinutes: 120 })).toContain('Each meeting is 2 hours.');
  });

  it('labels every field and the day and time groups, and loads no outside resources', () => {
    const html = renderBookingPage(input);
    for (const id of ['timezone', 'name', 'email', 'message']) {
      expect(html).toContain(`<label for="${id}">`);
    }
    expect(html).toContain('<div id="days" class="days" role="group" aria-labelledby="month-name" aria-describedby="days-hint">');
    expect(html).toContain('<div id="times" class="times" role="group" aria-labelledby="times-heading">');
    expect(html).toContain('<p id="picker-status" class="visually-hidden" role="status">');
    expect(html).not.toMatch(/\b(src|href)="(https?:)?\/\//);
    expect(html).toContain('<html lang="en">');
    expect(html).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
  });

  it('escapes the title', () => {
    expect(renderBookingPage({ ...input, hostName: 'A & <B>' })).toContain('<title>Book a time with A &amp; &lt;B&gt;</title>');
  });
});

describe("the bundle's address on the page", () => {
  it('is beside the page, one folder up for each trailing slash of its address', () => {
    expect(scriptSrcFor('/demo', 'booking-page.0123456789abcdef.js')).toBe('assets/booking-page.0123456789abcdef.js');
    expect(scriptSrcFor('/demo/', 'booking-page.0123456789abcdef.js')).toBe('../assets/booking-page.0123456789abcdef.js');
    expect(scriptSrcFor('/demo//', 'booking-page.0123456789abcdef.js')).toBe('../../assets/booking-page.0123456789abcdef.js');
  });

  it('resolves to /booking/assets/FILE from every form of the page address', () => {
    for (const page of ['/booking/demo', '/booking/demo/', '/booking/demo//']) {
      const src = scriptSrcFor(page.slice('/booking'.length), 'b.js');
      expect(new URL(src, `https://example.test${page}`).pathname).toBe('/booking/assets/b.js');
    }
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
