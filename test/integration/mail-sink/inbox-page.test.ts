import { aMail, useMailSink } from './fixtures';

async function inboxPage(url: string): Promise<string> {
  const response = await fetch(`${url}/`);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/html/);
  return response.text();
}

describe('the mail sink inbox page', () => {
  const under = useMailSink();
  afterEach(async () => {
    await fetch(`${under.sink.url}/messages`, { method: 'DELETE' });
  });

  it('is readable on a phone', async () => {
    expect(await inboxPage(under.sink.url)).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
  });

  it('shows sender, recipients, subject, time and the text part, escaped', async () => {
    await under.mail.send(
      aMail({
        from: { email: 'bookings@example.com', name: 'Salon <Bookings>' },
        to: 'guest@example.com',
        subject: 'Booked <script>alert(1)</script> & confirmed',
        text: 'Monday <10:00>',
      }),
    );
    const page = await inboxPage(under.sink.url);

    expect(page).toContain('Booked &lt;script&gt;alert(1)&lt;/script&gt; &amp; confirmed');
    expect(page).not.toContain('<script>');
    expect(page).toContain('Salon &lt;Bookings&gt; &lt;bookings@example.com&gt;');
    expect(page).toContain('guest@example.com');
    expect(page).toContain('<pre>Monday &lt;10:00&gt;</pre>');
    expect(page).toMatch(/<time datetime="\d{4}-\d\d-\d\dT[\d:.]+Z">/);
  });

  it('frames the html part from its own URL, sandboxed, with a link to open it in a new tab', async () => {
    const [response] = await under.mail.send(aMail({ html: '<p onclick="steal()">Hi</p><script>steal()</script>' }));
    const id = response.headers['x-message-id'] as string;
    const page = await inboxPage(under.sink.url);

    const iframe = /<iframe([^>]*)><\/iframe>/.exec(page);
    expect(iframe?.[1]).toContain(` src="/messages/${id}/html"`);
    expect(iframe?.[1]).toMatch(/ sandbox="[^"]*"/);
    expect(iframe?.[1]).not.toContain('allow-scripts');
    expect(page).toContain(`<a href="/messages/${id}/html" target="_blank" rel="noopener">`);
    expect(page).not.toContain('<script>');
    expect(page).not.toContain('onclick="');
  });

  it('serves the html part under a policy that runs no script, with links and forms sent to a new tab', async () => {
    const [response] = await under.mail.send(aMail({ html: '<!doctype html><html><head><title>t</title></head><body><a href="https://example.com/">x</a></body></html>' }));
    const id = response.headers['x-message-id'] as string;
    const part = await fetch(`${under.sink.url}/messages/${id}/html`);

    expect(part.status).toBe(200);
    expect(part.headers.get('content-type')).toMatch(/^text\/html/);
    const policy = part.headers.get('content-security-policy') ?? '';
    expect(policy).toMatch(/(^|; )sandbox [^;]*allow-popups-to-escape-sandbox/);
    expect(policy).not.toContain('allow-scripts');
    expect(policy).toContain("script-src 'none'");
    expect(await part.text()).toBe('<!doctype html><html><head><base target="_blank"><title>t</title></head><body><a href="https://example.com/">x</a></body></html>');
  });

  it('sends the links of an html part that is only a fragment to a new tab too', async () => {
    const [response] = await under.mail.send(aMail({ html: '<p><a href="https://example.com/">x</a></p>' }));
    const part = await fetch(`${under.sink.url}/messages/${response.headers['x-message-id'] as string}/html`);

    expect(await part.text()).toBe('<base target="_blank"><p><a href="https://example.com/">x</a></p>');
  });

  it('answers 404 for the html part of a mail that has none, or of no mail', async () => {
    const [response] = await under.mail.send(aMail());
    const id = response.headers['x-message-id'] as string;

    for (const path of [`/messages/${id}/html`, '/messages/nobody/html']) {
      const part = await fetch(`${under.sink.url}${path}`);
      expect({ path, status: part.status }).toEqual({ path, status: 404 });
      expect(((await part.json()) as { message: string }).message).toBe('No such message, or it has no HTML part');
    }
  });

  it('makes the links of the text part clickable, escaped, without the sentence\'s full stop', async () => {
    await under.mail.send(aMail({ text: 'Confirm: http://127.0.0.1:8080/decision?token=a.b&x=<1>. Thanks' }));
    const page = await inboxPage(under.sink.url);

    expect(page).toContain(
      'Confirm: <a href="http://127.0.0.1:8080/decision?token=a.b&amp;x=" target="_blank" rel="noopener noreferrer">http://127.0.0.1:8080/decision?token=a.b&amp;x=</a>&lt;1&gt;. Thanks',
    );
  });

  it('writes each time in UTC for the page\'s script to put in the reader\'s zone', async () => {
    await under.mail.send(aMail());
    const page = await inboxPage(under.sink.url);

    expect(page).toMatch(/<time datetime="(\d{4}-\d\d-\d\d)T(\d\d:\d\d:\d\d)\.\d+Z">\1 \2 UTC<\/time>/);
    expect(page).toContain('<script src="/inbox.js" defer></script>');
  });

  it('is served under a policy that allows only its own script and frames', async () => {
    const response = await fetch(`${under.sink.url}/`);
    expect(response.headers.get('content-security-policy')).toContain("script-src 'self'");
    const script = await fetch(`${under.sink.url}/inbox.js`);
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(await script.text()).toContain('scrollHeight');
  });

  it('shows the html part first and folds the text part under it, open when there is no html part', async () => {
    await under.mail.send(aMail({ subject: 'both', text: 'plain words', html: '<p>rich words</p>' }));
    const both = await inboxPage(under.sink.url);
    expect(both.indexOf('<iframe')).toBeLessThan(both.indexOf('plain words'));
    expect(both).toContain('<details><summary>Text part</summary><pre>plain words</pre></details>');
    await fetch(`${under.sink.url}/messages`, { method: 'DELETE' });

    await under.mail.send(aMail({ text: 'only words' }));
    const textOnly = await inboxPage(under.sink.url);
    expect(textOnly).toContain('<pre>only words</pre>');
    expect(textOnly).not.toContain('<details>');
  });

  it('links each attachment to its download URL', async () => {
    const [response] = await under.mail.send(
      aMail({ attachments: [{ content: Buffer.from('BEGIN:VCALENDAR').toString('base64'), filename: 'invite "1".ics', type: 'text/calendar' }] }),
    );
    const id = response.headers['x-message-id'] as string;

    expect(await inboxPage(under.sink.url)).toContain(`<a href="/messages/${id}/attachments/0" download="invite &quot;1&quot;.ics">`);
  });

  it('shows the newest mail first', async () => {
    await under.mail.send(aMail({ subject: 'older' }));
    await under.mail.send(aMail({ subject: 'newer' }));
    const page = await inboxPage(under.sink.url);

    expect(page.indexOf('newer')).toBeGreaterThan(-1);
    expect(page.indexOf('newer')).toBeLessThan(page.indexOf('older'));
  });

  it('says so when there is no mail', async () => {
    expect(await inboxPage(under.sink.url)).toContain('No mail yet.');
  });
});
