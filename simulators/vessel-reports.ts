// Reporting: each terminal's rate, the fixes it sends along the vessel's track (with GPS noise, none
// while dark), and all of them put in time order.
import type { TerminalKind } from '../stations/vessels.ts';
import { KM_PER_DEG_LAT, kmPerDegLon, type LonLat } from './lonlat.ts';
import { createRng, deriveSeed } from './rng.ts';
import { courseTo, HOUR, KMH_PER_KN, kmBetween } from './vessel-geometry.ts';
import type { Fix, FleetScenario } from './vessel-scenario.ts';
import type { Voyage } from './vessel-voyage.ts';

/**
 * Seconds between a terminal's reports, under way (faster than `underWayKn`) and slow: AIS by
 * ITU-R M.1371 as DOMAIN.md gives it (class B's slow rate from 2 kn), Beidou fishing terminals
 * every 10 min whatever the speed.
 */
export const REPORT_SECONDS: Record<TerminalKind, { underWayKn: number; underWay: number; slow: number }> = {
  'ais-a': { underWayKn: 3, underWay: 10, slow: 180 },
  'ais-b': { underWayKn: 2, underWay: 30, slow: 180 },
  beidou: { underWayKn: 0, underWay: 600, slow: 600 },
};

const round = (x: number, places: number): number => Math.round(x * 10 ** places) / 10 ** places;
const GPS_SD_KM = 0.003;

/** Every report of the vessel's terminals from start to end, none while it is dark. */
export function reports(v: Voyage, s: FleetScenario, end: number, dark: { from: number; until: number } | undefined, out: Fix[]): void {
  const { t, lon, lat } = v.track;
  const n = t.length;
  // Each leg's speed and course; lying still keeps the last heading.
  const speed = new Float64Array(n);
  const course = new Float64Array(n);
  let heading = v.heading;
  for (let i = 0; i < n - 1; i++) {
    const a: LonLat = [lon[i]!, lat[i]!];
    const b: LonLat = [lon[i + 1]!, lat[i + 1]!];
    const km = kmBetween(a, b);
    speed[i] = km / ((t[i + 1]! - t[i]!) / HOUR) / KMH_PER_KN;
    if (km > 1e-6) heading = courseTo(a, b);
    course[i] = heading;
  }
  course[n - 1] = heading;
  const floorS = s.minIntervalSeconds ?? 0;
  for (const terminal of v.vessel.terminals) {
    const rng = createRng(deriveSeed(s.seed, `fix:${v.vessel.id}:${terminal.id}`));
    let i = 0;
    /** Where the vessel is at ts, as the terminal reads it; and its true speed. */
    const emit = (ts: number): number => {
      while (i < n - 1 && t[i + 1]! <= ts) i++;
      const j = Math.min(i + 1, n - 1);
      const f = j > i ? (ts - t[i]!) / (t[j]! - t[i]!) : 0;
      const y = lat[i]! + f * (lat[j]! - lat[i]!);
      const x = lon[i]! + f * (lon[j]! - lon[i]!);
      const kn = speed[i]!;
      if (!dark || ts < dark.from || ts >= dark.until) {
        const cog = (course[i]! + rng.normal(0, kn < 1 ? 20 : 2) + 360) % 360;
        out.push({
          vessel: v.vessel.id,
          terminal,
          ts,
          lon: round(x + rng.normal(0, GPS_SD_KM) / kmPerDegLon(y), 6),
          lat: round(y + rng.normal(0, GPS_SD_KM) / KM_PER_DEG_LAT, 6),
          speed: round(Math.abs(kn + rng.normal(0, 0.1)), 1),
          course: round(cog, 1) % 360,
        });
      }
      return kn;
    };
    const rate = REPORT_SECONDS[terminal.kind];
    if (terminal.kind === 'beidou') {
      // On a fixed schedule with a few seconds' jitter, not paced by the last report.
      const phase = rng.next() * rate.underWay * 1000;
      for (let k = 0; s.start + phase + k * rate.underWay * 1000 <= end; k++) {
        const ts = Math.round(s.start + phase + k * rate.underWay * 1000 + rng.normal(0, 2000));
        if (ts >= s.start && ts <= end) emit(ts);
      }
    } else {
      let ts = s.start + Math.floor(rng.next() * rate.underWay * 1000);
      while (ts <= end) {
        const kn = emit(ts);
        const every = Math.max(floorS, kn > rate.underWayKn ? rate.underWay : rate.slow);
        ts += every * 1000 + Math.round((rng.next() - 0.5) * 400); // TDMA slots wander a little
      }
    }
  }
}

/**
 * Fixes in time order, ties in the order made: (ts, index) packed into one double and sorted as a
 * typed array, several times faster than a comparator over a million objects.
 */
export function byTime(fixes: Fix[], start: number, end: number): Fix[] {
  const scale = 2 ** Math.ceil(Math.log2(fixes.length + 1));
  if ((end - start + 1) * scale > Number.MAX_SAFE_INTEGER) return fixes.sort((a, b) => a.ts - b.ts);
  const keys = new Float64Array(fixes.length);
  for (let i = 0; i < fixes.length; i++) keys[i] = (fixes[i]!.ts - start) * scale + i;
  keys.sort();
  return Array.from(keys, (k) => fixes[k % scale]!);
}
