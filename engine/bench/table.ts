// Plain-text tables and percentiles for the benchmark report.

export const percentile = <T>(sorted: readonly T[], p: number): T =>
  sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;

const cell = (v: string | number): string =>
  typeof v === 'string' ? v : Number.isInteger(v) ? v.toLocaleString('en') : v >= 100 ? Math.round(v).toLocaleString('en') : v.toFixed(2);

export function formatTable(rows: ReadonlyArray<ReadonlyArray<string | number>>): string {
  const text = rows.map((r) => r.map(cell));
  const widths = text[0]!.map((_, i) => Math.max(...text.map((r) => r[i]!.length)));
  return text
    .map((r, k) => {
      const line = r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
      return k === 0 ? `${line}\n${widths.map((w) => '-'.repeat(w)).join('  ')}` : line;
    })
    .join('\n');
}
