// A document written with `expireAt` is meant to be deleted by a Firestore TTL policy; without the
// policy it stays for ever (one `upkeepCalls/{minute}` document a minute, one `opsMetrics` a
// minute). firebase-tools deploys the policies with the indexes (infra/firestore/firestore.indexes.json).
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = join(__dirname, '../../..');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

const overrides = (JSON.parse(readFileSync(join(root, 'infra/firestore/firestore.indexes.json'), 'utf8')) as {
  fieldOverrides: { collectionGroup: string; fieldPath: string; ttl?: boolean }[];
}).fieldOverrides;
const withTtl = new Set(overrides.filter((o) => o.ttl && o.fieldPath === 'expireAt').map((o) => o.collectionGroup));

it('every module that writes expireAt names a collection with a TTL policy on it', () => {
  const writers = [...sources(join(root, 'shared')), ...sources(join(root, 'functions'))].filter((file) => /\bexpireAt\s*:/.test(readFileSync(file, 'utf8')));
  // The four known writers at least (the scan itself works).
  expect(writers.length).toBeGreaterThanOrEqual(4);
  const missing = writers.flatMap((file) => {
    const collections = [...readFileSync(file, 'utf8').matchAll(/\.collection\('(\w+)'\)/g)].map((match) => match[1]!);
    return collections.some((name) => withTtl.has(name)) ? [] : [`${relative(root, file)} (${collections.join(', ') || 'no collection named'})`];
  });
  expect(missing).toEqual([]);
});
