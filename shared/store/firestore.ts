// One Firestore client per instance (module scope, made on first use). The client finds the
// emulator by itself through FIRESTORE_EMULATOR_HOST.
import { Firestore, Timestamp } from '@google-cloud/firestore';
import { config } from '../config';

let client: Firestore | undefined;

export function firestore(): Firestore {
  client ??= new Firestore({ projectId: config().projectId, ignoreUndefinedProperties: true });
  return client;
}

/** Firestore hands back Timestamps; the domain works with Dates. Converts a document's tree. */
export function withDates(value: unknown): unknown {
  if (value instanceof Timestamp) return value.toDate();
  if (Array.isArray(value)) return value.map(withDates);
  if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withDates(v)]));
  }
  return value;
}

/** gRPC codes Firestore answers a lost race with. */
const ALREADY_EXISTS = 6;
const FAILED_PRECONDITION = 9;

/** create() met a document that is there. */
export function isAlreadyExists(error: unknown): boolean {
  return (error as { code?: unknown }).code === ALREADY_EXISTS;
}

/** A write conditioned on `lastUpdateTime` met a document that changed since it was read. */
export function isChangedSinceRead(error: unknown): boolean {
  return (error as { code?: unknown }).code === FAILED_PRECONDITION;
}
