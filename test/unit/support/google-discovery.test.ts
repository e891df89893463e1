// The discovery checker on a small document of the same format: what it accepts and each kind of
// difference it reports, so a conformance test that passes means the emulator conforms.
import { Discovery, type RestDescription } from '../../support/google-discovery';

const document: RestDescription = {
  revision: '20300101',
  servicePath: 'things/v1/',
  parameters: { alt: { type: 'string', location: 'query', enum: ['json'] } },
  resources: {
    things: {
      methods: {
        get: { id: 'things.things.get', httpMethod: 'GET', path: 'things/{thingId}', parameters: { thingId: { type: 'string', location: 'path', required: true } }, response: { $ref: 'Thing' } },
        list: {
          id: 'things.things.list',
          httpMethod: 'GET',
          path: 'things',
          parameters: {
            maxResults: { type: 'integer', format: 'int32', location: 'query', minimum: '1' },
            orderBy: { type: 'string', location: 'query', enum: ['name', 'updated'] },
            showDeleted: { type: 'boolean', location: 'query' },
            tag: { type: 'string', location: 'query', repeated: true },
            updatedMin: { type: 'string', format: 'date-time', location: 'query' },
          },
          response: { $ref: 'Things' },
        },
        import: { id: 'things.things.import', httpMethod: 'POST', path: 'things/import', parameters: {}, request: { $ref: 'Thing' }, response: { $ref: 'Thing' } },
        stop: { id: 'things.things.stop', httpMethod: 'POST', path: 'stop', parameters: { reason: { type: 'string', location: 'query', required: true } } },
      },
    },
  },
  schemas: {
    Thing: {
      id: 'Thing',
      type: 'object',
      properties: {
        kind: { type: 'string', default: 'things#thing' },
        etag: { type: 'string' },
        id: { type: 'string' },
        state: { type: 'string', description: 'State. Possible values are:  \n- "open" - Open. \n- "closed" - Closed.' },
        updated: { type: 'string', format: 'date-time' },
        day: { type: 'string', format: 'date' },
        size: { type: 'string', format: 'int64' },
        count: { type: 'integer', format: 'int32' },
        labels: { type: 'object', additionalProperties: { type: 'string' } },
        parts: { type: 'array', items: { $ref: 'Part' } },
      },
    },
    Part: { id: 'Part', type: 'object', properties: { name: { type: 'string' }, done: { type: 'boolean' } } },
    Things: { id: 'Things', type: 'object', properties: { kind: { type: 'string', default: 'things#things' }, etag: { type: 'string' }, items: { type: 'array', items: { $ref: 'Thing' } } } },
  },
};

const discovery = new Discovery(document);

const thing = {
  kind: 'things#thing',
  etag: '"1"',
  id: 'a',
  state: 'open',
  updated: '2030-01-01T10:00:00.123Z',
  day: '2030-01-02',
  size: '9007199254740993',
  count: 3,
  labels: { colour: 'red' },
  parts: [{ name: 'wheel', done: true }],
};

describe('the discovery checker', () => {
  it('accepts a body with the schema, down to nested references and free-form maps', () => {
    expect(discovery.responseProblems('things.things.get', thing)).toEqual([]);
    expect(discovery.responseProblems('things.things.list', { kind: 'things#things', etag: 'W/"x"', items: [thing] })).toEqual([]);
  });

  it.each([
    ['a property the schema does not list', { ...thing, colour: 'red' }, 'Thing.colour: not a property of Thing'],
    ['a wrong type', { ...thing, count: '3' }, 'Thing.count: expected an integer, got "3"'],
    ['a number beyond int32', { ...thing, count: 2 ** 31 }, 'Thing.count: 2147483648 is not an int32'],
    ['an int64 sent as a number', { ...thing, size: 5 }, 'Thing.size: expected a string, got 5'],
    ['a date-time without offset', { ...thing, updated: '2030-01-01T10:00:00' }, 'Thing.updated: 2030-01-01T10:00:00 is not an RFC 3339 date-time'],
    ['a date that is no day', { ...thing, day: '2030-02-30x' }, 'Thing.day: 2030-02-30x is not a date (YYYY-MM-DD)'],
    ['a value the description does not list', { ...thing, state: 'ajar' }, 'Thing.state: "ajar" is not one of open, closed'],
    ['another kind', { ...thing, kind: 'things#other' }, 'Thing.kind: expected "things#thing", got "things#other"'],
    ['no etag', { ...thing, etag: undefined }, 'Thing.etag: missing (Google sends one on Thing)'],
    ['an etag that is not quoted', { ...thing, etag: '1' }, 'Thing.etag: 1 is not a quoted entity tag'],
    ['a wrong value in a map', { ...thing, labels: { colour: 1 } }, 'Thing.labels.colour: expected a string, got 1'],
    ['a wrong item in an array', { ...thing, parts: [{ name: 'x', done: 'yes' }] }, 'Thing.parts[0].done: expected a boolean, got "yes"'],
  ])('reports %s', (_name, body, problem) => {
    expect(discovery.responseProblems('things.things.get', JSON.parse(JSON.stringify(body)))).toEqual([problem]);
  });

  it('asks neither kind nor etag of a request body, and no body of a method without a response', () => {
    expect(discovery.requestProblems('things.things.import', { id: 'a', state: 'closed' })).toEqual([]);
    expect(discovery.responseProblems('things.things.stop', '')).toEqual([]);
    expect(discovery.responseProblems('things.things.stop', { ok: true })).toEqual(['things.things.stop has no response body, got {"ok":true}']);
  });

  it('finds the method of a request by HTTP method and path, a literal segment before a parameter', () => {
    expect(discovery.methodAt('POST', 'things/import')?.id).toBe('things.things.import');
    expect(discovery.methodAt('GET', 'things/import')?.id).toBe('things.things.get');
    expect(discovery.methodAt('get', 'things')?.id).toBe('things.things.list');
    expect(discovery.methodAt('DELETE', 'things/a')).toBeUndefined();
    expect(discovery.methodAt('GET', 'things/a/parts')).toBeUndefined();
  });

  it("accepts the method's and the document's query parameters with values of their type", () => {
    const query = new URLSearchParams('maxResults=10&orderBy=updated&showDeleted=true&tag=a&tag=b&updatedMin=2030-01-01T00:00:00Z&alt=json');
    expect(discovery.queryProblems('things.things.list', query)).toEqual([]);
  });

  it('reports an unlisted parameter, a repeated one that is not repeatable, a missing required one and wrong values', () => {
    expect(discovery.queryProblems('things.things.list', new URLSearchParams('q=x&orderBy=name&orderBy=updated'))).toEqual([
      'q is not a query parameter of things.things.list',
      'orderBy is given 2 times but is not repeated in things.things.list',
    ]);
    expect(discovery.queryProblems('things.things.list', new URLSearchParams('maxResults=0&showDeleted=1&orderBy=size&alt=xml'))).toEqual([
      'things.things.list?maxResults: 0 is below 1',
      'things.things.list?showDeleted: 1 is not a boolean',
      'things.things.list?orderBy: "size" is not one of name, updated',
      'things.things.list?alt: "xml" is not one of json',
    ]);
    expect(discovery.queryProblems('things.things.stop', new URLSearchParams())).toEqual(['things.things.stop requires reason']);
  });
});
