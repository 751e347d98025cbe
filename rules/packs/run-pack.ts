// For the pack tests: a rule set run over a scenario's readings, as the pipeline would run it.
import { Evaluator } from '../../engine/evaluator.ts';
import type { Observation } from '../../engine/observation.ts';
import type { Sampler } from '../../engine/pipeline.ts';
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

/**
 * Every event, the clock ticking once per report time (as the pipeline ticks between batches);
 * samplers hear each reading after the quality gates, and what they derive is evaluated too.
 */
export function runPack(
  rules: RuleSet,
  stations: ReadonlyMap<string, Station>,
  obs: readonly Observation[],
  opts: { zones?: readonly Zone[]; samplers?: readonly Sampler[] } = {},
): PackRun & { derived: Observation[] } {
  const { samplers = [], ...evalOpts } = opts;
  const ev = new Evaluator(rules, stations, { now: obs[0]!.ts, ...evalOpts });
  const events: WarningEvent[] = [];
  const flagged: Observation[] = [];
  const derived: Observation[] = [];
  let last: number | undefined;
  const step = (o: Observation): Observation => {
    const r = ev.step(o);
    if (r.qualityReasons) flagged.push(r.obs);
    events.push(...r.events);
    return r.obs;
  };
  for (const o of obs) {
    const checked = step(o);
    for (const s of samplers) {
      for (const d of s.hear(checked) ?? []) {
        derived.push(d);
        step(d);
      }
    }
    if (o.ts !== last) events.push(...ev.tick(o.ts));
    last = o.ts;
  }
  return { events, flagged, derived, active: ev.active().map((a) => `${a.rule} ${a.entity}`).sort() };
}
