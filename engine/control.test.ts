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
import { CONTROL_SUBJECTS } from './control.ts';
import { startHttpApi } from './http-api.ts';
import { requestControl, serveControl } from './nats/nats-control.ts';
import { startNatsServer } from './nats/nats-server.ts';
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
