// The pages' browser code as built ahead by infra/build/client.ts: one file per bundle in
// dist-client/, named by its content's hash, and a manifest from bundle name to file name. Read
// once per instance, on first use (not at import: the booking API needs none of it), and kept in
// memory: the files are small and never change while an instance lives.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { z } from 'zod';

export const CLIENT_MANIFEST = 'manifest.json';

/** Bundle name → file name, e.g. `{"booking-page": "booking-page.0123456789abcdef.js"}`. */
const clientManifest = z.record(z.string(), z.string().regex(/^[a-z0-9-]+\.[0-9a-f]{16}\.js$/));
export type ClientManifest = z.infer<typeof clientManifest>;

/** A year, and `immutable`: a file's name changes with its content, so a cached copy is never stale. */
export const ASSET_CACHE_CONTROL = 'public, max-age=31536000, immutable';

/** The bundles were not built, or not the one asked for: a page without its code would be broken, so none is served. */
export class ClientBundleMissing extends Error {
  constructor(detail: string) {
    super(`${detail}. Build the pages' browser code first: npm run build (or npx tsx infra/build/client.ts).`);
    this.name = 'ClientBundleMissing';
  }
}

/**
 * dist-client/ at the project's root, found from this module: the same folder whether it runs as
 * TypeScript (functions/pages/) or compiled (dist/functions/pages/, as deployed).
 */
export function clientAssetsDir(): string {
  for (let dir = __dirname; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return join(dir, 'dist-client');
    if (dirname(dir) === dir) throw new ClientBundleMissing(`No package.json above ${__dirname} to find dist-client/ from`);
  }
}

export class ClientAssets {
  private manifest: ClientManifest | undefined;
  private readonly files = new Map<string, Buffer>();

  constructor(private readonly dir: string) {}

  /** The file name of a bundle; throws ClientBundleMissing when it was not built. */
  fileOf(bundle: string): string {
    const file = this.manifestOf()[bundle];
    if (!file) throw new ClientBundleMissing(`The bundle "${bundle}" is not in ${join(this.dir, CLIENT_MANIFEST)}`);
    return file;
  }

  /** A built file's content, or undefined for any name the manifest does not list (so no path leaves the folder). */
  content(file: string): Buffer | undefined {
    if (!Object.values(this.manifestOf()).includes(file)) return undefined;
    let body = this.files.get(file);
    if (!body) {
      const path = join(this.dir, file);
      if (!existsSync(path)) throw new ClientBundleMissing(`${path} is listed in the manifest but missing`);
      body = readFileSync(path);
      this.files.set(file, body);
    }
    return body;
  }

  private manifestOf(): ClientManifest {
    if (!this.manifest) {
      const path = join(this.dir, CLIENT_MANIFEST);
      if (!existsSync(path)) throw new ClientBundleMissing(`${path} does not exist`);
      this.manifest = clientManifest.parse(JSON.parse(readFileSync(path, 'utf8')));
    }
    return this.manifest;
  }
}

let shared: ClientAssets | undefined;

/** This instance's bundles, from dist-client/. */
export function clientAssets(): ClientAssets {
  shared ??= new ClientAssets(clientAssetsDir());
  return shared;
}
