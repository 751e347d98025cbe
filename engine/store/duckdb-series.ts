// The embedded store's series table: each (series key, unit, source) is numbered once, and reading
// rows carry the number instead of four strings (writing those strings was most of a commit's cost).
import { seriesKey, type Observation } from '../observation.ts';

export interface SeriesRow {
  id: number;
  key: string;
  unit: string | undefined;
  source: string | undefined;
}

interface Entry {
  domain: string;
  unit: string | undefined;
  source: string | undefined;
  id: number;
}

/**
 * Numbers by station, then metric: looking a reading up builds no string. Numbers handed out since
 * the last `settle` are pending: a commit that fails takes them back (`forget`), since their rows in
 * the series table went with its transaction.
 */
export class SeriesNumbers {
  private readonly byStation = new Map<string, Map<string, Entry[]>>();
  private next = 0;
  private pending: { row: SeriesRow; list: Entry[] }[] = [];

  constructor(rows: readonly SeriesRow[]) {
    for (const row of rows) {
      const [, station = '', metric = ''] = row.key.split('.');
      this.entries(station, metric).push(this.entryOf(row));
      this.next = Math.max(this.next, row.id + 1);
    }
  }

  /** The number of a reading's series, given a new one if none has it yet. */
  idOf(o: Observation): number {
    const list = this.entries(o.station, o.metric);
    for (const e of list) if (e.domain === o.domain && e.unit === o.unit && e.source === o.source) return e.id;
    const row: SeriesRow = { id: this.next++, key: seriesKey(o), unit: o.unit, source: o.source };
    list.push(this.entryOf(row));
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

  private entries(station: string, metric: string): Entry[] {
    let metrics = this.byStation.get(station);
    if (!metrics) this.byStation.set(station, (metrics = new Map<string, Entry[]>()));
    let list = metrics.get(metric);
    if (!list) metrics.set(metric, (list = []));
    return list;
  }

  private entryOf(row: SeriesRow): Entry {
    return { domain: row.key.slice(0, row.key.indexOf('.')), unit: row.unit, source: row.source, id: row.id };
  }
}
