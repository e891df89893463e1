// The pages' browser code bundled ahead (infra/build/client.ts): minified files named by their
// content, and the manifest the functions read.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { buildClient, CLIENT_ENTRIES } from '../../../infra/build/client';

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'client-build-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A client module that imports another, as the page's code does. */
function writeSources(greeting: string): string {
  writeFileSync(join(dir, 'words.ts'), `export function greet(name: string): string {\n  // a comment the minifier drops\n  return \`${greeting}, \${name}\`;\n}\n`);
  const entry = join(dir, 'entry.ts');
  writeFileSync(entry, `import { greet } from './words';\n(globalThis as unknown as { said: string }).said = greet('Ada');\n`);
  return entry;
}

describe('the client build', () => {
  it('names each bundle by a hash of its content, in a manifest: the same sources, the same name', async () => {
    const entries = { 'demo-page': writeSources('Hello') };
    const first = await buildClient({ entries, outDir: join(dir, 'out') });
    expect(first['demo-page']).toMatch(/^demo-page\.[0-9a-f]{16}\.js$/);
    expect(JSON.parse(readFileSync(join(dir, 'out', 'manifest.json'), 'utf8'))).toEqual(first);
    expect(await buildClient({ entries, outDir: join(dir, 'out') })).toEqual(first);
  });

  it('gives a changed source a new name, so no browser keeps the old code under it', async () => {
    const before = await buildClient({ entries: { 'demo-page': writeSources('Hello') }, outDir: join(dir, 'out') });
    const after = await buildClient({ entries: { 'demo-page': writeSources('Good morning') }, outDir: join(dir, 'out') });
    expect(after['demo-page']).not.toBe(before['demo-page']);
  });

  it('writes one minified, self-contained script that runs with its imports inlined', async () => {
    const manifest = await buildClient({ entries: { 'demo-page': writeSources('Hello') }, outDir: join(dir, 'out') });
    const code = readFileSync(join(dir, 'out', manifest['demo-page']!), 'utf8');
    expect(code).not.toContain('a comment the minifier drops');
    expect(code).not.toMatch(/\brequire\(|\bimport\b|\bexport\b/);
    const sandbox: { said?: string } = {};
    runInNewContext(code, Object.assign(sandbox, { globalThis: sandbox }));
    expect(sandbox.said).toBe('Hello, Ada');
  });

  it('runs with every `npm run build`, which is what Google\'s buildpack runs on deploy', () => {
    const { scripts } = JSON.parse(readFileSync(join(__dirname, '../../../package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(scripts.postbuild).toBe('tsx infra/build/client.ts');
  });

  it("bundles the booking page's own code", async () => {
    const manifest = await buildClient({ entries: CLIENT_ENTRIES, outDir: join(dir, 'out') });
    expect(Object.keys(manifest)).toEqual(['booking-page']);
    const code = readFileSync(join(dir, 'out', manifest['booking-page']!), 'utf8');
    expect(code).not.toMatch(/\brequire\(/);
    // The rule for UTC offsets the mail uses came along, luxon (which the page does not need) did not.
    expect(code).toContain('longOffset');
    expect(code).not.toContain('Luxon');
  });
});
