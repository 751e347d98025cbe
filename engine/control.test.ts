// Operator control of a running engine: the mode over HTTP and over a real nats-server, recorded
// with who and why; hot reload from a watched directory, an invalid file kept out.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { connect } from '@nats-io/transport-node';
import { lastValueFrom, toArray } from 'rxjs';
import type { RuleSet } from '../rules/loader.ts';
import { parseRuleFile } from '../rules/loader.ts';
import { loadRegistry } from '../stations/registry.ts';
import { tideModel } from '../stations/tide.ts';
import { CONTROL_SUBJECTS } from './control.ts';
import { startHttpApi } from './http-api.ts';
import { requestControl, serveControl } from './nats/nats-control.ts';
import { startNatsServer } from './servers/nats-server.ts';
import { observationSubject, type Observation } from './observation.ts';
import { startEngine } from './pipeline.ts';
import { watchRules } from './rules-watcher.ts';
import { MemoryBus } from './sources/memory-bus.ts';
import type { Station } from './station.ts';
import { openDuckDbStore } from './store/duckdb-store.ts';
import { formatError, type LocatedError } from './yaml-file.ts';

const RULE = 'id: high\ntitle: High\ndomain: hydrology\nmatch: { metric: stage }\ntiers: { yellow: { above: 5 } }\nmodes: { emergency: { tiers: { yellow: { above: 4 } } } }\n';
const stations = new Map<string, Station>([['H1', { id: 'H1', name: 'H1', domain: 'hydrology', lon: 0, lat: 0, tags: [], params: {} }]]);
const T0 = Date.parse('2026-07-01T00:00:00Z');
const obs = (minute: number, value: number): Observation => ({ domain: 'hydrology', station: 'H1', metric: 'stage', ts: T0 + minute * 60_000, value, quality: 'reliable' });

test('mode over HTTP and NATS: validated, switched between batches, recorded, and it changes the thresholds', async () => {
  const store = await openDuckDbStore(':memory:');
  const bus = new MemoryBus();
  const { reports, evaluator, control } = await startEngine(bus.source(), parseRuleFile('r.yaml', RULE), stations, { store, publisher: bus, sinks: [], tickMs: 0, batch: { maxWaitMs: 1 } });
  const done = lastValueFrom(reports.pipe(toArray()));
  const http = await startHttpApi({ evaluator, control }, 0);
  const server = await startNatsServer({ jetstream: false });
  const nc = await connect({ servers: server.url });
  try {
    const call = async (method: string, path: string, body?: string) => {
      const res = await fetch(`${http.url}${path}`, { method, ...(body !== undefined && { body }) });
      return { status: res.status, json: (await res.json()) as Record<string, unknown> };
    };
    assert.deepEqual(await call('GET', '/mode'), { status: 200, json: { ok: true, mode: 'normal' } });
    const bad = await call('POST', '/mode', '{"mode": "war"}');
    assert.equal(bad.status, 400);
    assert.match(String(bad.json.error), /^expected \{"mode".*mode: Invalid option.*by: .*reason: /);
    assert.equal((await call('POST', '/mode', 'not json')).status, 400);
    assert.equal((await call('GET', '/nowhere')).status, 404);

    await bus.publish(observationSubject(obs(0, 4.5)), new TextEncoder().encode(JSON.stringify(obs(0, 4.5))));
    assert.deepEqual(await call('POST', '/mode', JSON.stringify({ mode: 'emergency', by: 'duty forecaster Lin', reason: 'typhoon response level IV' })), {
      status: 200,
      json: { ok: true, mode: 'emergency', previous: 'normal' },
    });
    // Under emergency thresholds (4 m) the same stage now warns.
    await bus.publish(observationSubject(obs(5, 4.5)), new TextEncoder().encode(JSON.stringify(obs(5, 4.5))));

    serveControl(nc, { evaluator, control });
    assert.deepEqual(await requestControl(nc, CONTROL_SUBJECTS.mode), { ok: true, mode: 'emergency' });
    assert.deepEqual(await requestControl(nc, CONTROL_SUBJECTS.setMode, { mode: 'normal', by: 'chief Wang', reason: 'response lifted' }), { ok: true, mode: 'normal', previous: 'emergency' });
    assert.equal((await requestControl(nc, CONTROL_SUBJECTS.setMode, { mode: 'normal' })).ok, false);
    const active = await requestControl(nc, CONTROL_SUBJECTS.active);
    assert.deepEqual((active as unknown as { active: { rule: string; tier: string }[] }).active.map((a) => [a.rule, a.tier]), [['high', 'yellow']]);

    bus.close();
    const events = (await done).flatMap((r) => r.events);
    assert.deepEqual(events.map((e) => [e.kind, e.tier, e.mode]), [['issued', 'yellow', 'emergency']]);
    assert.deepEqual((await store.audit('mode')).map((a) => [a.value, a.by, a.reason]), [
      ['emergency', 'duty forecaster Lin', 'typhoon response level IV'],
      ['normal', 'chief Wang', 'response lifted'],
    ]);
  } finally {
    await nc.close();
    await server.stop();
    http.server.close();
    await store.close();
  }
});

test('the watcher hands on a valid set and reports an invalid one with file:line:column', { timeout: 10_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'seed-watch-'));
  const seen: { valid?: RuleSet; invalid?: LocatedError[] }[] = [];
  let wake: () => void = () => undefined;
  const next = () => new Promise<void>((r) => (wake = r));
  writeFileSync(join(dir, 'a.yaml'), RULE);
  const stop = watchRules(dir, { valid: (set) => (seen.push({ valid: set }), wake()), invalid: (errors) => (seen.push({ invalid: errors }), wake()) }, 50);
  try {
    let change = next();
    writeFileSync(join(dir, 'a.yaml'), RULE.replace('above: 5', 'above: "5 +"'));
    await change;
    const errors = seen.at(-1)!.invalid!.map(formatError);
    assert.equal(errors.length, 1);
    assert.ok(errors[0]!.endsWith('a.yaml:5:31: expected a number or station.<parameter> at the end'), errors[0]);
    change = next();
    writeFileSync(join(dir, 'a.yaml'), RULE.replace('above: 5', 'above: 6'));
    await change;
    assert.deepEqual(seen.at(-1)!.valid!.rules.map((r) => r.id), ['high']);
  } finally {
    stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('coming high waters over HTTP and NATS: predicted from the harmonics, forecast with the surge of the latest level', async () => {
  const registry = loadRegistry('stations/demo-county.yaml').stations;
  const t01 = registry.get('T01')!;
  const now = Date.parse('2026-07-28T08:00:00+08:00');
  const level: Observation = { domain: 'tide', station: 'T01', metric: 'level', ts: now, value: tideModel(t01.harmonics!).level(now) + 0.8, unit: 'm', quality: 'reliable' };
  const store = await openDuckDbStore(':memory:');
  const bus = new MemoryBus();
  const { reports, evaluator, control } = await startEngine(bus.source(), parseRuleFile('r.yaml', RULE), registry, { store, publisher: bus, sinks: [], tickMs: 0, batch: { maxWaitMs: 1 } });
  const done = lastValueFrom(reports.pipe(toArray()));
  const controls = { evaluator, control, clock: () => now };
  const http = await startHttpApi(controls, 0);
  const server = await startNatsServer({ jetstream: false });
  const nc = await connect({ servers: server.url });
  try {
    await bus.publish(observationSubject(level), new TextEncoder().encode(JSON.stringify(level)));
    for (let i = 0; i < 200 && !evaluator.latestReading('tide.T01.level'); i++) await new Promise((r) => setTimeout(r, 10));
    const res = await fetch(`${http.url}/tides/high-waters?station=T01&hours=24`);
    const body = (await res.json()) as { ok: boolean; surge: { value: number }; highWaters: { ts: number; predicted: number; forecast: number; tier?: string }[] };
    assert.equal(res.status, 200);
    assert.ok(Math.abs(body.surge.value - 0.8) < 0.001, `surge ${body.surge.value}`);
    const expected = tideModel(t01.harmonics!).highWaters(now, now + 24 * 3_600_000);
    assert.deepEqual(body.highWaters.map((h) => h.ts), expected.map((h) => h.ts));
    for (const h of body.highWaters) {
      assert.ok(Math.abs(h.forecast - (h.predicted + 0.8)) < 1e-9, 'the surge now carried forward');
      const reached = (['red', 'orange', 'yellow', 'blue'] as const).find((t) => h.forecast >= t01.params[`tide_${t}`]!);
      assert.equal(h.tier, reached);
    }
    serveControl(nc, controls);
    const viaNats = await requestControl(nc, CONTROL_SUBJECTS.highWaters, { station: 'T01', hours: 24 });
    assert.deepEqual(viaNats, body);
    assert.deepEqual(await requestControl(nc, CONTROL_SUBJECTS.highWaters, { station: 'H01' }), { ok: false, error: 'station H01 has no harmonic constants' });
    const bad = await fetch(`${http.url}/tides/high-waters?station=T01&hours=-1`);
    assert.equal(bad.status, 400);
  } finally {
    bus.close();
    await done;
    await nc.close();
    await server.stop();
    http.server.close();
    await store.close();
  }
});
