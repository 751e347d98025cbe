// CAP dates: local time with its offset, to the second. The CAP 1.2 schema's pattern has no "Z"
// and no fractions, and a reader in China expects +08:00.

/** `2026-07-28T14:05:00+08:00` for epoch `ms` at `offsetMinutes` east of UTC (fractions of a second dropped). */
export function capDate(ms: number, offsetMinutes: number): string {
  if (!Number.isFinite(ms)) throw new RangeError(`capDate: not a time: ${ms}`);
  if (!Number.isInteger(offsetMinutes) || Math.abs(offsetMinutes) > 14 * 60) {
    throw new RangeError(`capDate: the UTC offset must be whole minutes within ±14 h, not ${offsetMinutes}`);
  }
  const local = new Date(Math.floor(ms / 1000) * 1000 + offsetMinutes * 60_000).toISOString().slice(0, 19);
  const abs = Math.abs(offsetMinutes);
  const hhmm = `${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
  return `${local}${offsetMinutes < 0 ? '-' : '+'}${hhmm}`;
}
