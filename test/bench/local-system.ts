// Benchmarks run outside jest, so they start their own Firestore emulator around the system.
import { startFirestoreEmulator } from '../../infra/local/firestore-emulator';
import { freePort } from '../../infra/local/ports';
import { startSystem, type TestSystem } from '../support/system';

export async function withLocalSystem<T>(env: Record<string, string>, body: (sys: TestSystem) => Promise<T>): Promise<T> {
  const firestore = await startFirestoreEmulator({ port: await freePort() });
  process.env.FIRESTORE_EMULATOR_HOST = firestore.host;
  process.env.METADATA_SERVER_DETECTION = 'none';
  try {
    const sys = await startSystem(env);
    try {
      return await body(sys);
    } finally {
      await sys.close();
    }
  } finally {
    await firestore.stop();
  }
}
