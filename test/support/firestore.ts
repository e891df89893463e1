// Each test file gets a Firestore client on its own emulator project, so files never see each
// other's documents and can run side by side.
import { randomUUID } from 'node:crypto';
import { Firestore } from '@google-cloud/firestore';
import { clearFirestore } from '../../infra/local/firestore-emulator';

export function emulatorHost(): string {
  const host = process.env.FIRESTORE_EMULATOR_HOST;
  if (!host) throw new Error('FIRESTORE_EMULATOR_HOST is not set: run the tests with jest (its global setup starts the emulator)');
  return host;
}

export function testFirestore(): { db: Firestore; projectId: string; clear(): Promise<void> } {
  const host = emulatorHost();
  const projectId = `test-${randomUUID().slice(0, 8)}`;
  const db = new Firestore({ projectId, host, ssl: false, customHeaders: { Authorization: 'Bearer owner' } });
  return { db, projectId, clear: () => clearFirestore(host, projectId) };
}
