// Used by .ci/run before the tests: can this machine start the Firestore emulator? Says why not.
import { startFirestoreEmulator } from './firestore-emulator';
import { freePort } from './ports';

async function main(): Promise<void> {
  const started = Date.now();
  const emulator = await startFirestoreEmulator({ port: await freePort() });
  await emulator.stop();
  console.log(`Firestore emulator: started and stopped in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

main().catch((error: unknown) => {
  console.error(`Firestore emulator: cannot start. ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
