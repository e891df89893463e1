import { testFirestore } from '../../support/firestore';

describe('the Firestore emulator started by the test run', () => {
  const { db, clear } = testFirestore();
  afterAll(() => db.terminate());

  it('stores and reads back a document over the real client', async () => {
    await db.doc('probe/one').set({ value: 42 });
    const snap = await db.doc('probe/one').get();
    expect(snap.data()).toEqual({ value: 42 });
  });

  it('create() refuses a document that already exists', async () => {
    await db.doc('probe/two').create({ n: 1 });
    await expect(db.doc('probe/two').create({ n: 2 })).rejects.toMatchObject({ code: 6 });
  });

  it('clearing the project removes its documents', async () => {
    await db.doc('probe/three').set({ n: 3 });
    await clear();
    expect((await db.doc('probe/three').get()).exists).toBe(false);
  });
});
