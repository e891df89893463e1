// How many booking requests wait for a host's answer (`slots` with status `requested`), for the
// abuse limits. Aggregation queries: Firestore counts index entries without reading documents.
import type { Firestore } from '@google-cloud/firestore';

export class PendingRequests {
  constructor(private readonly db: Firestore) {}

  /** Requests waiting for this host's answer. */
  async ofHost(subscriberId: string): Promise<number> {
    const counted = await this.db.collection('slots').where('subscriberId', '==', subscriberId).where('status', '==', 'requested').count().get();
    return counted.data().count;
  }

  /** Requests of one guest address waiting for this host's answer. */
  async ofGuest(subscriberId: string, guestEmail: string): Promise<number> {
    const counted = await this.db
      .collection('slots')
      .where('subscriberId', '==', subscriberId)
      .where('status', '==', 'requested')
      .where('guest.email', '==', guestEmail)
      .count()
      .get();
    return counted.data().count;
  }
}
