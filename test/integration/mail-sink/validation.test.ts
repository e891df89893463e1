import type { MailDataRequired } from '@sendgrid/mail';
import { API_KEY, aMail, listMessages, postRaw, useMailSink } from './fixtures';

// What a ResponseError from @sendgrid/client carries for a SendGrid error answer.
function rejectedWith(status: number, field: string | null) {
  return expect.objectContaining({
    code: status,
    response: expect.objectContaining({
      body: {
        errors: expect.arrayContaining([{ message: expect.any(String), field, help: field === null ? null : expect.stringMatching(/^http:\/\/sendgrid\.com\/docs\//) }]),
      },
    }),
  });
}

describe('the mail sink rejecting what SendGrid rejects', () => {
  const under = useMailSink();

  // A rejected request must never be kept (the tests that expect a 202 clear up after themselves).
  afterEach(async () => {
    expect(await listMessages(under.sink)).toEqual([]);
  });

  it('answers 400 naming "from" when the sender is missing', async () => {
    const { from: _from, ...withoutFrom } = aMail();

    await expect(under.mail.send(withoutFrom as MailDataRequired)).rejects.toEqual(rejectedWith(400, 'from'));
  });

  it('answers 400 naming "from.email" when the sender address is not an address', async () => {
    await expect(under.mail.send(aMail({ from: 'bookings at example.com' }))).rejects.toEqual(rejectedWith(400, 'from.email'));
  });

  it('answers 400 naming the exact recipient whose address is not an address', async () => {
    await expect(under.mail.send(aMail({ to: ['ann@example.com', 'not-an-address'] }))).rejects.toEqual(
      rejectedWith(400, 'personalizations.0.to.1.email'),
    );
  });

  it('answers 400 naming "personalizations" when there are none', async () => {
    await expect(under.mail.send(aMail({ personalizations: [] }))).rejects.toEqual(rejectedWith(400, 'personalizations'));
  });

  it('answers 400 naming "subject" when neither the mail nor every personalization has one', async () => {
    const { subject: _subject, ...withoutSubject } = aMail();

    await expect(
      under.mail.send({
        ...withoutSubject,
        personalizations: [{ to: 'ann@example.com', subject: 'only Ann has one' }, { to: 'bob@example.com' }],
      } as MailDataRequired),
    ).rejects.toEqual(rejectedWith(400, 'subject'));
  });

  it('accepts a mail whose subject is given in every personalization instead', async () => {
    const { subject: _subject, ...withoutSubject } = aMail();
    const [response] = await under.mail.send({
      ...withoutSubject,
      personalizations: [
        { to: 'ann@example.com', subject: 'for Ann' },
        { to: 'bob@example.com', subject: 'for Bob' },
      ],
    } as MailDataRequired);

    expect(response.statusCode).toBe(202);
    await fetch(`${under.sink.url}/messages`, { method: 'DELETE' });
  });

  it('answers 400 naming "content" when there is no content and no template', async () => {
    const { text: _text, ...withoutContent } = aMail() as MailDataRequired & { text: string };

    await expect(under.mail.send(withoutContent as MailDataRequired)).rejects.toEqual(rejectedWith(400, 'content'));
  });

  it('answers 400 naming the content block whose value is empty', async () => {
    await expect(under.mail.send(aMail({ content: [{ type: 'text/plain', value: 'hi' }, { type: 'text/html', value: '' }] }))).rejects.toEqual(
      rejectedWith(400, 'content.1.value'),
    );
  });

  it('answers 400 when text/html comes before text/plain', async () => {
    const { text: _text, ...rest } = aMail() as MailDataRequired & { text: string };

    await expect(
      under.mail.send({ ...rest, content: [{ type: 'text/html', value: '<p>hi</p>' }, { type: 'text/plain', value: 'hi' }] } as MailDataRequired),
    ).rejects.toEqual(rejectedWith(400, 'content'));
  });

  it('answers 400 naming the attachment whose content is not base64', async () => {
    await expect(
      under.mail.send(aMail({ attachments: [{ content: 'not base64!', filename: 'invite.ics', type: 'text/calendar' }] })),
    ).rejects.toEqual(rejectedWith(400, 'attachments.0.content'));
  });

  // SendGrid has taken one `method` parameter on an attachment type since 2018 (sendgrid-php #250,
  // sendgrid-nodejs #217): calendar invitations need it (RFC 6047 §2.4). Any further parameter,
  // a charset above all, is still refused (sendgrid-nodejs #1313). Forms no public report shows
  // SendGrid taking (a trailing ';', a quoted method) are refused too: the sink errs toward no.
  it.each(['text/calendar; method=REQUEST', 'text/calendar;method=CANCEL'])(
    'accepts an attachment typed %s and keeps the type as sent',
    async (type) => {
      const [response] = await under.mail.send(aMail({ attachments: [{ content: Buffer.from('BEGIN:VCALENDAR').toString('base64'), filename: 'invite.ics', type }] }));

      expect(response.statusCode).toBe(202);
      const [message] = await listMessages(under.sink);
      expect((message?.attachments as { type: string }[])[0]?.type).toBe(type);
      await fetch(`${under.sink.url}/messages`, { method: 'DELETE' });
    },
  );

  it.each([
    'text/calendar; method=REQUEST; charset="UTF-8"',
    'text/calendar; charset="UTF-8"; method=REQUEST',
    'text/calendar; charset=UTF-8',
    'text/calendar; method=REQUEST;',
    'text/calendar; method="REQUEST"',
    'text/calendar; method=REQUEST\r\nX-Injected: yes',
  ])('answers 400 naming the attachment type %j, with a parameter other than one bare method', async (type) => {
    const response = await postRaw(
      under.sink,
      JSON.stringify({
        personalizations: [{ to: [{ email: 'ann@example.com' }] }],
        from: { email: 'bookings@example.com' },
        subject: 'Invite',
        content: [{ type: 'text/plain', value: 'attached' }],
        attachments: [{ content: Buffer.from('BEGIN:VCALENDAR').toString('base64'), filename: 'invite.ics', type }],
      }),
    );

    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      errors: [
        {
          message: "The attachment type cannot contain ';', or CRLF characters.",
          field: 'attachments.0.type',
          help: 'http://sendgrid.com/docs/API_Reference/Web_API_v3/Mail/errors.html#message.attachments.type',
        },
      ],
    });
  });

  it('answers 400 naming the attachment that has no filename', async () => {
    const response = await postRaw(
      under.sink,
      JSON.stringify({
        personalizations: [{ to: [{ email: 'ann@example.com' }] }],
        from: { email: 'bookings@example.com' },
        subject: 'Invite',
        content: [{ type: 'text/plain', value: 'attached' }],
        attachments: [{ content: Buffer.from('BEGIN:VCALENDAR').toString('base64'), type: 'text/calendar' }],
      }),
    );

    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      errors: [{ message: 'filename is required.', field: 'attachments.0.filename', help: expect.any(String) }],
    });
  });

  it('lists every problem of a request at once', async () => {
    const response = await postRaw(under.sink, JSON.stringify({ personalizations: [], content: [] }));

    expect(response.status).toBe(400);
    const { errors } = (await response.json()) as { errors: { field: string }[] };
    expect(errors.map((e) => e.field)).toEqual(['from', 'personalizations', 'subject', 'content']);
  });

  it('accepts a mail without subject or content when it names a template', async () => {
    const [response] = await under.mail.send({
      to: 'ann@example.com',
      from: 'bookings@example.com',
      templateId: 'd-0123456789abcdef',
      dynamicTemplateData: { name: 'Ann' },
    });

    expect(response.statusCode).toBe(202);
    await fetch(`${under.sink.url}/messages`, { method: 'DELETE' });
  });

  it('answers 400 "Bad Request" with no field when the body is not JSON', async () => {
    const response = await postRaw(under.sink, '{"personalizations": [');

    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ errors: [{ message: 'Bad Request', field: null, help: null }] });
  });

  it('answers 413 when the body is over SendGrid\'s 30 MB limit', async () => {
    const response = await postRaw(under.sink, JSON.stringify({ padding: 'x'.repeat(30 * 1024 * 1024) }));

    expect(response.status).toBe(413);
    expect(await response.json()).toEqual({ errors: [{ message: expect.stringContaining('too large'), field: null, help: null }] });
  });

  it('answers 401 "authorization required" when there is no Authorization header', async () => {
    const response = await postRaw(under.sink, JSON.stringify(aMail()), {});

    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ errors: [{ message: 'authorization required', field: null, help: null }] });
  });

  it('answers 401 when the Authorization header carries no bearer key', async () => {
    for (const authorization of ['Bearer ', `Basic ${API_KEY}`, API_KEY]) {
      const response = await postRaw(under.sink, JSON.stringify(aMail()), { authorization });
      expect(response.status).toBe(401);
    }
  });
});
