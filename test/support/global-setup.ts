// Jest global setup: one real Firestore emulator for the whole run. Workers inherit
// FIRESTORE_EMULATOR_HOST; each test file isolates itself with its own project id. And the pages'
// browser code, bundled from the sources as they are now, as `npm run build` does for deploy.
import { buildClient } from '../../infra/build/client';
import { startFirestoreEmulator } from '../../infra/local/firestore-emulator';
import { freePort } from '../../infra/local/ports';

export default async function globalSetup(): Promise<void> {
  await buildClient();
  const emulator = await startFirestoreEmulator({ port: await freePort() });
  process.env.FIRESTORE_EMULATOR_HOST = emulator.host;
  // No Google metadata server here: stop the client libraries from probing for one.
  process.env.METADATA_SERVER_DETECTION = 'none';
  (globalThis as { __firestoreEmulator?: typeof emulator }).__firestoreEmulator = emulator;
}
