// The pushes of one channel that reach this instance together share one round of writes: the
// message number and the lease (or the dirty mark) are written once for all of them, not once
// each. Firestore writes one document one write at a time (DESIGN: contention; the emulator queues
// the writes of a document behind one lock), so under a flood a write per push queued on the
// channel and the watch faster than it drained, and the calendar's own sync, whose transactions
// on the watch waited in the same queue, ran out of time: no change was applied for a minute.
//
// Not a lock: which request syncs is still decided in Firestore (the lease), across instances.
// An instance only stops sending the same write many times at once. At most one round per
// channel is writing and one is gathering; a push joins the gathering round, which starts when
// the writing one has ended. A push never joins a round that has begun, so the round's writes,
// and the sync it may start, come after the push arrived: the sync lists the push's change.

export interface RoundResult<T> {
  result: T;
  /** This push opened the round: its `write` ran (the others' did not). */
  opened: boolean;
}

interface Gathering<In, Out> {
  inputs: In[];
  done?: Promise<Out>;
}

export class PushRounds<In, Out> {
  private readonly gathering = new Map<string, Gathering<In, Out>>();
  private readonly writing = new Map<string, Promise<unknown>>();

  /** Joins the channel's gathering round with `input`, or opens one that will run `write` over every input it gathered. */
  async join(key: string, input: In, write: (inputs: readonly In[]) => Promise<Out>): Promise<RoundResult<Out>> {
    const open = this.gathering.get(key);
    if (open?.done) {
      open.inputs.push(input);
      return { result: await open.done, opened: false };
    }
    const round: Gathering<In, Out> = { inputs: [input] };
    this.gathering.set(key, round);
    round.done = this.run(key, round, this.writing.get(key), write);
    return { result: await round.done, opened: true };
  }

  /** Rounds gathering or writing: none once every push has been answered. */
  get size(): number {
    return this.gathering.size + this.writing.size;
  }

  private async run(key: string, round: Gathering<In, Out>, previous: Promise<unknown> | undefined, write: (inputs: readonly In[]) => Promise<Out>): Promise<Out> {
    // The round before failed for its own pushes (they are answered with its error): ours still writes.
    await previous?.catch(() => undefined);
    this.gathering.delete(key);
    const writing = write(round.inputs);
    this.writing.set(key, writing);
    try {
      return await writing;
    } finally {
      if (this.writing.get(key) === writing) this.writing.delete(key);
    }
  }
}
