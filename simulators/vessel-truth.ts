// Truth from the tracks: what a detector should find, read back from where the vessels really went
// (time adrift, time inside a closed area, in port for good).
import type { Zone } from '../stations/zones.ts';
import type { LonLat } from './lonlat.ts';
import { HOUR, inside, KMH_PER_KN, kmBetween } from './vessel-geometry.ts';
import { harbourAt, type World } from './vessel-routes.ts';
import type { Fix } from './vessel-scenario.ts';
import type { Voyage } from './vessel-voyage.ts';

const STEP_MS = 10_000;
const LOITER_KN = 2;

/** The scripted drift widened over any slow legs either side of it (a detector sees those too). */
export function slowSpan(w: World, v: Voyage, from: number, until: number): { from: number; until: number } {
  const { t, lon, lat } = v.track;
  const slow = (i: number): boolean => {
    const km = kmBetween([lon[i]!, lat[i]!], [lon[i + 1]!, lat[i + 1]!]);
    return km / ((t[i + 1]! - t[i]!) / HOUR) / KMH_PER_KN < LOITER_KN && !harbourAt(w, [lon[i]!, lat[i]!]);
  };
  let i = v.track.index(from);
  while (i > 0 && t[i] === from && slow(i - 1)) from = t[--i]!;
  let j = v.track.index(until);
  while (j < t.length - 1 && t[j] === until && slow(j)) until = t[++j]!;
  return { from, until };
}

/** When the vessel was inside the zone, around the time it was fishing there. */
export function intrusionSpan(v: Voyage, zone: Zone, fishFrom: number): { from: number; until: number } | undefined {
  const { track } = v;
  if (!inside(zone, track.at(fishFrom))) return undefined;
  let from = fishFrom;
  while (from - STEP_MS >= track.t[0]! && inside(zone, track.at(from - STEP_MS))) from -= STEP_MS;
  let until = fishFrom;
  while (until + STEP_MS <= track.end && inside(zone, track.at(until + STEP_MS))) until += STEP_MS;
  return { from, until };
}

/** The vessels whose last fix at or before t was outside every port (fixes in time order). */
export function lastHeardOut(w: World, fixes: readonly Fix[], t: number): string[] {
  const last = new Map<string, Fix>();
  for (const f of fixes) if (f.ts <= t) last.set(f.vessel, f);
  return [...last.values()].filter((f) => !harbourAt(w, [f.lon, f.lat])).map((f) => f.vessel);
}

/** In a port at t and never out of one after. */
export function settledBy(w: World, v: Voyage, t: number): boolean {
  const { track } = v;
  const inPort = (p: LonLat): boolean => harbourAt(w, p) !== undefined;
  if (!inPort(track.at(t))) return false;
  for (let i = track.index(t) + 1; i < track.t.length; i++) if (!inPort([track.lon[i]!, track.lat[i]!])) return false;
  return true;
}
