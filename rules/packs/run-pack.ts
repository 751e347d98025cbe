// For the pack tests: a rule set run over a scenario's readings, as the pipeline would run it.
import { Evaluator } from '../../engine/evaluator.ts';
import type { Observation } from '../../engine/observation.ts';
import type { Station } from '../../engine/station.ts';
import type { Zone } from '../../stations/zones.ts';
import type { WarningEvent } from '../../engine/warning.ts';
import type { RuleSet } from '../loader.ts';

export interface PackRun {
  events: WarningEvent[];
  /** Readings the quality gates flagged, with their new flag. */
  flagged: Observation[];
  /** "rule entity" of each warning still in force at the end. */
  active: string[];
}

/** Every event, the clock ticking once per report time (as the pipeline ticks between batches). */
export function runPack(rules: RuleSet, stations: ReadonlyMap<string, Station>, obs: readonly Observation[], opts: { zones?: readonly Zone[] } = {}): PackRun {
  const ev = new Evaluator(rules, stations, { now: obs[0]!.ts, ...opts });
  const events: WarningEvent[] = [];
  const flagged: Observation[] = [];
  let last: number | undefined;
  for (const o of obs) {
    const r = ev.step(o);
    if (r.qualityReasons) flagged.push(r.obs);
    events.push(...r.events);
    if (o.ts !== last) events.push(...ev.tick(o.ts));
    last = o.ts;
  }
  return { events, flagged, active: ev.active().map((a) => `${a.rule} ${a.entity}`).sort() };
}
