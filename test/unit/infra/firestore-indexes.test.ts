import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  indexesFileSchema,
  isListed,
  neededIndex,
  queriesInFolders,
  queriesInSource,
  serves,
  type IndexesFile,
  type NeededIndex,
  type Query,
} from '../../../infra/firestore/query-indexes';

const root = join(__dirname, '../../..');

/** The one query in a source text (failing if there is not exactly one, or it cannot be traced). */
function onlyQuery(text: string): Query {
  const { queries, unattributed } = queriesInSource('example.ts', text);
  expect(unattributed).toEqual([]);
  expect(queries).toHaveLength(1);
  return queries[0] as Query;
}

function needOf(text: string): NeededIndex | undefined {
  return neededIndex(onlyQuery(text));
}

describe('the query analyser', () => {
  it('an equality filter with a range on another field needs a composite index, equality field first', () => {
    expect(needOf(`db.collection('mailOutbox').where('status', '==', 'pending').where('nextAttemptAt', '<=', now).orderBy('nextAttemptAt').limit(10).get();`)).toEqual({
      collectionGroup: 'mailOutbox',
      queryScope: 'COLLECTION',
      fields: [
        { fieldPath: 'status', order: 'ASCENDING' },
        { fieldPath: 'nextAttemptAt', order: 'ASCENDING' },
      ],
      equalityCount: 1,
      required: true,
    });
  });

  it('an equality filter next to an orderBy on another field needs a composite index in that direction', () => {
    expect(needOf(`db.collection('slots').where('subscriberId', '==', id).orderBy('start', 'desc').get();`)?.fields).toEqual([
      { fieldPath: 'subscriberId', order: 'ASCENDING' },
      { fieldPath: 'start', order: 'DESCENDING' },
    ]);
  });

  it('two orderBy fields need a composite index with both, in query order', () => {
    const need = needOf(`db.collection('slots').orderBy('start').orderBy('end', 'desc').get();`);
    expect(need?.required).toBe(true);
    expect(need?.fields).toEqual([
      { fieldPath: 'start', order: 'ASCENDING' },
      { fieldPath: 'end', order: 'DESCENDING' },
    ]);
  });

  it('range filters on two fields need a composite index ordered by field name', () => {
    expect(needOf(`db.collection('slots').where('start', '>=', a).where('end', '<', b).get();`)?.fields).toEqual([
      { fieldPath: 'end', order: 'ASCENDING' },
      { fieldPath: 'start', order: 'ASCENDING' },
    ]);
  });

  it('array-contains with an order on another field needs a composite index with the array config', () => {
    expect(needOf(`db.collection('hosts').where('tags', 'array-contains', 'x').orderBy('name').get();`)?.fields).toEqual([
      { fieldPath: 'tags', arrayConfig: 'CONTAINS' },
      { fieldPath: 'name', order: 'ASCENDING' },
    ]);
  });

  it('equality filters alone are served by merged single-field indexes: a composite is optional', () => {
    const need = needOf(`db.collection('slots').where('subscriberId', '==', id).where('status', 'in', ['requested', 'booked']).get();`);
    expect(need?.required).toBe(false);
  });

  it('one field, a range with its own orderBy, or paging by document name needs no index of ours', () => {
    expect(needOf(`db.collection('c').where('subscriberId', '==', id).get();`)).toBeUndefined();
    expect(needOf(`db.collection('c').where('expiration', '<', t).orderBy('expiration').orderBy('__name__').limit(5).startAfter(x, y).get();`)).toBeUndefined();
    expect(needOf(`db.collection('c').where(FieldPath.documentId(), '>=', a).where(FieldPath.documentId(), '<', b).select().get();`)).toBeUndefined();
    expect(needOf(`db.collection('c').where('status', '==', 'x').orderBy('status').get();`)).toBeUndefined();
  });

  it('a document-name order against the direction of the field before it needs it in the index', () => {
    expect(needOf(`db.collection('c').orderBy('expiration', 'desc').orderBy(FieldPath.documentId()).get();`)?.fields).toEqual([
      { fieldPath: 'expiration', order: 'DESCENDING' },
      { fieldPath: '__name__', order: 'ASCENDING' },
    ]);
  });

  it('a collection-group query needs an index even on one field (group scope has none by default)', () => {
    expect(needOf(`db.collectionGroup('events').where('calendarId', '==', id).get();`)).toEqual({
      collectionGroup: 'events',
      queryScope: 'COLLECTION_GROUP',
      fields: [{ fieldPath: 'calendarId', order: 'ASCENDING' }],
      equalityCount: 1,
      required: true,
    });
  });

  it('finds the collection behind a getter, a field set in the constructor, a path and a variable', () => {
    const viaGetter = `class A { constructor(private db: Firestore) {}
      private get collection() { return this.db.collection('subscribers'); }
      find() { return this.collection.where('email', '==', e).orderBy('name').get(); } }`;
    const viaConstructor = `class B { private readonly collection: CollectionReference;
      constructor(db: Firestore) { this.collection = db.collection('mailOutbox'); }
      due() { return this.collection.where('status', '==', 'pending').orderBy('nextAttemptAt').get(); } }`;
    const viaPath = `db.collection('subscribers/olga/notes').where('a', '==', 1).orderBy('b').get();`;
    const viaVariable = `const CHANNELS = 'googleCalendarChannels';
      function f() { const channels = db.collection(CHANNELS); return channels.where('a', '==', 1).orderBy('b').get(); }`;
    expect(onlyQuery(viaGetter)).toMatchObject({ collection: 'subscribers', scope: 'COLLECTION' });
    expect(onlyQuery(viaConstructor)).toMatchObject({ collection: 'mailOutbox' });
    expect(onlyQuery(viaPath)).toMatchObject({ collection: 'notes' });
    expect(onlyQuery(viaVariable)).toMatchObject({ collection: 'googleCalendarChannels' });
  });

  it('a query refined later is checked with its refinements together', () => {
    const { queries } = queriesInSource(
      'example.ts',
      `function f(host?: string) {
        let query = db.collection('slots').orderBy('start');
        if (host) query = query.where('subscriberId', '==', host);
        return query.get();
      }`,
    );
    const refined = queries.find((q) => q.at === 'example.ts:3');
    expect(refined && neededIndex(refined)?.fields).toEqual([
      { fieldPath: 'subscriberId', order: 'ASCENDING' },
      { fieldPath: 'start', order: 'ASCENDING' },
    ]);
  });

  it('a query it cannot trace to a collection, or with fields that are not literals, is reported with its place', () => {
    const { queries, unattributed } = queriesInSource(
      'shared/narrow.ts',
      `export function narrow(query: Query) {
        return query.where('status', '==', 'pending');
      }
      export function byField(field: string) {
        return db.collection('slots').orderBy(field);
      }
      export function anyOf() {
        return db.collection('slots').where(Filter.or(Filter.where('a', '==', 1), Filter.where('b', '==', 2)));
      }`,
    );
    expect(queries).toEqual([]);
    expect(unattributed.map((u) => u.at)).toEqual(['shared/narrow.ts:2', 'shared/narrow.ts:5', 'shared/narrow.ts:8']);
    expect(unattributed[0]?.reason).toMatch(/`query` is a parameter/);
    expect(unattributed[1]?.reason).toMatch(/`field` is not a literal/);
    expect(unattributed[2]?.reason).toMatch(/composite filters/);
  });
});

describe('matching a needed index with the listed ones', () => {
  const need: NeededIndex = {
    collectionGroup: 'mailOutbox',
    queryScope: 'COLLECTION',
    fields: [
      { fieldPath: 'status', order: 'ASCENDING' },
      { fieldPath: 'nextAttemptAt', order: 'ASCENDING' },
    ],
    equalityCount: 1,
    required: true,
  };

  it('the same fields serve, with either direction on the equality field and the document name spelled out', () => {
    expect(serves(need, { collectionGroup: 'mailOutbox', queryScope: 'COLLECTION', fields: need.fields })).toBe(true);
    expect(
      serves(need, {
        collectionGroup: 'mailOutbox',
        queryScope: 'COLLECTION',
        fields: [{ fieldPath: 'status', order: 'DESCENDING' }, { fieldPath: 'nextAttemptAt', order: 'ASCENDING' }, { fieldPath: '__name__', order: 'ASCENDING' }],
      }),
    ).toBe(true);
  });

  it('fields in another order, another order direction, scope or collection do not serve', () => {
    const [status, next] = need.fields as [NeededIndex['fields'][0], NeededIndex['fields'][0]];
    expect(serves(need, { collectionGroup: 'mailOutbox', queryScope: 'COLLECTION', fields: [next, status] })).toBe(false);
    expect(serves(need, { collectionGroup: 'mailOutbox', queryScope: 'COLLECTION', fields: [status, { ...next, order: 'DESCENDING' }] })).toBe(false);
    expect(serves(need, { collectionGroup: 'mailOutbox', queryScope: 'COLLECTION_GROUP', fields: need.fields })).toBe(false);
    expect(serves(need, { collectionGroup: 'slots', queryScope: 'COLLECTION', fields: need.fields })).toBe(false);
  });

  it('a one-field collection-group need is met by a field override in group scope', () => {
    const groupNeed = needOf(`db.collectionGroup('events').where('calendarId', '==', id).get();`) as NeededIndex;
    const file = (scope: 'COLLECTION' | 'COLLECTION_GROUP'): IndexesFile => ({
      indexes: [],
      fieldOverrides: [{ collectionGroup: 'events', fieldPath: 'calendarId', indexes: [{ queryScope: scope, order: 'DESCENDING' }] }],
    });
    expect(isListed(groupNeed, file('COLLECTION_GROUP'))).toBe(true);
    expect(isListed(groupNeed, file('COLLECTION'))).toBe(false);
  });
});

describe('infra/firestore/firestore.indexes.json against the code', () => {
  const file = indexesFileSchema.parse(JSON.parse(readFileSync(join(root, 'infra/firestore/firestore.indexes.json'), 'utf8')));
  const { queries, unattributed } = queriesInFolders(root, ['shared', 'functions', 'infra/ops']);
  const needs = queries.map((query) => ({ query, need: neededIndex(query) }));

  it('finds the queries of the code (the analyser is looking at the right files)', () => {
    expect(queries.some((q) => q.collection === 'mailOutbox')).toBe(true);
  });

  it('traces every .where and .orderBy in shared/, functions/ and infra/ops/ to a collection', () => {
    expect(unattributed.map((u) => `${u.at}: ${u.reason} (write the query so its collection and fields can be read, see infra/firestore/query-indexes.ts)`)).toEqual([]);
  });

  it('lists every composite index a query needs', () => {
    const missing = needs
      .filter(({ need }) => need?.required && !isListed(need, file))
      .map(({ query, need }) => `${query.at} (${query.collection}) needs, in infra/firestore/firestore.indexes.json: ${JSON.stringify({ collectionGroup: need?.collectionGroup, queryScope: need?.queryScope, fields: need?.fields })}`);
    expect(missing).toEqual([]);
  });

  it('lists no composite index that no query uses (each costs storage and a write per document)', () => {
    const unused = file.indexes
      .filter((index) => !needs.some(({ need }) => need && serves(need, index)))
      .map((index) => `unused: ${JSON.stringify(index)}`);
    expect(unused).toEqual([]);
  });
});
