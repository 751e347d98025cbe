// Sensor faults in a simulated storm, so the quality gates and the stale rules have something to
// catch: a spike (one impossible reading), a stuck sensor (the same reading from some time on) and a
// silent gauge (no readings from some time on). Deterministic: each fault is placed by the config.
import type { Observation } from '../engine/observation.ts';

interface FaultTarget {
  station: string;
  metric: string;
  /** Hours after the start of the run: the spiked reading, or when a stuck or silent fault begins. */
  atHours: number;
}

/** One reading, the one at exactly atHours (a report time of the station), is the true reading plus `delta`. */
export interface SpikeFault extends FaultTarget {
  kind: 'spike';
  delta: number;
}

/** From atHours (to untilHours, when the sensor is repaired, or the end), the sensor repeats the last value it reported before atHours. */
export interface StuckFault extends FaultTarget {
  kind: 'stuck';
  untilHours?: number;
}

/** From atHours (to untilHours, when the gauge is repaired, or the end), the gauge sends nothing. */
export interface SilentFault extends FaultTarget {
  kind: 'silent';
  untilHours?: number;
}

export type Fault = SpikeFault | StuckFault | SilentFault;

/** A reading before it becomes an observation. */
export interface Report {
  ts: number;
  value: number;
}

/**
 * The demo county's faults, on the two gauges kept for them (H04, R04) so that the river tiers of
 * H01–H03 rest on true readings. Each would matter if believed: the rain spike alone would make R04
 * a flash-flood Red (1 h ≥ 80 mm), the stage spike fakes a jump of 4 m, the float jams during the
 * rise and hides H04 crossing its warning stage, and R04 falls silent while the storm is still on.
 */
export const DEFAULT_FAULTS: readonly Fault[] = [
  { kind: 'spike', station: 'R04', metric: 'rain', atHours: 3, delta: 80 },
  { kind: 'spike', station: 'H04', metric: 'stage', atHours: 4.5, delta: 4 },
  { kind: 'stuck', station: 'H04', metric: 'stage', atHours: 5.5 },
  { kind: 'silent', station: 'R04', metric: 'rain', atHours: 8 },
];

const HOUR_MS = 3_600_000;
const faultTs = (f: Fault, start: number): number => start + Math.round(f.atHours * HOUR_MS);
/** When a lasting fault ends: its repair, or never. */
const repairTs = (f: Fault, start: number): number => (f.kind !== 'spike' && f.untilHours !== undefined ? start + Math.round(f.untilHours * HOUR_MS) : Infinity);
const during = (f: Fault, start: number, ts: number): boolean => ts >= faultTs(f, start) && ts < repairTs(f, start);

/** Readings carry at most two decimals (stage and level to the centimetre). */
const round2 = (v: number): number => Math.round(v * 100) / 100;

/**
 * The fault that altered (spike, stuck) or withheld (silent) the reading of `o`'s station and metric
 * at its time, in a run that began at `start`; undefined for a true reading.
 */
export function faultOf(o: Pick<Observation, 'station' | 'metric' | 'ts'>, start: number, faults: readonly Fault[] = DEFAULT_FAULTS): Fault | undefined {
  return faults.find((f) => {
    if (f.station !== o.station || f.metric !== o.metric) return false;
    return f.kind === 'spike' ? o.ts === faultTs(f, start) : during(f, start, o.ts);
  });
}

/**
 * One series' reports (sorted by ts) as the faulty sensor sends them: stuck first (it holds what it
 * last said), then spikes, then silence. A spike must fall on a report time inside the run.
 */
export function applyFaults(reports: readonly Report[], station: string, metric: string, start: number, faults: readonly Fault[]): Report[] {
  let out = [...reports];
  const mine = faults.filter((f) => f.station === station && f.metric === metric);
  for (const f of mine.filter((x) => x.kind === 'stuck')) {
    const at = faultTs(f, start);
    const from = out.findIndex((r) => r.ts >= at);
    const held = out[Math.max(0, from - 1)]?.value;
    if (from >= 0 && held !== undefined) out = out.map((r) => (during(f, start, r.ts) ? { ts: r.ts, value: held } : r));
  }
  for (const f of mine) {
    if (f.kind !== 'spike') continue;
    const at = faultTs(f, start);
    const i = out.findIndex((r) => r.ts === at);
    if (i >= 0) out[i] = { ts: at, value: round2(out[i]!.value + f.delta) };
    else if (out.length && at >= out[0]!.ts && at <= out.at(-1)!.ts) {
      throw new RangeError(`spike on ${station}.${metric} at +${f.atHours} h: the station does not report then`);
    }
  }
  const silent = mine.filter((f) => f.kind === 'silent');
  return out.filter((r) => !silent.some((f) => during(f, start, r.ts)));
}
