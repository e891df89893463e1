// Benchmarks run outside jest, so they start their own Firestore emulator around the system.
// Both are registered with stop-on-exit: a Ctrl-C or a crash mid-bench leaves no Java behind.
import { startFirestoreEmulator } from '../../infra/local/firestore-emulator';
import { freePort } from '../../infra/local/ports';
import { startSystem, type TestSystem } from '../support/system';
import { stopOnExit } from './stop-on-exit';

export async function withLocalSystem<T>(env: Record<string, string>, body: (sys: TestSystem) => Promise<T>): Promise<T> {
  const firestore = await startFirestoreEmulator({ port: await freePort() });
  const forgetFirestore = stopOnExit(() => firestore.stop(), firestore.pid);
  // So a run can be checked afterwards (`ps -p PID`): nothing it started is left.
  console.error(`bench: Firestore emulator pid ${firestore.pid} on ${firestore.host}`);
  process.env.FIRESTORE_EMULATOR_HOST = firestore.host;
  process.env.METADATA_SERVER_DETECTION = 'none';
  try {
    const sys = await startSystem(env);
    const forgetSystem = stopOnExit(() => sys.close());
    try {
      return await body(sys);
    } finally {
      forgetSystem();
      await sys.close();
    }
  } finally {
    forgetFirestore();
    await firestore.stop();
  }
}
