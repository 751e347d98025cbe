// Fishing and the routine round: each class's spells of fishing on a ground (tows, drifts, sets,
// transshipping), drifting, and the ordinary cycle of port, out, fish, home.
import type { LonLat } from './lonlat.ts';
import type { Rng } from './rng.ts';
import { courseTo, HOUR, KMH_PER_KN, moved } from './vessel-geometry.ts';
import { inshoreOf, type Ground, type World } from './vessel-routes.ts';
import { chooseGround, makePort, nextMorning, putToSea, steam, uniform, type Voyage } from './vessel-voyage.ts';

// --- Fishing ---

const TURNS = [0, 180, 90, -90, 135, -135, 45, -45];

/** A point about `km` along `course` that stays on the ground: turning, then shortening, then anywhere on it. */
function nextInside(g: Ground, from: LonLat, course: number, km: number, rng: Rng): LonLat {
  for (let k = 0; k < 16; k++) {
    const p = moved(from, course + TURNS[k % 8]! + 30 * (rng.next() - 0.5), k < 8 ? km : km / 3);
    if (g.contains(p)) return p;
  }
  return g.sample(rng);
}

/** Adrift (or at a crawl) for `hours` at under 2 kn, with the current. */
export function drift(w: World, v: Voyage, g: Ground, hours: number, kn: readonly [number, number]): void {
  const { track, rng } = v;
  const until = track.end + hours * HOUR;
  let course = rng.next() * 360;
  while (until - track.end > 2 * 60_000) {
    const speed = uniform(rng, kn);
    const h = Math.min(uniform(rng, [20, 40]) / 60, (until - track.end) / HOUR);
    const p = nextInside(g, track.here, course, speed * KMH_PER_KN * h, rng);
    const before = track.end;
    steam(w, track, p, speed);
    if (track.end === before) break;
    course += rng.normal(0, 20);
  }
  track.holdUntil(until);
}

/** One spell of fishing, an hour or a few, in the class's manner, on the ground. */
export function fishSpell(w: World, v: Voyage, g: Ground): void {
  const { track, rng } = v;
  const go = (course: number, km: number, kn: number): void => steam(w, track, nextInside(g, track.here, course, km, rng), kn);
  switch (v.profile.style) {
    case 'trawl': {
      // Tows zig-zag at 3–4 kn, then the net is hauled at a crawl.
      let course = rng.next() * 360;
      let side = rng.next() < 0.5 ? 1 : -1;
      const legs = 2 + Math.floor(rng.next() * 3);
      for (let j = 0; j < legs; j++) {
        const kn = uniform(rng, [3, 4]);
        const from = track.here;
        go(course, kn * KMH_PER_KN * uniform(rng, [0.5, 1.2]), kn);
        course = courseTo(from, track.here) + side * uniform(rng, [25, 50]);
        side = -side;
      }
      drift(w, v, g, uniform(rng, [0.25, 0.5]), [0.5, 1.5]);
      return;
    }
    case 'drift': {
      // Shoot the nets or lines, drift with them a while, haul back along them.
      const course = rng.next() * 360;
      go(course, uniform(rng, [4, 6]), uniform(rng, [4, 6]));
      drift(w, v, g, uniform(rng, [1, 2.8]), [0.3, 1.5]);
      go(course + 180, uniform(rng, [3, 6]), uniform(rng, [2.5, 3.5]));
      return;
    }
    case 'circle': {
      // Search for a school, ring it with the seine, purse and haul adrift.
      go(rng.next() * 360, uniform(rng, [3, 8]), uniform(rng, [7, 9]));
      const r = uniform(rng, [0.25, 0.45]);
      const start = rng.next() * 360;
      const centre = moved(track.here, start, r);
      const sense = rng.next() < 0.5 ? 1 : -1;
      const ring = Array.from({ length: 10 }, (_, k) => moved(centre, start + 180 + sense * 36 * (k + 1), r));
      if (ring.every((p) => g.contains(p))) {
        const kn = uniform(rng, [5, 6]);
        for (const p of ring) steam(w, track, p, kn);
      }
      drift(w, v, g, uniform(rng, [1, 2]), [0.2, 0.8]);
      return;
    }
    case 'transship': {
      // To the next boat, and alongside it while the catch comes over.
      go(rng.next() * 360, uniform(rng, [5, 15]), v.cruise);
      drift(w, v, g, uniform(rng, [1.5, 3]), [0.2, 0.8]);
      return;
    }
    case 'inshore': {
      const legs = 1 + Math.floor(rng.next() * 3);
      for (let j = 0; j < legs; j++) go(rng.next() * 360, uniform(rng, [1, 3]), uniform(rng, [3, 5]));
      drift(w, v, g, uniform(rng, [0.5, 1.5]), [0.3, 1.2]);
      return;
    }
  }
}

// --- The routine: port, out, fish, home ---

function comeHome(w: World, v: Voyage): void {
  makePort(w, v, v.home);
  v.departAt = v.profile.dayTrips ? nextMorning(v.track.end, v.rng) : v.track.end + uniform(v.rng, v.profile.portHours) * HOUR;
}

/** The next thing the vessel does in its ordinary round. */
export function routineStep(w: World, v: Voyage): void {
  const { track, rng } = v;
  if (v.berth) {
    track.holdUntil(v.departAt);
    v.ground = v.profile.dayTrips ? inshoreOf(w, v.home) : chooseGround(w, v);
    putToSea(w, v, v.ground.sample(rng));
    v.fishUntil = track.end + uniform(rng, v.profile.fishHours) * HOUR;
    return;
  }
  if (track.end >= v.fishUntil) return comeHome(w, v);
  const ground = v.ground ?? chooseGround(w, v);
  v.ground = ground;
  if (!ground.contains(track.here)) steam(w, track, ground.sample(rng), v.cruise);
  else fishSpell(w, v, ground);
}
