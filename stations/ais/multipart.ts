// Reassembly of multi-sentence AIS messages, keyed by (source, channel, sequence id) so that
// interleaved messages (two type 5s, the same sequence id on the other channel or from another
// receiver) stay apart. Nothing is dropped silently: every fragment that is not part of a completed
// message comes back once, in `rejected` or in a `Dropped` with its reason.

export interface Fragment {
  /** Number of sentences in the message (1-9) and this one's place (1-based). */
  total: number;
  num: number;
  payload: string;
  fill: number;
  /** The line as received, for dead letters. */
  raw: string;
  /** When it was received, epoch ms (the TTL runs on this clock). */
  at: number;
  /** Tag block time, epoch ms, if the line had one. */
  tagTime?: number;
}

export interface FragmentKey {
  source: string;
  channel: string;
  seqId: string;
}

export interface Assembled {
  payload: string;
  /** The last fragment's fill bits. */
  fill: number;
  /** In message order. */
  fragments: Fragment[];
}

export interface Dropped {
  reason: string;
  /** In arrival order. */
  fragments: Fragment[];
}

/** Neither `complete` nor `rejected`: the fragment is held until its message is complete or expires. */
export interface AddResult {
  complete?: Assembled;
  /** This fragment was not held (a duplicate), and why. */
  rejected?: string;
  /** Older incomplete messages this fragment pushed out. */
  dropped: Dropped[];
}

interface Pending {
  total: number;
  firstAt: number;
  parts: Map<number, Fragment>;
}

export interface ReassemblerOptions {
  /** How long the first fragment waits for the rest, ms (default 10 s). */
  ttlMs?: number;
  /** Bound on messages in flight; the oldest goes first (default 10,000, far above a county's traffic). */
  maxPending?: number;
}

export class Reassembler {
  readonly ttlMs: number;
  private readonly maxPending: number;
  // Insertion order is age order, which is what eviction wants.
  private readonly pending = new Map<string, Pending>();

  constructor(opts: ReassemblerOptions = {}) {
    this.ttlMs = opts.ttlMs ?? 10_000;
    this.maxPending = opts.maxPending ?? 10_000;
  }

  /** Messages in flight. */
  get size(): number {
    return this.pending.size;
  }

  add(key: FragmentKey, frag: Fragment): AddResult {
    const k = JSON.stringify([key.source, key.channel, key.seqId]);
    const dropped: Dropped[] = [];
    let p = this.pending.get(k);
    const drop = (reason: string): void => {
      this.pending.delete(k);
      if (p) dropped.push({ reason: `${describe(p)} ${reason}`, fragments: arrival(p) });
      p = undefined;
    };

    // expire() may not have run yet: a stale part 1 must not be joined to a new part 2.
    if (p && frag.at - p.firstAt > this.ttlMs) drop(`expired: nothing completed it within ${this.ttlMs} ms`);
    if (p && p.total !== frag.total) drop(`replaced: a fragment of a ${frag.total}-sentence message came with the same sequence id`);
    if (p && frag.num === 1 && p.parts.has(1)) drop('replaced: a new part 1 came with the same sequence id');
    const held = p?.parts.get(frag.num);
    if (p && held) {
      if (held.payload === frag.payload && held.fill === frag.fill) {
        return { rejected: `duplicate of fragment ${frag.num} of ${frag.total} already held; ignored`, dropped };
      }
      drop(`replaced: a different fragment ${frag.num} came with the same sequence id`);
    }

    if (!p) {
      if (this.pending.size >= this.maxPending) this.evictOldest(dropped);
      p = { total: frag.total, firstAt: frag.at, parts: new Map() };
      this.pending.set(k, p);
    }
    p.parts.set(frag.num, frag);
    if (p.parts.size < p.total) return { dropped };

    this.pending.delete(k);
    const fragments = [...p.parts.values()].sort((a, b) => a.num - b.num);
    return { complete: { payload: fragments.map((x) => x.payload).join(''), fill: fragments.at(-1)!.fill, fragments }, dropped };
  }

  /** Incomplete messages whose first fragment is more than the TTL older than `now`. */
  expire(now: number): Dropped[] {
    const out: Dropped[] = [];
    for (const [k, p] of this.pending) {
      if (now - p.firstAt > this.ttlMs) {
        this.pending.delete(k);
        out.push({ reason: `${describe(p)} expired: nothing completed it within ${this.ttlMs} ms`, fragments: arrival(p) });
      }
    }
    return out;
  }

  private evictOldest(dropped: Dropped[]): void {
    const first = this.pending.entries().next();
    if (first.done) return;
    const [k, p] = first.value;
    this.pending.delete(k);
    dropped.push({ reason: `${describe(p)} dropped: more than ${this.maxPending} messages in flight`, fragments: arrival(p) });
  }
}

function describe(p: Pending): string {
  const have = [...p.parts.keys()].sort((a, b) => a - b);
  return `incomplete ${p.total}-sentence message (had ${have.length === 1 ? 'part' : 'parts'} ${have.join(', ')})`;
}

function arrival(p: Pending): Fragment[] {
  return [...p.parts.values()];
}
