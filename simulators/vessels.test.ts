import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { pointToPolygonDistance } from '@turf/point-to-polygon-distance';
import { parseFleet } from '../stations/vessels.ts';
import { ZoneIndex } from '../stations/zone-index.ts';
import { parseZones } from '../stations/zones.ts';
import { DEMO_SEA } from './demo-coast.ts';
import { DEMO_ZONES_URL, demoFleetSample } from './fleet-files.ts';
import { REPORT_SECONDS, RETURN_DEADLINE_HOURS, simulateFleet, type Fix, type FleetRun, type FleetScenario } from './vessels.ts';

const HOUR = 3_600_000;
const { zones } = parseZones('demo-zones', readFileSync(DEMO_ZONES_URL, 'utf8'));
const index = new ZoneIndex(zones);
const zoneById = new Map(zones.map((z) => [z.id, z]));
const inPort = (f: Fix): boolean => index.containing(f.lon, f.lat).some((z) => z.kind === 'port');
// A fifth of the fleet (every fifth line, parsed alone to save time): every class and port.
const fifth = demoFleetSample(5);
const vessels = [...parseFleet('demo-fleet', fifth).vessels.values()];
const byId = new Map(vessels.map((v) => [v.id, v]));

const start = Date.parse('2026-07-27T08:00:00+08:00');
const base: FleetScenario = { seed: 11, start, hours: 24, zones, vessels, minIntervalSeconds: 180 };
const calm = simulateFleet(base);
const orderAt = start + 6 * HOUR;
const deadline = orderAt + RETURN_DEADLINE_HOURS * HOUR;
const storm = simulateFleet({ ...base, hours: 16, returnOrderAt: orderAt, misbehaviour: { dark: 0, intruders: 0, loiterers: 0 } });
const faithful = simulateFleet({ ...base, hours: 2, minIntervalSeconds: 0 });
const runs: Array<[string, FleetRun, number]> = [
  ['calm', calm, 24],
  ['storm', storm, 16],
  ['faithful', faithful, 2],
];

const byVessel = (run: FleetRun): Map<string, Fix[]> => {
  const out = new Map<string, Fix[]>();
  for (const f of run.fixes) {
    const fixes = out.get(f.vessel);
    if (fixes) fixes.push(f);
    else out.set(f.vessel, [f]);
  }
  return out;
};
const calmTracks = byVessel(calm);
const stormTracks = byVessel(storm);
const km = (a: Fix, b: Fix): number => Math.hypot((b.lon - a.lon) * 111.32 * Math.cos((a.lat * Math.PI) / 180), (b.lat - a.lat) * 110.574);
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
/** Whether two runs have the same fixes and truth (a loop: deepEqual on 10⁵ fixes is slow). */
const same = (a: FleetRun, b: FleetRun): boolean =>
  a.fixes.length === b.fixes.length &&
  a.fixes.every((f, i) => {
    const g = b.fixes[i]!;
    return f.vessel === g.vessel && f.terminal.id === g.terminal.id && f.ts === g.ts && f.lon === g.lon && f.lat === g.lat && f.speed === g.speed && f.course === g.course;
  }) &&
  JSON.stringify(a.truth) === JSON.stringify(b.truth);

/** Seconds between a terminal's consecutive fixes, where the earlier one passes `when`. */
function gaps(run: FleetRun, kind: string, when: (f: Fix) => boolean): number[] {
  const last = new Map<string, Fix>();
  const out: number[] = [];
  for (const f of run.fixes) {
    if (f.terminal.kind !== kind) continue;
    const prev = last.get(f.terminal.id);
    if (prev && when(prev)) out.push((f.ts - prev.ts) / 1000);
    last.set(f.terminal.id, f);
  }
  return out;
}

describe('simulateFleet', () => {
  it('keeps every fix afloat: none ashore, none in the waters round the Matsu islands', () => {
    for (const [name, run] of runs) {
      const ashore = run.fixes.filter((f) => !DEMO_SEA.afloat([f.lon, f.lat]));
      assert.equal(ashore.length, 0, `${name}: ${ashore.length} fixes ashore, e.g. ${JSON.stringify(ashore[0])}`);
    }
  });

  it('reports sorted fixes from the vessels\' own terminals, speeds and courses in range', () => {
    for (const [name, run, hours] of runs) {
      assert.ok(run.fixes.length > 0, name);
      assert.ok(
        run.fixes.every((f, i) => i === 0 || run.fixes[i - 1]!.ts <= f.ts),
        `${name} sorted`,
      );
      assert.ok(run.fixes.every((f) => f.ts >= start && f.ts <= start + hours * HOUR && Number.isInteger(f.ts)));
      assert.ok(run.fixes.every((f) => byId.get(f.vessel)!.terminals.includes(f.terminal)));
      assert.ok(run.fixes.every((f) => f.speed >= 0 && f.speed <= 12 && f.course >= 0 && f.course < 360), `${name} speed and course`);
    }
    // Under way at their cruising speeds, fishing slower, lying still in port.
    const speeds = calm.fixes.map((f) => f.speed);
    assert.ok(speeds.some((s) => s > 7) && speeds.some((s) => s >= 3 && s <= 4) && speeds.some((s) => s < 0.2));
  });

  it('has some vessels in port and some at sea at the start, and small boats never far from home', () => {
    const first = [...calmTracks.values()].map((fixes) => fixes[0]!).filter((f) => f.ts < start + 10 * 60_000);
    const docked = first.filter(inPort).length;
    assert.ok(docked > 0.2 * first.length && docked < 0.8 * first.length, `${docked} of ${first.length} in port`);
    for (const [id, fixes] of calmTracks) {
      const v = byId.get(id)!;
      if (v.class !== 'small') continue;
      const port = zoneById.get(v.homePort!)!;
      const home = { lon: (port.bbox[0] + port.bbox[2]) / 2, lat: (port.bbox[1] + port.bbox[3]) / 2 } as Fix;
      assert.ok(fixes.every((f) => km(home, f) < 16), `${id} strays from ${port.id}`);
    }
  });

  it('is deterministic: the same scenario gives the same run, another seed another', () => {
    const again = { ...base, hours: 2, minIntervalSeconds: 0 };
    assert.ok(same(simulateFleet(again), faithful));
    assert.ok(!same(simulateFleet({ ...again, seed: 12 }), faithful));
  });

  it('reports at each terminal\'s rate: Beidou 10 min, AIS A 10 s and B 30 s under way, 3 min slow', () => {
    const near = (xs: number[], want: number, tolerance: number, what: string): void => {
      assert.ok(xs.length > 20, `${what}: ${xs.length} gaps`);
      assert.ok(Math.abs(median(xs) - want) <= tolerance, `${what}: median gap ${median(xs)} s`);
    };
    near(gaps(faithful, 'beidou', () => true), 600, 5, 'Beidou');
    near(gaps(faithful, 'ais-a', (f) => f.speed > 4), 10, 1, 'class A under way');
    near(gaps(faithful, 'ais-a', (f) => f.speed < 1), 180, 2, 'class A slow');
    near(gaps(faithful, 'ais-b', (f) => f.speed > 3), 30, 1, 'class B under way');
    near(gaps(faithful, 'ais-b', (f) => f.speed < 1), 180, 2, 'class B slow');
    // The floor thins AIS to one report in three minutes, and leaves Beidou alone.
    near(gaps(calm, 'ais-a', () => true), 180, 2, 'class A floored');
    near(gaps(calm, 'beidou', () => true), 600, 5, 'Beidou floored');
    assert.ok(gaps(calm, 'ais-a', () => true).every((s) => s >= 179));
  });

  it('darkens vessels 6–14 h: no fix from any terminal meanwhile, and they come back elsewhere', () => {
    assert.equal(calm.truth.dark.length, 12);
    for (const d of calm.truth.dark) {
      assert.ok(d.until - d.from >= 6 * HOUR && d.until - d.from <= 14 * HOUR);
      const fixes = calmTracks.get(d.vessel)!;
      assert.ok(!fixes.some((f) => f.ts >= d.from && f.ts < d.until), `${d.vessel} heard while dark`);
      const before = fixes.filter((f) => f.ts < d.from).at(-1);
      const after = fixes.find((f) => f.ts >= d.until);
      if (before && after) assert.ok(km(before, after) > 10, `${d.vessel} came back ${km(before, after).toFixed(1)} km away`);
    }
  });

  it('sends intruders well inside a no-fishing area to fish for 1–3 h', () => {
    assert.equal(calm.truth.intruders.length, 6);
    for (const x of calm.truth.intruders) {
      const zone = zoneById.get(x.zone)!;
      assert.equal(zone.kind, 'no-fishing');
      assert.ok(x.until - x.from >= HOUR, `${x.vessel} inside ${((x.until - x.from) / HOUR).toFixed(1)} h`);
      const inside = calmTracks.get(x.vessel)!.filter((f) => f.ts >= x.from && f.ts <= x.until);
      assert.ok(inside.length >= 6);
      assert.ok(inside.every((f) => index.containing(f.lon, f.lat).includes(zone)), `${x.vessel} stays inside ${x.zone}`);
      assert.ok(inside.some((f) => pointToPolygonDistance([f.lon, f.lat], zone.geometry, { units: 'kilometers' }) < -1), `${x.vessel} gets a km inside`);
      assert.ok(inside.filter((f) => f.speed < 5).length > inside.length / 3, `${x.vessel} fishes there`);
    }
  });

  it('has loiterers drift under 2 kn for 4–6 h outside any port', () => {
    assert.equal(calm.truth.loiterers.length, 8);
    for (const l of calm.truth.loiterers) {
      assert.ok(l.until - l.from >= 4 * HOUR && l.until - l.from <= 6.1 * HOUR, `${l.vessel} ${((l.until - l.from) / HOUR).toFixed(2)} h`);
      const drifting = calmTracks.get(l.vessel)!.filter((f) => f.ts >= l.from && f.ts <= l.until);
      assert.ok(drifting.length >= 20);
      assert.ok(drifting.every((f) => f.speed < 2 && !inPort(f)), `${l.vessel} drifts`);
    }
  });

  it('brings everyone but the stragglers into port by the deadline after the return order', () => {
    // The 15 scripted, and those on the grounds beyond the Matsu islands, 80–100 km from any port, that 6 h are too short for.
    const stragglers = new Set(storm.truth.stragglers);
    assert.ok(stragglers.size >= 15 && stragglers.size <= 35, `${stragglers.size} stragglers`);
    for (const [id, fixes] of stormTracks) {
      if (stragglers.has(id)) continue;
      const out = fixes.filter((f) => f.ts >= deadline && !inPort(f));
      assert.equal(out.length, 0, `${id} outside port after the deadline: ${JSON.stringify(out[0])}`);
    }
    // Stragglers are still out at the deadline (seen out within a Beidou interval of it, or later); those that never return are out at the end.
    for (const id of stragglers) assert.ok(stormTracks.get(id)!.some((f) => f.ts >= deadline - REPORT_SECONDS.beidou.underWay * 1000 && !inPort(f)), `${id} was in`);
    assert.equal(storm.truth.neverReturn.length, 4);
    for (const id of storm.truth.neverReturn) {
      assert.ok(stragglers.has(id));
      assert.ok(!inPort(stormTracks.get(id)!.at(-1)!), `${id} came in`);
    }
    const late = [...stragglers].filter((id) => !storm.truth.neverReturn.includes(id) && inPort(stormTracks.get(id)!.at(-1)!));
    assert.ok(late.length >= 5, `${late.length} stragglers came in late`);
    // Nobody else misbehaves in that run, and without an order nobody straggles.
    assert.deepEqual([storm.truth.dark, storm.truth.intruders, storm.truth.loiterers], [[], [], []]);
    assert.deepEqual([calm.truth.stragglers, calm.truth.neverReturn], [[], []]);
  });
});
