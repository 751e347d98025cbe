import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatError } from '../engine/yaml-file.ts';
import { applyStatic, parseFleet } from './vessels.ts';

const ports = new Map([['P01', { lon: 119.86, lat: 26.31, region: '350122' }]]);

test('a vessel becomes a station tagged with its class, terminals and home port, at its port and in its region', () => {
  const fleet = parseFleet(
    'fleet.yaml',
    `vessels:
  - id: ZY00001
    name: 闽连渔00001
    class: trawler
    length: 38.5
    home_port: P01
    mmsi: "412401001"
    ais: A
    terminal: BD0000001
    owner: { name: 张三, phone: "13800000001" }
`,
    ports,
  );
  assert.deepEqual(fleet.errors, []);
  assert.deepEqual(fleet.stations.get('ZY00001'), {
    id: 'ZY00001', name: '闽连渔00001', domain: 'vessel', lon: 119.86, lat: 26.31, region: '350122',
    tags: ['trawler', 'ais-a', 'beidou', 'port:P01'], params: { length: 38.5, report_minutes: 3 },
  });
  assert.equal(fleet.byTerminal.get('412401001'), 'ZY00001');
  assert.equal(fleet.byTerminal.get('BD0000001'), 'ZY00001');
  const v = applyStatic(fleet.vessels.get('ZY00001')!, { callsign: 'BZAB1', imo: 9134270, length: 40 });
  assert.equal(v.callsign, 'BZAB1');
  assert.equal(v.length, 38.5, 'the file stays the authority for what it states');
});

test('errors at file:line:column: no terminal, MMSI without class, unknown port, a terminal twice, an id twice', () => {
  const fleet = parseFleet(
    'fleet.yaml',
    `vessels:
  - { id: A, name: a, class: small }
  - { id: B, name: b, class: small, mmsi: "412000001" }
  - { id: C, name: c, class: small, terminal: BD1, home_port: P99 }
  - { id: D, name: d, class: small, terminal: BD1 }
  - { id: D, name: d, class: small, terminal: BD2, mmsi: "41200" , ais: B }
`,
    ports,
  );
  assert.deepEqual(fleet.errors.map(formatError), [
    'fleet.yaml:6:58: vessels.4.mmsi: must be nine digits, quoted',
  ]);
  const ok = parseFleet('fleet.yaml', `vessels:
  - { id: A, name: a, class: small }
  - { id: B, name: b, class: small, mmsi: "412000001" }
  - { id: C, name: c, class: small, terminal: BD1, home_port: P99 }
  - { id: D, name: d, class: small, terminal: BD1 }
  - { id: D, name: d, class: small, terminal: BD2 }
`, ports);
  assert.deepEqual(ok.errors.map(formatError), [
    'fleet.yaml:2:11: vessel A has no terminal: give "mmsi" (with "ais") or "terminal" (Beidou)',
    'fleet.yaml:3:43: give "ais: A" or "ais: B" with an MMSI',
    'fleet.yaml:4:63: no port "P99" among the zones',
    'fleet.yaml:5:47: terminal BD1 is already C\'s',
    'fleet.yaml:6:11: vessel id "D" appears twice',
  ]);
});
