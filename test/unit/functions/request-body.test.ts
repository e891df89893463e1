// The body reader alone, on an in-memory request: what it takes, what it refuses and when.
import type { Request } from '@google-cloud/functions-framework';
import { Readable } from 'node:stream';
import { BodyAborted, BodyTooLarge, discardRestOfBody, MAX_JSON_DEPTH, MalformedBody, readRequestBody, UnsupportedBody, type BodyRule } from '../../../functions/request-body';

const JSON_RULE: BodyRule = { maxBytes: 64, parse: ['application/json', 'application/x-www-form-urlencoded'] };

/**
 * A request whose body is `chunks`, handed over only when read (`consumed` counts them); with
 * `endless`, the client keeps sending 40-byte chunks for ever.
 */
function requestOf(headers: Record<string, string>, chunks: (string | Buffer)[] = [], options: { endless?: boolean } = {}) {
  const queue = [...chunks];
  let consumed = 0;
  const stream = new Readable({
    highWaterMark: 40,
    read() {
      const next = queue.shift() ?? (options.endless ? 'x'.repeat(40) : null);
      if (next !== null) consumed++;
      // A client on a network: the next chunk comes later, not in the same turn.
      setImmediate(() => this.push(next));
    },
  });
  const req = Object.assign(stream, { headers }) as unknown as Request;
  return { req, consumed: () => consumed, stream };
}

const withLength = (type: string, body: string | Buffer) => requestOf({ 'content-type': type, 'content-length': String(Buffer.byteLength(body)) }, [body]);

describe('reading a request body under a rule', () => {
  it('parses JSON and forms of the types the rule names, keeping the raw bytes', async () => {
    const json = withLength('application/json; charset=UTF-8', '{"a":[1,{"b":"ü"}]}');
    await readRequestBody(json.req, JSON_RULE);
    expect(json.req.body).toEqual({ a: [1, { b: 'ü' }] });
    expect(json.req.rawBody?.toString()).toBe('{"a":[1,{"b":"ü"}]}');
    const form = withLength('application/x-www-form-urlencoded', 'token=a%2Bb&action=confirm');
    await readRequestBody(form.req, JSON_RULE);
    expect(form.req.body).toEqual({ token: 'a+b', action: 'confirm' });
  });

  it('measures and keeps a body of another type without parsing it, and leaves a request without one alone', async () => {
    const text = withLength('text/plain', 'confirm');
    await readRequestBody(text.req, JSON_RULE);
    expect(text.req.body).toBeUndefined();
    expect(text.req.rawBody?.toString()).toBe('confirm');
    const none = requestOf({});
    await readRequestBody(none.req, JSON_RULE);
    expect(none.req.rawBody).toBeUndefined();
  });

  it('refuses a declared length over the limit without reading a byte', async () => {
    const big = requestOf({ 'content-type': 'application/json', 'content-length': '65' }, ['{}']);
    await expect(readRequestBody(big.req, JSON_RULE)).rejects.toBeInstanceOf(BodyTooLarge);
    expect(big.consumed()).toBe(0);
  });

  it('refuses an endless streamed body once past the limit, and stops reading it', async () => {
    const stream = requestOf({ 'content-type': 'application/json', 'transfer-encoding': 'chunked' }, [], { endless: true });
    await expect(readRequestBody(stream.req, JSON_RULE)).rejects.toBeInstanceOf(BodyTooLarge);
    const consumed = stream.consumed();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(stream.consumed()).toBe(consumed);
    expect(consumed).toBeLessThan(5);
  });

  it.each([
    ['a charset other than UTF-8', { 'content-type': 'application/json; charset=iso-8859-1' }],
    ['a quoted UTF-16 charset', { 'content-type': 'application/json; charset="utf-16"' }],
    ['gzip', { 'content-type': 'application/json', 'content-encoding': 'gzip' }],
    ['gzip on a type it does not parse', { 'content-type': 'text/plain', 'content-encoding': 'GZIP' }],
  ])('refuses %s with 415 before reading', async (_name, headers) => {
    const req = requestOf({ ...headers, 'content-length': '2' }, ['{}']);
    await expect(readRequestBody(req.req, JSON_RULE)).rejects.toBeInstanceOf(UnsupportedBody);
    expect(req.consumed()).toBe(0);
  });

  it.each([
    ['malformed JSON', 'application/json', '{"a":'],
    ['bytes that are not UTF-8', 'application/json', Buffer.from('{"a":"\xff"}', 'latin1')],
    [`JSON nested deeper than ${MAX_JSON_DEPTH}`, 'application/json', `${'['.repeat(MAX_JSON_DEPTH + 1)}${']'.repeat(MAX_JSON_DEPTH + 1)}`],
    ['a form field given twice', 'application/x-www-form-urlencoded', 'a=1&a=2'],
  ])('refuses %s as malformed', async (_name, type, body) => {
    await expect(readRequestBody(withLength(type, body).req, { ...JSON_RULE, maxBytes: 1024 })).rejects.toBeInstanceOf(MalformedBody);
  });

  it('reads a field the rule names repeatable as the list of its values, once or many times, and still refuses any other field twice', async () => {
    const rule: BodyRule = { ...JSON_RULE, maxBytes: 1024, repeatable: ['pick'] };
    const many = withLength('application/x-www-form-urlencoded', 'pick=a&other=1&pick=b%2Fc&pick=a');
    await readRequestBody(many.req, rule);
    expect(many.req.body).toEqual({ pick: ['a', 'b/c', 'a'], other: '1' });
    const once = withLength('application/x-www-form-urlencoded', 'pick=a');
    await readRequestBody(once.req, rule);
    expect(once.req.body).toEqual({ pick: ['a'] });
    await expect(readRequestBody(withLength('application/x-www-form-urlencoded', 'pick=a&other=1&other=2').req, rule)).rejects.toBeInstanceOf(MalformedBody);
  });

  it(`takes JSON exactly ${MAX_JSON_DEPTH} deep, and brackets inside strings do not count`, async () => {
    const deep = withLength('application/json', `${'['.repeat(MAX_JSON_DEPTH)}"[[[{{{\\"[["${']'.repeat(MAX_JSON_DEPTH)}`);
    await readRequestBody(deep.req, { ...JSON_RULE, maxBytes: 1024 });
    expect(deep.req.body).toEqual(expect.any(Array));
  });

  it('reports a client that went away mid-body', async () => {
    const gone = requestOf({ 'content-type': 'application/json', 'transfer-encoding': 'chunked' }, [], { endless: true });
    const reading = readRequestBody(gone.req, { ...JSON_RULE, maxBytes: Infinity });
    setTimeout(() => gone.stream.destroy(), 5);
    await expect(reading).rejects.toBeInstanceOf(BodyAborted);
  });
});

describe('the rest of a refused body', () => {
  const withSocket = (request: ReturnType<typeof requestOf>) => {
    const socket = { destroy: jest.fn() };
    Object.assign(request.req, { socket });
    return socket;
  };

  it('is thrown away while the client finishes sending, and the connection kept', async () => {
    const request = requestOf({}, ['x'.repeat(40), 'x'.repeat(40)]);
    const socket = withSocket(request);
    discardRestOfBody(request.req);
    await new Promise((resolve) => request.stream.once('end', resolve));
    expect(request.consumed()).toBe(2);
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    expect(socket.destroy).not.toHaveBeenCalled();
  });

  it('is thrown away for a second at most, then the connection is cut', async () => {
    const request = requestOf({}, [], { endless: true });
    const socket = withSocket(request);
    discardRestOfBody(request.req);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(socket.destroy).not.toHaveBeenCalled();
    await new Promise((resolve) => setTimeout(resolve, 700));
    expect(socket.destroy).toHaveBeenCalled();
    request.stream.destroy();
  });
});
