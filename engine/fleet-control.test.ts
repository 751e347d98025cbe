// The vessel side of a running engine: zones and the fleet wired in, the online rate sampled on the
// clock, the typhoon port-return order raised by the clock at its deadline, and the fleet standing
// (who is still out) over HTTP and a real nats-server.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { connect } from '@nats-io/transport-node';
import { lastValueFrom, toArray } from 'rxjs';
import { loadRules } from '../rules/loader.ts';
import { OnlineRate } from '../stations/online-rate.ts';
import { parseFleet } from '../stations/vessels.ts';
import { parseZones, portPlaces } from '../stations/zones.ts';
import { CONTROL_SUBJECTS } from './control.ts';
import type { FleetStanding } from './evaluator.ts';
import { startHttpApi } from './http-api.ts';
import { requestControl, serveControl } from './nats/nats-control.ts';
import { startNatsServer } from './servers/nats-server.ts';
import { observationSubject, type Observation } from './observation.ts';
import { startEngine } from './pipeline.ts';
import { MemoryBus } from './sources/memory-bus.ts';
import { openDuckDbStore } from './store/duckdb-store.ts';

const square = (w: number, s: number, e: number, n: number) => [[w, s], [e, s], [e, n], [w, n], [w, s]];
const zones = parseZones(
  'z.geojson',
  JSON.stringify({ type: 'FeatureCollection', features: [{ type: 'Feature', properties: { id: 'P1', name: '石浦港', kind: 'port', region: '331082' }, geometry: { type: 'Polygon', coordinates: [square(122.0, 29.0, 122.02, 29.02)] } }] }),
);
const fleet = parseFleet(
  'fleet.yaml',
  `vessels:
  - { id: V1, name: 浙岭渔1, class: trawler, home_port: P1, terminal: BD1 }
  - { id: V2, name: 浙岭渔2, class: gillnetter, home_port: P1, terminal: BD2 }
  - { id: V3, name: 浙岭渔3, class: small, home_port: P1, terminal: BD3 }
`,
  portPlaces(zones.zones),
);

const T0 = Date.parse('2026-09-10T08:00:00+08:00');
const fix = (vessel: string, lon: number, lat: number): Observation => ({ domain: 'vessel', station: vessel, metric: 'position', ts: T0, position: { lon, lat, speed: 5 }, quality: 'reliable', source: `beidou:BD${vessel.slice(1)}` });
const signal: Observation = { domain: 'typhoon', station: '331082', metric: 'signal', ts: T0, value: 3, quality: 'reliable' };

test('port return in a running engine: the clock passes the deadline, those out are warned, the standing lists them over HTTP and NATS', async () => {
  assert.deepEqual([...zones.errors, ...fleet.errors], []);
  let now = T0;
  const store = await openDuckDbStore(':memory:');
  const bus = new MemoryBus();
  const { reports, evaluator, control } = await startEngine(bus.source(), loadRules('rules/packs/vessels'), fleet.stations, {
    store, publisher: bus, sinks: [], tickMs: 5, batch: { maxWaitMs: 1 }, clock: () => now, zones: zones.zones, samplers: [new OnlineRate(fleet)],
  });
  const all = lastValueFrom(reports.pipe(toArray()));
  const controls = { evaluator, control, clock: () => now };
  const http = await startHttpApi(controls, 0);
  const server = await startNatsServer({ jetstream: false });
  const nc = await connect({ servers: server.url });
  serveControl(nc, controls);
  const until = async (what: string, ok: () => boolean) => {
    for (let i = 0; i < 300 && !ok(); i++) await new Promise((r) => setTimeout(r, 10));
    assert.ok(ok(), what);
  };
  try {
    for (const o of [fix('V1', 122.3, 29.3), fix('V2', 122.01, 29.01), signal]) await bus.publish(observationSubject(o), new TextEncoder().encode(JSON.stringify(o)));
    await until('the order is given', () => evaluator.fleetStanding('typhoon-port-return')?.since === T0);
    now = T0 + 20 * 60_000;
    await until('the online rate is sampled once a tolerance window has passed', () => evaluator.latestReading('fleet.all.online_rate')?.ts === now);
    assert.equal(evaluator.latestReading('fleet.all.online_rate')!.value, 66.667, 'two of three terminals heard');
    now = T0 + 6 * 3_600_000 + 60_000;
    await until('the deadline passes', () => evaluator.active().filter((a) => a.rule === 'typhoon-port-return').length === 2);
    const res = await fetch(`${http.url}/fleet/standing?rule=typhoon-port-return`);
    assert.equal(res.status, 200);
    const standing = (await res.json()) as FleetStanding & { ok: boolean };
    assert.deepEqual([standing.inForce, standing.count, standing.watched, standing.deadline], [true, 2, 3, T0 + 6 * 3_600_000]);
    assert.deepEqual(standing.holding.map((h) => [h.vessel, h.tier]), [['V1', 'orange'], ['V3', 'orange']]);
    assert.deepEqual(await requestControl(nc, CONTROL_SUBJECTS.fleet, {}), standing, 'NATS gives the same, typhoon-port-return by default');
    assert.deepEqual(await requestControl(nc, CONTROL_SUBJECTS.fleet, { rule: 'dark-vessel' }), { ok: false, error: 'no geofence rule "dark-vessel"' });
    assert.equal((await fetch(`${http.url}/fleet/standing?rule=`)).status, 400);
    assert.ok((await store.range('fleet.all.online_rate', T0 - 86_400_000, now + 1)).length >= 1, 'the online rate is stored like any series');
  } finally {
    bus.close();
    await all;
    await nc.close();
    await server.stop();
    http.server.close();
    await store.close();
  }
});
