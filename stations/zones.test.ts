import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { formatError, type LocatedError } from '../engine/yaml-file.ts';
import { loadZones, parseZones } from './zones.ts';

const FIXTURE = 'stations/zones.test.geojson';

test('a valid file round-trips: a polygon with a hole, a multipolygon, Chinese names, extra properties', () => {
  const { zones, errors } = loadZones(FIXTURE);
  assert.deepEqual(errors, []);
  const features = (JSON.parse(readFileSync(FIXTURE, 'utf8')) as { features: { geometry: unknown }[] }).features;
  assert.deepEqual(zones, [
    {
      id: 'wenzhou-port',
      name: '温州港',
      kind: 'port',
      geometry: features[0]!.geometry,
      bbox: [121.8, 27.9, 122.0, 28.1],
      properties: { berths: 12 },
    },
    {
      id: 'nf_1',
      name: '南麂禁渔区',
      kind: 'no-fishing',
      region: '330300',
      geometry: features[1]!.geometry,
      bbox: [122.2, 28.0, 122.6, 28.1],
      properties: { authority: '温州海事局' },
    },
  ]);
});

/** A one-feature file, one member a line, so errors have distinct lines. */
const oneFeature = (properties: string, geometry: string): string => `{
  "type": "FeatureCollection",
  "features": [
    {
      "type": "Feature",
      "properties": ${properties},
      "geometry": ${geometry}
    }
  ]
}`;
const PROPS = '{ "id": "a", "name": "港区", "kind": "port" }';
const SQUARE = '{ "type": "Polygon", "coordinates": [[[122, 28], [122.1, 28], [122.1, 28.1], [122, 28.1], [122, 28]]] }';

/** The only error of a file, and the source text it points at. */
function onlyError(text: string): { error: string; at: string } {
  const { zones, errors } = parseZones('z.geojson', text);
  assert.deepEqual(zones, []);
  assert.equal(errors.length, 1, errors.map(formatError).join('\n'));
  const e: LocatedError = errors[0]!;
  return { error: formatError(e), at: text.split('\n')[e.line - 1]!.slice(e.column - 1, e.column + 11) };
}

test('an unclosed ring is reported at its last position', () => {
  const geometry = '{ "type": "Polygon", "coordinates": [[[122, 28], [122.1, 28], [122.1, 28.1], [122, 28.1], [122, 28.05]]] }';
  assert.deepEqual(onlyError(oneFeature(PROPS, geometry)), {
    error: 'z.geojson:7:109: features.0.geometry.coordinates.0.4: ring is not closed: its last position must repeat the first',
    at: '[122, 28.05]',
  });
});

test('a ring of fewer than 4 positions is reported at the ring', () => {
  const geometry = '{ "type": "MultiPolygon", "coordinates": [[[[122, 28], [122.1, 28], [122, 28]]]] }';
  assert.deepEqual(onlyError(oneFeature(PROPS, geometry)), {
    error: 'z.geojson:7:62: features.0.geometry.coordinates.0.0: a ring needs at least 4 positions (3 corners and the first repeated), found 3',
    at: '[[122, 28], ',
  });
});

test('an unknown kind lists the allowed ones', () => {
  assert.deepEqual(onlyError(oneFeature('{ "id": "a", "name": "港区", "kind": "harbour" }', SQUARE)), {
    error:
      'z.geojson:6:56: features.0.properties.kind: unknown zone kind "harbour": must be one of port, anchorage, no-fishing, restricted, shipping-lane, fishing-ground',
    at: '"harbour" },',
  });
});

test('a duplicate id is reported at the second, naming the first', () => {
  const text = `{
  "type": "FeatureCollection",
  "features": [
    { "type": "Feature", "properties": { "id": "a", "name": "一", "kind": "port" }, "geometry": ${SQUARE} },
    { "type": "Feature", "properties": { "id": "a", "name": "二", "kind": "anchorage" }, "geometry": ${SQUARE} }
  ]
}`;
  assert.deepEqual(onlyError(text), { error: 'z.geojson:5:48: zone id "a" appears twice (first at line 4)', at: '"a", "name":' });
});

test('a missing id is reported at the properties', () => {
  assert.deepEqual(onlyError(oneFeature('{ "name": "港区", "kind": "port" }', SQUARE)), {
    error: 'z.geojson:6:21: features.0.properties.id: is required',
    at: '{ "name": "港',
  });
});

test('a longitude out of range is reported at the number', () => {
  const geometry = '{ "type": "Polygon", "coordinates": [[[122, 28], [182.1, 28], [122.1, 28.1], [122, 28]]] }';
  assert.deepEqual(onlyError(oneFeature(PROPS, geometry)), {
    error: 'z.geojson:7:69: features.0.geometry.coordinates.0.1.0: longitude must be within [-180, 180]',
    at: '182.1, 28], ',
  });
});

test('a geometry other than (Multi)Polygon is reported at its type', () => {
  const geometry = '{ "type": "LineString", "coordinates": [[122, 28], [122.1, 28]] }';
  assert.deepEqual(onlyError(oneFeature(PROPS, geometry)), {
    error: 'z.geojson:7:29: features.0.geometry.type: geometry must be a Polygon or MultiPolygon, not "LineString"',
    at: '"LineString"',
  });
});

test('invalid JSON is reported where it goes wrong, in JSON terms', () => {
  // The comma after "properties" is missing.
  const text = oneFeature(PROPS, SQUARE).replace(`${PROPS},`, PROPS);
  assert.deepEqual(onlyError(text), { error: `z.geojson:7:7: invalid JSON: Expected ',' or '}' after property value`, at: '"geometry": ' });
  // Cut short after "features": [ — JSON.parse gives no position, so the YAML parser's (the end) is used.
  const full = oneFeature(PROPS, SQUARE);
  assert.deepEqual(onlyError(full.slice(0, full.indexOf('[') + 1)).error, 'z.geojson:3:16: invalid JSON: Flow sequence in block collection must be sufficiently indented and end with a ]');
});

test('not a FeatureCollection', () => {
  assert.deepEqual(onlyError('{ "type": "Feature", "features": [] }'), { error: 'z.geojson:1:11: type: must be "FeatureCollection"', at: '"Feature", "' });
});
