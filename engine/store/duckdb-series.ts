// The embedded store's series table: each (series key, unit, source) is numbered once, and reading
// rows carry the number instead of four strings (writing those strings was most of a commit's cost).
import type { Observation } from '../observation.ts';

export interface SeriesRow {
  id: number;
  key: string;
  unit: string | undefined;
  source: string | undefined;
}

interface Entry {
  unit: string | undefined;
  source: string | undefined;
  id: number;
}

/**
 * Numbers by series key, then unit and source. The engine passes each reading's key, one string
 * kept per series, so a lookup builds no string and hashes none: one lookup, where looking up the
 * station and then the metric took ~0.5 µs a reading in the engine's run (its caches shared with
 * the decoder and the rules). Numbers handed out since the last `settle` are pending: a commit that
 * fails takes them back (`forget`), since their rows in the series table went with its transaction.
 */
export class SeriesNumbers {
  private readonly byKey = new Map<string, Entry[]>();
  private next = 0;
  private pending: { row: SeriesRow; list: Entry[] }[] = [];

  constructor(rows: readonly SeriesRow[]) {
    for (const row of rows) {
      this.entries(row.key).push(entryOf(row));
      this.next = Math.max(this.next, row.id + 1);
    }
  }

  /** The number of a reading's series (`key` is its series key), given a new one if none has it yet. */
  idOf(o: Observation, key: string): number {
    const list = this.entries(key);
    for (const e of list) if (e.unit === o.unit && e.source === o.source) return e.id;
    const row: SeriesRow = { id: this.next++, key, unit: o.unit, source: o.source };
    list.push(entryOf(row));
    this.pending.push({ row, list });
    return row.id;
  }

  /** Series numbered since the last settle or forget: rows for the series table. */
  get added(): readonly SeriesRow[] {
    return this.pending.map((p) => p.row);
  }

  /** The added series are stored. */
  settle(): void {
    this.pending = [];
  }

  /** The added series were not stored: their numbers are free again. */
  forget(): void {
    for (const { row, list } of this.pending) list.splice(list.findIndex((e) => e.id === row.id), 1);
    if (this.pending.length > 0) this.next = this.pending[0]!.row.id;
    this.pending = [];
  }

  private entries(key: string): Entry[] {
    let list = this.byKey.get(key);
    if (!list) this.byKey.set(key, (list = []));
    return list;
  }
}

const entryOf = (row: SeriesRow): Entry => ({ unit: row.unit, source: row.source, id: row.id });
