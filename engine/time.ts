// Times as forecasters read them: local wall time with its offset (China Standard Time by default).

const DEFAULT_OFFSET_MIN = 8 * 60;

/** ISO 8601 with an explicit offset, e.g. 2026-07-01T08:30:00+08:00 (CAP forbids a bare "Z"). */
export function formatLocal(ms: number, offsetMin = DEFAULT_OFFSET_MIN): string {
  const local = new Date(ms + offsetMin * 60_000).toISOString().slice(0, 19);
  const sign = offsetMin < 0 ? '-' : '+';
  const abs = Math.abs(offsetMin);
  return `${local}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

/** Short form for timelines: "07-01 08:30". */
export const formatShort = (ms: number, offsetMin = DEFAULT_OFFSET_MIN): string =>
  formatLocal(ms, offsetMin).slice(5, 16).replace('T', ' ');
