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

  it('renders the html part only inside a sandboxed iframe that may not run scripts', async () => {
    await under.mail.send(aMail({ html: '<p onclick="steal()">Hi "there" & <b>welcome</b></p><script>steal()</script>' }));
    const page = await inboxPage(under.sink.url);

    const iframe = /<iframe([^>]*)><\/iframe>/.exec(page);
    expect(iframe).not.toBeNull();
    const attributes = iframe?.[1] ?? '';
    expect(attributes).toMatch(/ sandbox=""/);
    expect(attributes).toContain(
      'srcdoc="&lt;p onclick=&quot;steal()&quot;&gt;Hi &quot;there&quot; &amp; &lt;b&gt;welcome&lt;/b&gt;&lt;/p&gt;&lt;script&gt;steal()&lt;/script&gt;"',
    );
    expect(page).not.toContain('<script>');
    expect(page).not.toContain('onclick="');
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
