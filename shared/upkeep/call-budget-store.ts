// `upkeepCalls/{windowStart}`: the Calendar calls every run of the project reserved in one window
// (./call-budget). A transaction reads and raises the count, so the shards' runs together never
// pass the limit (an increment alone could). `expireAt` lets a Firestore TTL policy delete the
// documents a day later; without one they are small and few (one a minute of running).
import type { Firestore } from '@google-cloud/firestore';
import { grantable, type Reserve } from './call-budget';

const DAY_MS = 86_400_000;

export function firestoreReserve(db: Firestore, limit: number): Reserve {
  return (window, wanted) =>
    db.runTransaction(async (tx) => {
      const ref = db.collection('upkeepCalls').doc(new Date(window).toISOString());
      const snap = await tx.get(ref);
      const reserved = snap.exists ? Number(snap.get('reserved')) : 0;
      const granted = grantable(reserved, limit, wanted);
      if (granted > 0) tx.set(ref, { reserved: reserved + granted, limit, expireAt: new Date(window + DAY_MS) });
      return granted;
    });
}
