// The demo coast and fleet: an invented stretch of the Zhejiang coast on the East China Sea (17
// fishing ports, grounds 20–80 km out, closed areas, a military exercise area and an offshore lane)
// and 2,040 fishing vessels homed in those ports. A pure function of the seed, so the committed
// stations/demo-zones.geojson and stations/demo-fleet.yaml can be checked against it; run as a
// script (`npx tsx simulators/fleet-files.ts`) it writes them.
import { readFileSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { DEFAULT_STORM_SEED } from './hydrology.ts';
import { createRng, deriveSeed, type Rng } from './rng.ts';

export type LonLat = readonly [number, number];

/**
 * The mainland coast, south to north (latitudes increasing): land lies west of it, sea east. Bays
 * and headlands, but one longitude per latitude, so "ashore" is a comparison.
 */
export const DEMO_COAST: readonly LonLat[] = [
  [121.3, 27.6],
  [121.36, 27.8],
  [121.44, 27.95],
  [121.52, 28.08],
  [121.46, 28.18],
  [121.58, 28.3],
  [121.56, 28.42],
  [121.5, 28.55],
  [121.47, 28.66],
  [121.55, 28.76],
  [121.63, 28.88],
  [121.6, 28.98],
  [121.58, 29.06],
  [121.7, 29.14],
  [121.8, 29.22],
  [121.9, 29.32],
  [121.94, 29.45],
  [121.92, 29.58],
  [121.98, 29.8],
];

export const KM_PER_DEG_LAT = 110.574;
export const kmPerDegLon = (lat: number): number => 111.32 * Math.cos((lat * Math.PI) / 180);

/** The coast's longitude at a latitude; beyond its ends, that of the end. */
export function coastLonAt(coast: readonly LonLat[], lat: number): number {
  if (lat <= coast[0]![1]) return coast[0]![0];
  let lo = 0;
  let hi = coast.length - 1;
  if (lat >= coast[hi]![1]) return coast[hi]![0];
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (coast[mid]![1] <= lat) lo = mid;
    else hi = mid;
  }
  const [x0, y0] = coast[lo]!;
  const [x1, y1] = coast[hi]!;
  return x0 + ((x1 - x0) * (lat - y0)) / (y1 - y0);
}

/** How far east of the coast a point is, km; negative ashore. */
export const seawardKm = (coast: readonly LonLat[], lon: number, lat: number): number => (lon - coastLonAt(coast, lat)) * kmPerDegLon(lat);

/**
 * The least seaward distance along a straight leg, km. Exact: along the leg, longitude less the
 * coast's is linear between the coast's vertices, so its least is at an end or at a vertex latitude.
 */
export function legSeawardKm(coast: readonly LonLat[], a: LonLat, b: LonLat): { km: number; lat: number } {
  let worst = { km: seawardKm(coast, a[0], a[1]), lat: a[1] };
  const atB = seawardKm(coast, b[0], b[1]);
  if (atB < worst.km) worst = { km: atB, lat: b[1] };
  const [south, north] = a[1] < b[1] ? [a[1], b[1]] : [b[1], a[1]];
  for (const [, lat] of coast) {
    if (lat <= south || lat >= north) continue;
    const s = (lat - a[1]) / (b[1] - a[1]);
    const km = seawardKm(coast, a[0] + s * (b[0] - a[0]), lat);
    if (km < worst.km) worst = { km, lat };
  }
  return worst;
}

/** A point `km` east of the coast at a latitude. */
export const offshore = (coast: readonly LonLat[], lat: number, km: number): LonLat => [coastLonAt(coast, lat) + km / kmPerDegLon(lat), lat];

const round5 = (x: number): number => Math.round(x * 1e5) / 1e5;

/**
 * A closed ring around a centre: an ellipse of semi-axes a (east) and b (north) km, turned `turn`
 * degrees anticlockwise, its radius wobbled by up to ±wobble; anticlockwise unless `clockwise` (holes).
 */
function blob(rng: Rng, centre: LonLat, a: number, b: number, turn: number, vertices: number, wobble: number, clockwise = false): LonLat[] {
  const rot = (turn * Math.PI) / 180;
  const ring: LonLat[] = [];
  for (let k = 0; k < vertices; k++) {
    const th = (2 * Math.PI * (clockwise ? vertices - k : k)) / vertices;
    const r = 1 + wobble * (2 * rng.next() - 1);
    const x = a * r * Math.cos(th);
    const y = b * r * Math.sin(th);
    const east = x * Math.cos(rot) - y * Math.sin(rot);
    const north = x * Math.sin(rot) + y * Math.cos(rot);
    ring.push([round5(centre[0] + east / kmPerDegLon(centre[1])), round5(centre[1] + north / KM_PER_DEG_LAT)]);
  }
  return [...ring, ring[0]!];
}

interface PortSpec {
  name: string;
  region: string;
}

/** South to north; the region is the county-level GB/T 2260 code the port lies in. */
const PORTS: readonly PortSpec[] = [
  { name: '坎门港', region: '331083' },
  { name: '陈屿港', region: '331083' },
  { name: '石塘港', region: '331081' },
  { name: '钓浜港', region: '331081' },
  { name: '箬山锚地', region: '331081' },
  { name: '松门港', region: '331081' },
  { name: '前所港', region: '331002' },
  { name: '椒江渔港', region: '331002' },
  { name: '上盘港', region: '331082' },
  { name: '桃渚锚地', region: '331082' },
  { name: '健跳港', region: '331022' },
  { name: '浦坝港', region: '331022' },
  { name: '长街港', region: '330226' },
  { name: '强蛟锚地', region: '330226' },
  { name: '石浦港', region: '330225' },
  { name: '东门港', region: '330225' },
  { name: '爵溪港', region: '330225' },
];

/** The registration prefix of a region's fishing vessels (浙 + county + 渔). */
const HULL_PREFIX: Record<string, string> = {
  '331083': '浙玉渔',
  '331081': '浙岭渔',
  '331002': '浙椒渔',
  '331082': '浙临渔',
  '331022': '浙三渔',
  '330226': '浙宁渔',
  '330225': '浙象渔',
};

/** Offshore areas placed by latitude and distance from the coast (km), semi-axes a (east), b (north) km. */
interface AreaSpec {
  id: string;
  name: string;
  kind: 'fishing-ground' | 'no-fishing' | 'restricted';
  lat: number;
  km: number;
  a: number;
  b: number;
  turn: number;
  /** A hole's semi-axes (km) at the centre: an exempt island harbour. */
  hole?: readonly [number, number];
  note?: string;
}

const AREAS: readonly AreaSpec[] = [
  { id: 'G01', name: '披山渔场', kind: 'fishing-ground', lat: 28.02, km: 38, a: 10, b: 14, turn: 10 },
  { id: 'G02', name: '温台渔场', kind: 'fishing-ground', lat: 28.32, km: 62, a: 10, b: 16, turn: -10 },
  { id: 'G03', name: '大陈渔场', kind: 'fishing-ground', lat: 28.5, km: 32, a: 9, b: 12, turn: 15 },
  { id: 'G04', name: '东矶渔场', kind: 'fishing-ground', lat: 28.86, km: 44, a: 9, b: 12, turn: 0 },
  { id: 'G05', name: '猫头洋渔场', kind: 'fishing-ground', lat: 29.1, km: 63, a: 9, b: 14, turn: 15 },
  { id: 'G06', name: '韭山渔场', kind: 'fishing-ground', lat: 29.41, km: 36, a: 9, b: 10, turn: -15 },
  { id: 'G07', name: '鱼山渔场', kind: 'fishing-ground', lat: 29.55, km: 63, a: 10, b: 12, turn: 10 },
  { id: 'N01', name: '大陈幼鱼保护区', kind: 'no-fishing', lat: 28.73, km: 24, a: 7, b: 7, turn: 0, note: '幼鱼保护区: no fishing all year' },
  {
    id: 'N02',
    name: '韭山列岛禁渔区',
    kind: 'no-fishing',
    lat: 29.18,
    km: 30,
    a: 9,
    b: 9,
    turn: 0,
    hole: [3, 2.5],
    note: '禁渔区: no fishing in the summer moratorium; the islands’ own harbour (the hole) is exempt',
  },
  { id: 'R01', name: '军事演习区', kind: 'restricted', lat: 28.6, km: 92, a: 9, b: 11, turn: 0, note: '军事演习区: no entry while an exercise is announced' },
];

/** The offshore lane's centre line and half-width (km). */
const LANE: readonly LonLat[] = [
  [122.42, 27.85],
  [122.6, 28.7],
  [122.86, 29.6],
];
const LANE_HALF_KM = 2;

interface Feature {
  type: 'Feature';
  properties: Record<string, string>;
  geometry: { type: 'Polygon'; coordinates: LonLat[][] };
}

const feature = (properties: Record<string, string>, rings: LonLat[][]): Feature => ({ type: 'Feature', properties, geometry: { type: 'Polygon', coordinates: rings } });

/** A port basin 1–3 km across, far enough east of the coast that no corner is ashore. */
function portRing(rng: Rng, lat: number): LonLat[] {
  const a = 0.5 + 0.9 * rng.next();
  const b = 0.5 + 0.9 * rng.next();
  const vertices = 8 + Math.floor(rng.next() * 5);
  const turn = 40 * (rng.next() - 0.5);
  const shape = rng.next(); // the same wobble wherever the basin ends up
  for (let km = a * 1.15 + 0.3; ; km += 0.1) {
    const ring = blob(createRng(shape * 2 ** 32), offshore(DEMO_COAST, lat, km), a, b, turn, vertices, 0.12);
    if (ring.every((p, i) => i === 0 || legSeawardKm(DEMO_COAST, ring[i - 1]!, p).km >= 0.25)) return ring;
  }
}

/** The lane as one ring: up its east side, down its west side. */
function laneRing(): LonLat[] {
  const side = (km: number): LonLat[] => LANE.map(([lon, lat]): LonLat => [round5(lon + km / kmPerDegLon(lat)), lat]);
  const east = side(LANE_HALF_KM);
  return [...east, ...side(-LANE_HALF_KM).reverse(), east[0]!];
}

function zoneFeatures(seed: number): Feature[] {
  const rng = createRng(deriveSeed(seed, 'zones'));
  const first = DEMO_COAST[2]![1];
  const ports = PORTS.map((p, i) => {
    const lat = first + i * 0.096 + 0.03 * (rng.next() - 0.5);
    return feature({ id: `P${String(i + 1).padStart(2, '0')}`, name: p.name, kind: 'port', region: p.region }, [portRing(rng, lat)]);
  });
  const areas = AREAS.map((s) => {
    const centre = offshore(DEMO_COAST, s.lat, s.km);
    const rings = [blob(rng, centre, s.a, s.b, s.turn, 14 + Math.floor(rng.next() * 7), 0.06)];
    if (s.hole) rings.push(blob(rng, centre, s.hole[0], s.hole[1], 0, 8, 0.05, true));
    return feature({ id: s.id, name: s.name, kind: s.kind, ...(s.note && { note: s.note }) }, rings);
  });
  const lane = feature({ id: 'L01', name: '近海南北航路', kind: 'shipping-lane', note: 'coastal traffic lane, keep clear when fishing' }, [laneRing()]);
  return [...ports, ...areas, lane];
}

/** The demo zones as GeoJSON text, one feature a line. */
function zonesText(seed: number): string {
  const lines = zoneFeatures(seed).map((f) => JSON.stringify(f));
  return `{"type":"FeatureCollection","features":[\n${lines.join(',\n')}\n]}\n`;
}

interface ClassSpec {
  name: string;
  share: number;
  /** Length, m: normal (mean, sd) within [min, max]. */
  length: readonly [number, number, number, number];
}

/** Shares and lengths of a Zhejiang inshore and offshore fleet: trawlers dominate, many small boats. */
const CLASSES: readonly ClassSpec[] = [
  { name: 'trawler', share: 0.34, length: [32, 6, 18, 48] },
  { name: 'gillnetter', share: 0.2, length: [22, 5, 13, 36] },
  { name: 'longliner', share: 0.06, length: [24, 5, 15, 36] },
  { name: 'seiner', share: 0.06, length: [36, 6, 24, 52] },
  { name: 'carrier', share: 0.04, length: [42, 7, 28, 60] },
  { name: 'small', share: 0.3, length: [9, 1.5, 6, 11.9] },
];

export const DEMO_FLEET_SIZE = 2040;

/** Vessels this long and longer carry a class A transponder, shorter ones class B. */
export const CLASS_A_MIN_LENGTH = 24;

/**
 * Who carries AIS besides the Beidou terminal every vessel has: about 30% of the fleet, most of
 * them the bigger boats (a 48 h demo at 3-min AIS stays under 1.2 million fixes at that share).
 */
const aisChance = (length: number): number => (length >= CLASS_A_MIN_LENGTH ? 0.46 : length >= 12 ? 0.25 : 0.06);

const SURNAMES = '陈林王张李黄吴郑周徐叶蔡杨金朱胡何郭潘梁应葛童翁';
const GIVEN = '国建海明华平伟军永志勇德祥福财荣强林松波涛宝兴富明忠良康';
const PHONE_PREFIXES = ['135', '136', '137', '139', '151', '158', '159', '187', '188', '189'];

const pick = <T>(rng: Rng, items: readonly T[]): T => items[Math.floor(rng.next() * items.length)]!;
const digits = (rng: Rng, n: number): string => Array.from({ length: n }, () => Math.floor(rng.next() * 10)).join('');

function drawClass(rng: Rng): ClassSpec {
  let u = rng.next();
  for (const c of CLASSES) {
    u -= c.share;
    if (u < 0) return c;
  }
  return CLASSES[0]!;
}

/** A unique id drawn again until it is new. */
function unique(seen: Set<string>, draw: () => string): string {
  for (;;) {
    const id = draw();
    if (!seen.has(id)) {
      seen.add(id);
      return id;
    }
  }
}

function fleetText(seed: number): string {
  const rng = createRng(deriveSeed(seed, 'fleet'));
  // Bigger harbours home more boats.
  const weights = PORTS.map(() => 0.5 + rng.next() * 1.5);
  const total = weights.reduce((s, w) => s + w, 0);
  const homePort = (): number => {
    let u = rng.next() * total;
    return Math.max(0, weights.findIndex((w) => (u -= w) < 0));
  };
  const mmsis = new Set<string>();
  const terminals = new Set<string>();
  const lines: string[] = [];
  for (let i = 1; i <= DEMO_FLEET_SIZE; i++) {
    const number = String(i).padStart(5, '0');
    const cls = drawClass(rng);
    const [mean, sd, min, max] = cls.length;
    const length = Math.round(Math.min(max, Math.max(min, rng.normal(mean, sd))) * 10) / 10;
    const port = homePort();
    const terminal = unique(terminals, () => `BD33${digits(rng, 5)}`);
    const ais = rng.next() < aisChance(length) ? unique(mmsis, () => `${rng.next() < 0.6 ? '412' : '413'}${digits(rng, 6)}`) : undefined;
    const owner = `${pick(rng, [...SURNAMES])}${pick(rng, [...GIVEN])}${pick(rng, [...GIVEN])}`;
    const phone = `${pick(rng, PHONE_PREFIXES)}${digits(rng, 8)}`;
    const fields = [
      `id: ZY${number}`,
      `name: ${HULL_PREFIX[PORTS[port]!.region]}${number}`,
      `class: ${cls.name}`,
      `length: ${length}`,
      `home_port: P${String(port + 1).padStart(2, '0')}`,
      `terminal: ${terminal}`,
      ...(ais ? [`mmsi: "${ais}"`, `ais: ${length >= CLASS_A_MIN_LENGTH ? 'A' : 'B'}`] : []),
      `owner: { name: ${owner}, phone: "${phone}" }`,
    ];
    lines.push(`  - { ${fields.join(', ')} }`);
  }
  return [
    '# The demo fleet: 2,040 fishing vessels of the coast in demo-zones.geojson, one a line. Generated by',
    '# simulators/fleet-files.ts (`npx tsx simulators/fleet-files.ts`); edit the generator, not this file.',
    '# Every vessel has a Beidou terminal; about 30% also an AIS transponder (class A from 24 m, B below).',
    'vessels:',
    ...lines,
    '',
  ].join('\n');
}

/** The demo zones (GeoJSON) and fleet (YAML) texts; the same seed gives the same bytes. */
export function demoFleetFiles(seed: number = DEFAULT_STORM_SEED): { zones: string; fleet: string } {
  return { zones: zonesText(seed), fleet: fleetText(seed) };
}

export const DEMO_ZONES_URL = new URL('../stations/demo-zones.geojson', import.meta.url);
export const DEMO_FLEET_URL = new URL('../stations/demo-fleet.yaml', import.meta.url);

/** The demo fleet file with every n-th vessel only (each class and port still there): for tests that need a fleet, not all of it. */
export function demoFleetSample(every: number): string {
  let line = 0;
  return readFileSync(DEMO_FLEET_URL, 'utf8')
    .split('\n')
    .filter((l) => !l.startsWith('  - ') || line++ % every === 0)
    .join('\n');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { zones, fleet } = demoFleetFiles();
  writeFileSync(DEMO_ZONES_URL, zones);
  writeFileSync(DEMO_FLEET_URL, fleet);
  process.stdout.write(`wrote ${DEMO_ZONES_URL.pathname} and ${DEMO_FLEET_URL.pathname}\n`);
}
