// Scripted misbehaviour and the typhoon port-return order: who goes dark, intrudes into a closed
// area, loiters or straggles, and how each vessel's round is planned around its event and the order.
import type { Zone } from '../stations/zones.ts';
import type { LonLat } from './lonlat.ts';
import type { Rng } from './rng.ts';
import { edgeKm, HOUR, inside, KMH_PER_KN, kmBetween } from './vessel-geometry.ts';
import { discGround, harbourAt, routeKm, zoneGround, type Harbour, type World } from './vessel-routes.ts';
import type { FleetRun, Misbehaviour } from './vessel-scenario.ts';
import { drift, fishSpell, routineStep } from './vessel-fishing.ts';
import { slowSpan } from './vessel-truth.ts';
import { chooseGround, groundAway, makePort, putToSea, uniform, type Voyage } from './vessel-voyage.ts';

// --- Scripted misbehaviour ---

export type Event = { kind: 'dark'; at: number; until: number } | { kind: 'intrude'; at: number; zone: Zone; target: LonLat; hours: number } | { kind: 'loiter'; at: number; hours: number };

function runEvent(w: World, v: Voyage, ev: Event): void {
  const { track, rng } = v;
  switch (ev.kind) {
    case 'dark': {
      // Off to fish somewhere else unseen, and still there when the terminals come back on.
      const away = groundAway(w, v, track.here, 25);
      putToSea(w, v, away.sample(rng));
      v.ground = away;
      v.fishUntil = Math.max(track.end, ev.until) + uniform(rng, [2, 8]) * HOUR;
      return;
    }
    case 'intrude': {
      putToSea(w, v, ev.target);
      const from = track.end;
      const spot = discGround(`in-${ev.zone.id}`, ev.target, 1.2, () => true);
      while (track.end < from + ev.hours * HOUR) fishSpell(w, v, spot);
      track.cut(from + ev.hours * HOUR);
      v.intrusion = { zone: ev.zone, from };
      v.ground = groundAway(w, v, track.here, 0);
      v.fishUntil = track.end + uniform(rng, [2, 8]) * HOUR;
      return;
    }
    case 'loiter': {
      const g = v.ground && !v.profile.dayTrips ? v.ground : chooseGround(w, v);
      if (v.berth || !g.contains(track.here)) putToSea(w, v, g.sample(rng));
      const from = track.end;
      // Slow legs just before (a net it was drifting with) count towards the time adrift.
      const already = (from - slowSpan(w, v, from, from).from) / HOUR;
      drift(w, v, g, Math.max(0.5, ev.hours - already), [0.3, 1.5]);
      v.loiter = { from, until: track.end };
      v.ground = g;
      v.fishUntil = track.end + uniform(rng, [1, 4]) * HOUR;
      return;
    }
  }
}

/** The vessel's round from `t0` to `horizon`, with its scripted event (if any) on the way. */
export function plan(w: World, v: Voyage, event: Event | undefined, horizon: number): void {
  let pending = event;
  while (v.track.end < horizon) {
    const before = v.track.end;
    routineStep(w, v);
    if (v.track.end === before) v.track.holdUntil(before + HOUR / 6); // nowhere to go: wait a while
    if (pending && v.track.end > pending.at) {
      v.track.cut(pending.at);
      v.berth = harbourAt(w, v.track.here);
      runEvent(w, v, pending);
      pending = undefined;
    }
  }
}

/** An interior point of a closed area, well inside its edges (and out of its holes). */
function interiorPoint(zone: Zone, rng: Rng): LonLat {
  const g = zoneGround(zone);
  let best = g.centre;
  let bestKm = inside(zone, best) ? edgeKm(zone, best) : -1;
  for (let k = 0; k < 200 && bestKm < 2.5; k++) {
    const p = g.sample(rng);
    const km = edgeKm(zone, p);
    if (inside(zone, p) && km > bestKm) [best, bestKm] = [p, km];
  }
  return best;
}

function shuffled<T>(items: readonly T[], rng: Rng): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rng.next() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** Who misbehaves, and what they do. */
export interface Casting {
  events: Map<Voyage, Event>;
  dark: FleetRun['truth']['dark'];
  /** Those cast for nothing, in casting order: the stragglers come from among them. */
  rest: Voyage[];
}

/** Who misbehaves (never a day boat), and when: over before `limit` (the order, or the end) where there is time for it. */
export function castMisbehaviour(w: World, voyages: readonly Voyage[], counts: Misbehaviour, script: Rng, start: number, limit: number): Casting {
  const when = (hours: number): number => start + HOUR / 2 + script.next() * Math.max(0, limit - start - (hours + 1) * HOUR);
  const cast = shuffled(voyages.filter((v) => !v.profile.dayTrips), script);
  const events = new Map<Voyage, Event>();
  const darkTruth: FleetRun['truth']['dark'] = [];
  for (const v of cast.splice(0, counts.dark)) {
    const hours = 6 + 8 * script.next();
    const at = when(hours);
    events.set(v, { kind: 'dark', at, until: at + hours * HOUR });
    darkTruth.push({ vessel: v.vessel.id, from: at, until: at + hours * HOUR });
  }
  if (w.closed.length) {
    cast.splice(0, counts.intruders).forEach((v, k) => {
      const zone = w.closed[k % w.closed.length]!;
      const hours = 1 + 2 * script.next();
      events.set(v, { kind: 'intrude', at: when(hours + 7), zone, target: interiorPoint(zone, script), hours });
    });
  }
  for (const v of cast.splice(0, counts.loiterers)) {
    const hours = 4 + 2 * script.next();
    events.set(v, { kind: 'loiter', at: when(hours + 7), hours });
  }
  return { events, dark: darkTruth, rest: cast };
}

// --- The typhoon port-return order ---

/** The nearest harbour, or home if it is not much farther. */
function refuge(w: World, v: Voyage): Harbour {
  const here = v.track.here;
  const nearest = w.harbours.reduce((a, b) => (kmBetween(here, b.mouth) < kmBetween(here, a.mouth) ? b : a));
  return kmBetween(here, v.home.mouth) <= kmBetween(here, nearest.mouth) + 10 ? v.home : nearest;
}

/** Obeying the order: cut everything planned after it, make for a refuge, stay there. */
function obey(w: World, v: Voyage, at: number, horizon: number): void {
  v.track.cut(at);
  makePort(w, v, refuge(w, v));
  v.track.holdUntil(horizon);
}

/** Fishing on where it is until `leaveAt` (or for good), then making for a refuge. */
function dawdle(w: World, v: Voyage, at: number, leaveAt: number | undefined, horizon: number): void {
  v.track.cut(at);
  v.berth = undefined;
  const here = v.track.here;
  const spot = discGround(`dawdle-${v.vessel.id}`, here, 4, (p) => w.sea.clearanceKm(p, 1) >= 1 && !w.keepOut.some((z) => inside(z, p)));
  const until = leaveAt ?? horizon;
  while (v.track.end < until) fishSpell(w, v, spot);
  if (leaveAt === undefined) return;
  makePort(w, v, refuge(w, v));
  v.track.holdUntil(horizon);
}

/**
 * The port-return order given at `order`: every vessel makes for a refuge, but for the stragglers
 * picked from `rest`, which come in late or never. Returns those that never do.
 */
export function giveReturnOrder(w: World, voyages: readonly Voyage[], rest: readonly Voyage[], counts: Misbehaviour, script: Rng, order: number, deadline: number, horizon: number): string[] {
  const neverReturn: string[] = [];
  // Stragglers: some of those well out at sea (and clear of every zone) when the order comes.
  const out = rest.filter((v) => {
    const p = v.track.at(order);
    return w.sea.clearanceKm(p, 10) >= 10 && !w.keepOut.some((z) => inside(z, p));
  });
  const stragglers = new Set(out.slice(0, counts.stragglers));
  const never = new Set(out.slice(0, Math.min(counts.neverReturn, counts.stragglers)));
  for (const v of voyages) {
    if (never.has(v)) {
      dawdle(w, v, order, undefined, horizon);
      neverReturn.push(v.vessel.id);
    } else if (stragglers.has(v)) {
      // Leaving late enough to come in half an hour to a few hours after the deadline.
      v.track.cut(order);
      const hours = routeKm(w, v.track.here, refuge(w, v)) / (v.cruise * KMH_PER_KN);
      dawdle(w, v, order, Math.max(order, deadline + uniform(script, [0.5, 2.5]) * HOUR - hours * HOUR), horizon);
    } else obey(w, v, order, horizon);
  }
  return neverReturn;
}
