// The fleet simulator: vessels leave their home ports, steam to a fishing ground, fish in their
// class's manner and come home, every terminal reporting at its own rate (Beidou every 10 min, AIS
// class A and B by speed). A few misbehave as scripted: they go dark, fish in a closed area, loiter,
// or do not come in when the typhoon port-return order is given; the run says who and when, so
// detection rules can be scored against it. Pure and deterministic: one scenario, one run.
import { createRng, deriveSeed } from './rng.ts';
import { castMisbehaviour, giveReturnOrder, plan } from './vessel-events.ts';
import { HOUR } from './vessel-geometry.ts';
import { byTime, reports } from './vessel-reports.ts';
import { byId, worldOf } from './vessel-routes.ts';
import { DEFAULT_MISBEHAVIOUR, RETURN_DEADLINE_HOURS, type Fix, type FleetRun, type FleetScenario } from './vessel-scenario.ts';
import { Track } from './vessel-track.ts';
import { intrusionSpan, lastHeardOut, settledBy, slowSpan } from './vessel-truth.ts';
import { berthIn, nextMorning, PROFILES, uniform, type Voyage } from './vessel-voyage.ts';

export { REPORT_SECONDS } from './vessel-reports.ts';
export { DEFAULT_MISBEHAVIOUR, RETURN_DEADLINE_HOURS, type Fix, type FleetRun, type FleetScenario, type Misbehaviour } from './vessel-scenario.ts';

const PRELUDE_HOURS = 72; // planned before the start, so some vessels are out on a trip when it begins
const LOITER_HOURS = 4;

export function simulateFleet(s: FleetScenario): FleetRun {
  const w = worldOf(s);
  const end = s.start + s.hours * HOUR;
  const order = s.returnOrderAt === undefined || s.returnOrderAt > end ? undefined : Math.max(s.start, s.returnOrderAt);
  const deadline = order === undefined ? undefined : order + RETURN_DEADLINE_HOURS * HOUR;
  const horizon = deadline === undefined ? end : Math.max(end, deadline + HOUR);
  const counts = { ...DEFAULT_MISBEHAVIOUR, ...s.misbehaviour };
  const vessels = [...s.vessels].sort(byId);

  const voyages = vessels.map((vessel): Voyage => {
    const rng = createRng(deriveSeed(s.seed, `voyage:${vessel.id}`));
    const profile = PROFILES[vessel.class] ?? PROFILES.trawler!;
    const home = w.byId.get(vessel.homePort ?? '') ?? w.harbours[deriveSeed(s.seed, vessel.id) % w.harbours.length]!;
    const t0 = s.start - PRELUDE_HOURS * HOUR;
    return {
      vessel,
      profile,
      rng,
      track: new Track(t0, berthIn(home, rng)),
      home,
      cruise: uniform(rng, profile.cruise),
      berth: home,
      fishUntil: t0,
      departAt: profile.dayTrips ? nextMorning(t0, rng) : t0 + rng.next() * PRELUDE_HOURS * HOUR,
      heading: rng.next() * 360,
    };
  });

  // Who misbehaves, and when: over before the order where there is time for it.
  const script = createRng(deriveSeed(s.seed, 'script'));
  const { events, dark: darkTruth, rest } = castMisbehaviour(w, voyages, counts, script, s.start, order ?? end);

  for (const v of voyages) plan(w, v, events.get(v), horizon);

  const neverReturn = order !== undefined && deadline !== undefined ? giveReturnOrder(w, voyages, rest, counts, script, order, deadline, horizon) : [];

  const darkOf = new Map(darkTruth.map((d) => [d.vessel, d]));
  const made: Fix[] = [];
  for (const v of voyages) reports(v, s, end, darkOf.get(v.vessel.id), made);
  const fixes = byTime(made, s.start, end);

  const intruders = voyages.flatMap((v) => {
    const span = v.intrusion && intrusionSpan(v, v.intrusion.zone, v.intrusion.from);
    return span ? [{ vessel: v.vessel.id, zone: v.intrusion!.zone.id, ...span }] : [];
  });
  const loiterers = voyages.flatMap((v) => {
    if (!v.loiter) return [];
    // Loitering is 4 h adrift (DOMAIN.md): one the return order cuts shorter (a long way out to its ground first) is not.
    const span = slowSpan(w, v, v.loiter.from, Math.min(v.loiter.until, order ?? Infinity));
    return span.until - span.from >= LOITER_HOURS * HOUR ? [{ vessel: v.vessel.id, ...span }] : [];
  });
  const stragglers = deadline === undefined ? [] : voyages.filter((v) => !settledBy(w, v, deadline)).map((v) => v.vessel.id);
  const reportedOut = deadline === undefined ? [] : lastHeardOut(w, fixes, deadline).filter((id) => !stragglers.includes(id));
  darkTruth.sort((a, b) => (a.vessel < b.vessel ? -1 : 1));
  return { fixes, truth: { dark: darkTruth, intruders, stragglers, reportedOut, neverReturn, loiterers } };
}
