import { aMail, listMessages, useMailSink } from './fixtures';

const ICS = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'METHOD:REQUEST', 'BEGIN:VEVENT', 'UID:booking-1@example.com', 'SUMMARY:Haircut', 'END:VEVENT', 'END:VCALENDAR', ''].join('\r\n');

describe('the mail sink accepting mail from @sendgrid/mail', () => {
  const under = useMailSink();
  afterEach(async () => {
    await fetch(`${under.sink.url}/messages`, { method: 'DELETE' });
  });

  it('answers 202 with an X-Message-Id and lists the mail with the body as sent', async () => {
    const before = Date.now();
    const [response] = await under.mail.send(aMail({ html: '<p>See you on <b>Monday</b>.</p>' }));

    expect(response.statusCode).toBe(202);
    const id = response.headers['x-message-id'] as unknown;
    expect(id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    const messages = await listMessages(under.sink);
    expect(messages).toEqual([
      {
        id,
        receivedAt: expect.any(String),
        from: { email: 'bookings@example.com', name: 'Bookings' },
        subject: 'Your booking',
        personalizations: [{ to: [{ email: 'guest@example.com' }] }],
        content: [
          { type: 'text/plain', value: 'See you on Monday.' },
          { type: 'text/html', value: '<p>See you on <b>Monday</b>.</p>' },
        ],
      },
    ]);
    expect(Date.parse(messages[0]?.receivedAt ?? '')).toBeGreaterThanOrEqual(before - 1000);
  });

  it('lists messages in the order they arrived', async () => {
    await under.mail.send(aMail({ subject: 'first' }));
    await under.mail.send(aMail({ subject: 'second' }));
    await under.mail.send(aMail({ subject: 'third' }));

    expect((await listMessages(under.sink)).map((m) => m.subject)).toEqual(['first', 'second', 'third']);
  });

  it('filters the list by a recipient in to, cc or bcc, ignoring case', async () => {
    await under.mail.send(aMail({ to: 'ann@example.com', subject: 'to Ann' }));
    await under.mail.send(aMail({ to: 'bob@example.com', cc: 'Ann@Example.com', subject: 'cc Ann' }));
    await under.mail.send(aMail({ to: 'bob@example.com', bcc: 'ann@example.com', subject: 'bcc Ann' }));
    await under.mail.send(aMail({ to: 'carol@example.com', subject: 'not Ann' }));

    const forAnn = await listMessages(under.sink, `?to=${encodeURIComponent('ANN@example.com')}`);
    expect(forAnn.map((m) => m.subject)).toEqual(['to Ann', 'cc Ann', 'bcc Ann']);
  });

  it('serves an .ics attachment decoded, with its type and filename, from the attachment URL', async () => {
    const [response] = await under.mail.send(
      aMail({
        attachments: [
          { content: Buffer.from('a note').toString('base64'), filename: 'note.txt', type: 'text/plain' },
          { content: Buffer.from(ICS).toString('base64'), filename: 'invite.ics', type: 'text/calendar', disposition: 'attachment' },
        ],
      }),
    );
    const id = response.headers['x-message-id'] as string;

    const download = await fetch(`${under.sink.url}/messages/${id}/attachments/1`);
    expect(download.status).toBe(200);
    expect(download.headers.get('content-type')).toBe('text/calendar');
    expect(download.headers.get('content-disposition')).toMatch(/^attachment; filename="invite\.ics"/);
    expect(await download.text()).toBe(ICS);
  });

  it('answers 404 for an attachment index or message id that does not exist', async () => {
    const [response] = await under.mail.send(aMail());
    const id = response.headers['x-message-id'] as string;

    expect((await fetch(`${under.sink.url}/messages/${id}/attachments/0`)).status).toBe(404);
    expect((await fetch(`${under.sink.url}/messages/no-such-id/attachments/0`)).status).toBe(404);
  });

  it('forgets every message on DELETE /messages', async () => {
    await under.mail.send(aMail());
    await under.mail.send(aMail());
    expect(await listMessages(under.sink)).toHaveLength(2);

    const cleared = await fetch(`${under.sink.url}/messages`, { method: 'DELETE' });

    expect(cleared.status).toBe(204);
    expect(await listMessages(under.sink)).toEqual([]);
  });
});
