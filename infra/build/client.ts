// The browser code of our pages, bundled ahead of time: esbuild turns each client module (and what
// it imports) into one minified file named by a hash of its content, and writes a manifest from
// entry name to file name. The functions read the manifest once and serve the files with a
// year-long cache lifetime: a change of the code is a new name, so no browser keeps a stale copy.
// Run by `npm run build` (deploy: Google's buildpack runs it), before `npm start` serves, and in
// jest's global setup. Nothing is bundled at request time: a cold start only reads two files.
import { createHash } from 'node:crypto';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { CLIENT_MANIFEST, clientAssetsDir, type ClientManifest } from '../../functions/pages/client-assets';

/** Each bundle's name and the client module it starts from. */
export const CLIENT_ENTRIES: Record<string, string> = {
  'booking-page': resolve(__dirname, '../../functions/booking/client/booking-page.ts'),
};

export interface ClientBuildOptions {
  entries?: Record<string, string>;
  outDir?: string;
}

/** Written beside, then renamed over: a reader (another test run, a serving function) never sees half a file. */
function writeAtomically(path: string, content: string | Uint8Array): void {
  const temporary = `${path}.${process.pid}.${Date.now()}.tmp`;
  writeFileSync(temporary, content);
  renameSync(temporary, path);
}

/** Bundles every entry into `outDir` and writes its manifest; the same sources give the same names. */
export async function buildClient({ entries = CLIENT_ENTRIES, outDir = clientAssetsDir() }: ClientBuildOptions = {}): Promise<ClientManifest> {
  mkdirSync(outDir, { recursive: true });
  const manifest: ClientManifest = {};
  for (const [name, entry] of Object.entries(entries)) {
    const result = await build({
      entryPoints: [entry],
      bundle: true,
      minify: true,
      format: 'iife',
      platform: 'browser',
      // Browsers with Intl.supportedValuesOf and Array.prototype.toSorted (2023 on).
      target: ['es2022'],
      charset: 'utf8',
      legalComments: 'none',
      write: false,
      logLevel: 'silent',
    });
    const [output] = result.outputFiles;
    if (!output) throw new Error(`esbuild wrote nothing for ${entry}`);
    const hash = createHash('sha256').update(output.contents).digest('hex').slice(0, 16);
    const file = `${name}.${hash}.js`;
    writeAtomically(join(outDir, file), output.contents);
    manifest[name] = file;
  }
  writeAtomically(join(outDir, CLIENT_MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

if (require.main === module) {
  buildClient()
    .then((manifest) => console.log(`Client bundles in ${clientAssetsDir()}: ${Object.values(manifest).join(', ')}`))
    .catch((error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exit(1);
    });
}
