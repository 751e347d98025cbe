// Turning batches into rows and rows back into values, the same way in every store adapter.
import type { Observation, Quality } from '../observation.ts';

/** The last of each key: a later row in the same batch is the newer one. */
export const lastByKey = <T>(items: readonly T[], key: (t: T) => string): T[] => [...new Map(items.map((t) => [key(t), t])).values()];

/** Order rows by key as DuckDB's ORDER BY does for ASCII keys. */
export const byKey = (a: { key: string }, b: { key: string }): number => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

/** JSON of a state; `undefined` (which JSON.stringify drops) is kept as null. Throws a TypeError on a BigInt. */
export const json = (value: unknown): string => JSON.stringify(value) ?? 'null';

const present = (v: unknown): boolean => v !== null && v !== undefined;

/** An observation from a stored row (columns named as the Observation's fields; absent ones null), at `ts` epoch ms. */
export function observationOf(r: Record<string, unknown>, ts: number): Observation {
  const o: Observation = { domain: String(r.domain), station: String(r.station), metric: String(r.metric), ts, quality: r.quality as Quality };
  if (present(r.value)) o.value = Number(r.value);
  if (present(r.lon) && present(r.lat)) {
    o.position = { lon: Number(r.lon), lat: Number(r.lat) };
    if (present(r.speed)) o.position.speed = Number(r.speed);
    if (present(r.course)) o.position.course = Number(r.course);
  }
  if (present(r.unit)) o.unit = String(r.unit);
  if (present(r.source)) o.source = String(r.source);
  return o;
}
