import { aMail, API_KEY, listMessages, useMailSink } from './fixtures';

function postFaults(url: string, body: unknown): Promise<Response> {
  return fetch(`${url}/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

describe('faults injected into the mail sink', () => {
  const under = useMailSink();
  afterEach(async () => {
    await fetch(`${under.sink.url}/faults`, { method: 'DELETE' });
    await fetch(`${under.sink.url}/messages`, { method: 'DELETE' });
  });

  it('make the next N sends fail with the given status and a SendGrid error body, and the one after succeed', async () => {
    expect((await postFaults(under.sink.url, { status: 503, count: 2 })).status).toBe(200);

    for (const subject of ['lost 1', 'lost 2']) {
      await expect(under.mail.send(aMail({ subject }))).rejects.toMatchObject({
        code: 503,
        response: { body: { errors: [{ message: expect.any(String), field: null, help: null }] } },
      });
    }
    const [response] = await under.mail.send(aMail({ subject: 'delivered' }));

    expect(response.statusCode).toBe(202);
    expect((await listMessages(under.sink)).map((m) => m.subject)).toEqual(['delivered']);
  });

  it('can simulate SendGrid throttling with 429', async () => {
    await postFaults(under.sink.url, { status: 429, count: 1 });

    await expect(under.mail.send(aMail())).rejects.toMatchObject({ code: 429 });
    expect(await listMessages(under.sink)).toEqual([]);
  });

  it('can hold the next sends for delayMs, then answer with the status given, or take the mail', async () => {
    expect((await postFaults(under.sink.url, { status: 503, delayMs: 300, count: 1 })).status).toBe(200);
    const started = Date.now();
    await expect(under.mail.send(aMail({ subject: 'held, refused' }))).rejects.toMatchObject({ code: 503 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);

    await postFaults(under.sink.url, { delayMs: 300, count: 1 });
    const slow = Date.now();
    const [response] = await under.mail.send(aMail({ subject: 'held, taken' }));
    expect(response.statusCode).toBe(202);
    expect(Date.now() - slow).toBeGreaterThanOrEqual(300);
    expect((await listMessages(under.sink)).map((m) => m.subject)).toEqual(['held, taken']);
  });

  it('a held send whose caller has gone still answers its status, and stores nothing when that is an error', async () => {
    await postFaults(under.sink.url, { status: 503, delayMs: 300, count: 1 });
    const abort = new AbortController();
    const send = fetch(`${under.sink.url}/v3/mail/send`, {
      method: 'POST',
      signal: abort.signal,
      headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ personalizations: [{ to: [{ email: 'gone@example.com' }] }], from: { email: 'b@example.com' }, subject: 's', content: [{ type: 'text/plain', value: 't' }] }),
    });
    setTimeout(() => abort.abort(), 50);
    await expect(send).rejects.toThrow();
    await new Promise((resolve) => setTimeout(resolve, 400));

    expect(await listMessages(under.sink)).toEqual([]);
    const [next] = await under.mail.send(aMail());
    expect(next.statusCode).toBe(202);
  });

  it('are cancelled by DELETE /faults', async () => {
    await postFaults(under.sink.url, { status: 500, count: 5 });

    expect((await fetch(`${under.sink.url}/faults`, { method: 'DELETE' })).status).toBe(204);
    const [response] = await under.mail.send(aMail());
    expect(response.statusCode).toBe(202);
  });

  it.each([
    ['a status that is not an error', { status: 200, count: 1 }],
    ['a count below one', { status: 500, count: 0 }],
    ['a missing count', { status: 500 }],
    ['a status given as a string', { status: '500', count: 1 }],
    ['an unknown field', { status: 500, count: 1, after: 3 }],
    ['neither a status nor a delay', { count: 1 }],
    ['a negative delay', { delayMs: -1, count: 1 }],
  ])('are refused with 400 and a message for %s', async (_case, body) => {
    const response = await postFaults(under.sink.url, body);

    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ message: expect.any(String) });
    const [sent] = await under.mail.send(aMail());
    expect(sent.statusCode).toBe(202);
  });

  it('are refused with 400 when the control body is not JSON', async () => {
    const response = await fetch(`${under.sink.url}/faults`, { method: 'POST', body: 'status=500' });

    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ message: expect.any(String) });
  });
});
