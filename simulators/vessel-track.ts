// A vessel's track: timed waypoints, straight and steady between them; planned forward, read at
// any time, and cut when plans change.
import type { LonLat } from './lonlat.ts';
import { HOUR, KMH_PER_KN, kmBetween } from './vessel-geometry.ts';

export class Track {
  readonly t: number[] = [];
  readonly lon: number[] = [];
  readonly lat: number[] = [];

  constructor(t0: number, p: LonLat) {
    this.push(t0, p);
  }

  private push(t: number, p: LonLat): void {
    this.t.push(t);
    this.lon.push(p[0]);
    this.lat.push(p[1]);
  }

  get end(): number {
    return this.t[this.t.length - 1]!;
  }

  get here(): LonLat {
    return [this.lon[this.lon.length - 1]!, this.lat[this.lat.length - 1]!];
  }

  /** Straight to p at kn knots. */
  to(p: LonLat, kn: number): void {
    const km = kmBetween(this.here, p);
    if (km > 1e-4) this.push(this.end + (km / (kn * KMH_PER_KN)) * HOUR, p);
  }

  holdUntil(t: number): void {
    if (t > this.end) this.push(t, this.here);
  }

  /** The last waypoint at or before t (the first if t is before it). */
  index(t: number): number {
    let lo = 0;
    let hi = this.t.length - 1;
    if (t >= this.t[hi]!) return hi;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (this.t[mid]! <= t) lo = mid;
      else hi = mid;
    }
    return lo;
  }

  at(t: number): LonLat {
    const i = this.index(t);
    if (i === this.t.length - 1 || t <= this.t[i]!) return [this.lon[i]!, this.lat[i]!];
    const f = (t - this.t[i]!) / (this.t[i + 1]! - this.t[i]!);
    return [this.lon[i]! + f * (this.lon[i + 1]! - this.lon[i]!), this.lat[i]! + f * (this.lat[i + 1]! - this.lat[i]!)];
  }

  /** Forget all plans after t: the vessel is where it would have been then. */
  cut(t: number): void {
    if (t >= this.end) return;
    const p = this.at(t);
    const keep = this.index(t) + 1;
    this.t.length = this.lon.length = this.lat.length = keep;
    if (this.end < t) this.push(t, p);
  }
}
