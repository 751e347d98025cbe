// The water a fleet may use: everything outside a set of obstacle rings (land, and waters closed to
// it), with how far a point or a straight leg keeps from them, and passages that keep to the water
// through a few hand-placed waypoints (a visibility graph: straight where it can, else the shortest
// chain of waypoints each in sight of the next). Flat earth around the waypoints' mean latitude.
import Flatbush from 'flatbush';
import { KM_PER_DEG_LAT, kmPerDegLon, type LonLat } from './lonlat.ts';

/** The closest a passage passes an obstacle, km, unless an end of it is closer already. */
export const CLEAR_KM = 0.3;

type Xy = readonly [number, number];

/** Distance from p to the segment ab, in the plane. */
function toSegment(p: Xy, a: Xy, b: Xy): number {
  const [dx, dy] = [b[0] - a[0], b[1] - a[1]];
  const len2 = dx * dx + dy * dy;
  const s = len2 > 0 ? Math.max(0, Math.min(1, ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / len2)) : 0;
  return Math.hypot(a[0] + s * dx - p[0], a[1] + s * dy - p[1]);
}

const cross = (o: Xy, a: Xy, b: Xy): number => (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);
const crosses = (a: Xy, b: Xy, c: Xy, d: Xy): boolean => cross(a, b, c) * cross(a, b, d) < 0 && cross(c, d, a) * cross(c, d, b) < 0;

export class Sea {
  private readonly lon0: number;
  private readonly lat0: number;
  private readonly kx: number;
  /** Obstacle edges in the plane: x0, y0, x1, y1 per edge, and the ring each belongs to. */
  private readonly edges: Float64Array;
  private readonly ringOf: Uint32Array;
  private readonly index: Flatbush;
  private readonly waypoints: Xy[];
  private graph?: number[][];
  private readonly sight = new Map<string, number[]>();

  constructor(obstacles: readonly (readonly LonLat[])[], waypoints: readonly LonLat[]) {
    this.lat0 = waypoints.reduce((s, p) => s + p[1], 0) / waypoints.length;
    this.lon0 = waypoints.reduce((s, p) => s + p[0], 0) / waypoints.length;
    this.kx = kmPerDegLon(this.lat0);
    const n = obstacles.reduce((s, r) => s + r.length - 1, 0);
    this.edges = new Float64Array(4 * n);
    this.ringOf = new Uint32Array(n);
    this.index = new Flatbush(n);
    let e = 0;
    obstacles.forEach((ring, r) => {
      for (let i = 1; i < ring.length; i++, e++) {
        const [a, b] = [this.xy(ring[i - 1]!), this.xy(ring[i]!)];
        this.edges.set([a[0], a[1], b[0], b[1]], 4 * e);
        this.ringOf[e] = r;
        this.index.add(Math.min(a[0], b[0]), Math.min(a[1], b[1]), Math.max(a[0], b[0]), Math.max(a[1], b[1]));
      }
    });
    this.index.finish();
    this.waypoints = waypoints.map((p) => this.xy(p));
  }

  private xy(p: LonLat): Xy {
    return [(p[0] - this.lon0) * this.kx, (p[1] - this.lat0) * KM_PER_DEG_LAT];
  }

  private lonLat(p: Xy): LonLat {
    return [p[0] / this.kx + this.lon0, p[1] / KM_PER_DEG_LAT + this.lat0];
  }

  private edge(e: number): [Xy, Xy] {
    const k = 4 * e;
    return [
      [this.edges[k]!, this.edges[k + 1]!],
      [this.edges[k + 2]!, this.edges[k + 3]!],
    ];
  }

  /** Inside some obstacle: an odd number of its ring's edges cross the ray east of p. */
  private blocked(p: Xy): boolean {
    const odd = new Set<number>();
    for (const e of this.index.search(p[0], p[1], Infinity, p[1])) {
      const [a, b] = this.edge(e);
      if (a[1] > p[1] !== b[1] > p[1] && a[0] + ((p[1] - a[1]) / (b[1] - a[1])) * (b[0] - a[0]) > p[0]) {
        const r = this.ringOf[e]!;
        if (odd.has(r)) odd.delete(r);
        else odd.add(r);
      }
    }
    return odd.size > 0;
  }

  afloat(p: LonLat): boolean {
    return !this.blocked(this.xy(p));
  }

  private clearance(p: Xy, upTo: number): number {
    if (this.blocked(p)) return 0;
    let best = upTo;
    for (const e of this.index.search(p[0] - upTo, p[1] - upTo, p[0] + upTo, p[1] + upTo)) best = Math.min(best, toSegment(p, ...this.edge(e)));
    return best;
  }

  /** How far p is from the nearest obstacle, km (0 inside one), looking no farther than `upTo`. */
  clearanceKm(p: LonLat, upTo = 20): number {
    return this.clearance(this.xy(p), upTo);
  }

  private legClearance(a: Xy, b: Xy, upTo: number): number {
    if (this.blocked(a) || this.blocked(b)) return 0;
    let best = upTo;
    const hits = this.index.search(Math.min(a[0], b[0]) - upTo, Math.min(a[1], b[1]) - upTo, Math.max(a[0], b[0]) + upTo, Math.max(a[1], b[1]) + upTo);
    for (const e of hits) {
      const [c, d] = this.edge(e);
      if (crosses(a, b, c, d)) return 0;
      best = Math.min(best, toSegment(c, a, b), toSegment(d, a, b), toSegment(a, c, d), toSegment(b, c, d));
    }
    return best;
  }

  /** The least distance from an obstacle along the straight leg ab, km (0 if it touches one), looking no farther than `upTo`. */
  legClearanceKm(a: LonLat, b: LonLat, upTo = 20): number {
    return this.legClearance(this.xy(a), this.xy(b), upTo);
  }

  /** The point `km` from p, in the direction (of 24) with the most open water around it that p can sail to straight. */
  seaward(p: LonLat, km: number): LonLat {
    const from = this.xy(p);
    const need = Math.min(CLEAR_KM, this.clearance(from, CLEAR_KM)) - 1e-9;
    let best: { at: Xy; room: number } = { at: from, room: -1 };
    for (let k = 0; k < 24; k++) {
      const th = (k * Math.PI) / 12;
      const at: Xy = [from[0] + km * Math.sin(th), from[1] + km * Math.cos(th)];
      const room = this.clearance(at, 5);
      if (room > best.room && this.legClearance(from, at, need) >= need) best = { at, room };
    }
    return this.lonLat(best.at);
  }

  /** Waypoints in sight of p (a leg to each keeps `need` km clear), cached for points sailed from again and again (harbour mouths). */
  private inSight(p: Xy, need: number): number[] {
    const key = `${p[0]},${p[1]},${need}`;
    let seen = this.sight.get(key);
    if (!seen) {
      seen = this.waypoints.flatMap((w, i) => (this.legClearance(p, w, need) >= need ? [i] : []));
      if (this.sight.size > 50_000) this.sight.clear();
      this.sight.set(key, seen);
    }
    return seen;
  }

  /**
   * The waypoints of a passage from a to b (b last) that keeps CLEAR_KM from every obstacle, or
   * as far as its ends allow: straight if it can, else the shortest chain through the waypoints;
   * none if no chain gets there (the vessel stays where it is rather than cross land).
   */
  passage(a: LonLat, b: LonLat): LonLat[] {
    const [pa, pb] = [this.xy(a), this.xy(b)];
    const needA = Math.min(CLEAR_KM, this.clearance(pa, CLEAR_KM)) - 1e-9;
    const needB = Math.min(CLEAR_KM, this.clearance(pb, CLEAR_KM)) - 1e-9;
    const need = Math.min(needA, needB);
    if (this.legClearance(pa, pb, Math.max(need, 0)) >= need) return [b];
    const path = this.shortest(pa, this.inSight(pa, needA), pb, new Set(this.inSight(pb, needB)));
    return path ? [...path.map((i) => this.lonLat(this.waypoints[i]!)), b] : [];
  }

  /** Dijkstra from `from` (in sight of `starts`) to `to` (in sight of `ends`) over the waypoints: the waypoint indices on the way. */
  private shortest(from: Xy, starts: readonly number[], to: Xy, ends: ReadonlySet<number>): number[] | undefined {
    this.graph ??= this.waypoints.map((w, i) => this.waypoints.flatMap((v, j) => (j !== i && this.legClearance(w, v, CLEAR_KM) >= CLEAR_KM ? [j] : [])));
    const km = (p: Xy, q: Xy): number => Math.hypot(p[0] - q[0], p[1] - q[1]);
    const dist = this.waypoints.map(() => Infinity);
    const prev = this.waypoints.map(() => -1);
    const done = new Set<number>();
    for (const i of starts) dist[i] = km(from, this.waypoints[i]!);
    let best = { total: Infinity, last: -1 };
    for (;;) {
      let u = -1;
      dist.forEach((d, i) => {
        if (!done.has(i) && d < Infinity && (u < 0 || d < dist[u]!)) u = i;
      });
      if (u < 0 || dist[u]! >= best.total) break;
      done.add(u);
      if (ends.has(u) && dist[u]! + km(this.waypoints[u]!, to) < best.total) best = { total: dist[u]! + km(this.waypoints[u]!, to), last: u };
      for (const v of this.graph[u]!) {
        const d = dist[u]! + km(this.waypoints[u]!, this.waypoints[v]!);
        if (d < dist[v]!) [dist[v], prev[v]] = [d, u];
      }
    }
    if (best.last < 0) return undefined;
    const path: number[] = [];
    for (let i = best.last; i >= 0; i = prev[i]!) path.unshift(i);
    return path;
  }
}
