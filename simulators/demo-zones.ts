// The demo county's zones, as GeoJSON: the 17 fishing ports and anchorages of Lianjiang (basins
// 1–3 km across on the shore of the Min River mouth, the Huangqi peninsula and Luoyuan Bay), seven
// fishing grounds, two closed areas, a military exercise area and a coastal lane, all in the open
// sea north-east, east and south-east of the Matsu islands and at least 15 km from them. Pure: the
// seed only shapes the outlines.
import { DEMO_SEA } from './demo-coast.ts';
import { kmPerDegLon, type LonLat } from './lonlat.ts';
import { ellipseRing, round5, type Ellipse } from './rings.ts';
import { createRng, deriveSeed, type Rng } from './rng.ts';

/** Every port and vessel of the demo is in Lianjiang County (GB/T 2260). */
export const DEMO_REGION = '350122';

/** The ports, P01 onwards: a point on the shore each basin is placed against, round the coast from 黄岐. */
export const PORTS: readonly { name: string; shore: LonLat }[] = [
  { name: '黄岐中心渔港', shore: [119.855, 26.326] },
  { name: '筱埕渔港', shore: [119.812, 26.322] },
  { name: '定海渔港', shore: [119.775, 26.293] },
  { name: '安凯渔港', shore: [119.732, 26.285] },
  { name: '坑园渔港', shore: [119.69, 26.283] },
  { name: '浦口渔港', shore: [119.645, 26.262] },
  { name: '晓澳渔港', shore: [119.664, 26.224] },
  { name: '东岱渔港', shore: [119.613, 26.182] },
  { name: '琯头渔港', shore: [119.585, 26.138] },
  { name: '粗芦岛锚地', shore: [119.658, 26.152] },
  { name: '川石锚地', shore: [119.678, 26.112] },
  { name: '北茭渔港', shore: [119.943, 26.372] },
  { name: '苔菉渔港', shore: [119.879, 26.365] },
  { name: '可门港', shore: [119.848, 26.4] },
  { name: '下宫渔港', shore: [119.784, 26.386] },
  { name: '官坂渔港', shore: [119.748, 26.345] },
  { name: '马鼻渔港', shore: [119.656, 26.39] },
];

/** Offshore areas: an outline round a centre, semi-axes a (east) and b (north) km. */
interface AreaSpec {
  id: string;
  name: string;
  kind: 'fishing-ground' | 'no-fishing' | 'restricted';
  centre: LonLat;
  a: number;
  b: number;
  turn: number;
  /** A hole's semi-axes (km) at the centre: an exempt anchorage. */
  hole?: readonly [number, number];
  note?: string;
}

const AREAS: readonly AreaSpec[] = [
  { id: 'G01', name: '北茭外渔场', kind: 'fishing-ground', centre: [120.28, 26.55], a: 9, b: 7, turn: 10 },
  { id: 'G02', name: '东引北渔场', kind: 'fishing-ground', centre: [120.615, 26.66], a: 7, b: 10, turn: -10 },
  { id: 'G03', name: '闽中渔场', kind: 'fishing-ground', centre: [120.36, 25.84], a: 8.5, b: 8, turn: 15 },
  { id: 'G04', name: '东引南渔场', kind: 'fishing-ground', centre: [120.6, 26.14], a: 7, b: 9, turn: 0 },
  { id: 'G05', name: '马祖东渔场', kind: 'fishing-ground', centre: [120.25, 26.06], a: 8.5, b: 8, turn: -15 },
  { id: 'G06', name: '闽江口外渔场', kind: 'fishing-ground', centre: [120.15, 25.82], a: 9, b: 8, turn: 10 },
  { id: 'G07', name: '马祖东南渔场', kind: 'fishing-ground', centre: [120.55, 25.95], a: 7, b: 7, turn: 0 },
  { id: 'N01', name: '东引北幼鱼保护区', kind: 'no-fishing', centre: [120.45, 26.58], a: 6, b: 6, turn: 0, note: '幼鱼保护区: no fishing all year' },
  {
    id: 'N02',
    name: '马祖东禁渔区',
    kind: 'no-fishing',
    centre: [120.43, 26.1],
    a: 5.5,
    b: 8,
    turn: 0,
    hole: [2, 1.6],
    note: '禁渔区: no fishing in the summer moratorium; the anchorage in its middle (the hole) is exempt',
  },
  { id: 'R01', name: '军事演习区', kind: 'restricted', centre: [121.15, 26.66], a: 8, b: 10, turn: 0, note: '军事演习区: no entry while an exercise is announced' },
];

/** The coastal lane's centre line (east of the Matsu islands, west of the strait's median line) and half-width (km). */
const LANE: readonly LonLat[] = [
  [120.7, 25.95],
  [120.74, 26.35],
  [120.71, 26.95],
];
const LANE_HALF_KM = 2;

interface Feature {
  type: 'Feature';
  properties: Record<string, string>;
  geometry: { type: 'Polygon'; coordinates: LonLat[][] };
}

const feature = (properties: Record<string, string>, rings: LonLat[][]): Feature => ({ type: 'Feature', properties, geometry: { type: 'Polygon', coordinates: rings } });

/** An outline whose radius wobbles by up to ±wobble, the same for the same `shape`. */
const blob = (e: Ellipse, shape: number, wobble: number, clockwise = false): LonLat[] => {
  const rng = createRng(shape * 2 ** 32);
  return ellipseRing(e, () => 1 + wobble * (2 * rng.next() - 1), clockwise);
};

/** Afloat with room to spare: every corner, and every edge at least 0.1 km from the shore. */
const fits = (ring: readonly LonLat[]): boolean => ring.every((p, i) => i === 0 || DEMO_SEA.legClearanceKm(ring[i - 1]!, p, 0.1) >= 0.1);

/**
 * A port basin 1–3 km across against its shore point: moved out along the way to open water until
 * it floats clear of the shore, made smaller where the water is narrow (the Min River at 琯头).
 */
function portRing(rng: Rng, shore: LonLat): LonLat[] {
  let a = 0.5 + 0.9 * rng.next();
  let b = 0.5 + 0.9 * rng.next();
  const vertices = 8 + Math.floor(rng.next() * 5);
  const turn = 40 * (rng.next() - 0.5);
  const shape = rng.next();
  const [toLon, toLat] = DEMO_SEA.seaward(shore, 3);
  // Degrees a kilometre out towards open water.
  const [dLon, dLat] = [(toLon - shore[0]) / 3, (toLat - shore[1]) / 3];
  for (;;) {
    for (let km = 0; km <= 3; km += 0.05) {
      const centre: LonLat = [shore[0] + dLon * km, shore[1] + dLat * km];
      const ring = blob({ centre, a, b, turn, vertices }, shape, 0.12);
      if (fits(ring)) return ring;
    }
    [a, b] = [a * 0.85, b * 0.85];
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
  const ports = PORTS.map((p, i) => feature({ id: `P${String(i + 1).padStart(2, '0')}`, name: p.name, kind: 'port', region: DEMO_REGION }, [portRing(rng, p.shore)]));
  const areas = AREAS.map((s) => {
    const rings = [blob({ centre: s.centre, a: s.a, b: s.b, turn: s.turn, vertices: 14 + Math.floor(rng.next() * 7) }, rng.next(), 0.06)];
    if (s.hole) rings.push(blob({ centre: s.centre, a: s.hole[0], b: s.hole[1], turn: 0, vertices: 8 }, rng.next(), 0.05, true));
    return feature({ id: s.id, name: s.name, kind: s.kind, ...(s.note && { note: s.note }) }, rings);
  });
  const lane = feature({ id: 'L01', name: '东引外南北航路', kind: 'shipping-lane', note: 'coastal traffic lane, keep clear when fishing' }, [laneRing()]);
  return [...ports, ...areas, lane];
}

/** The demo zones as GeoJSON text, one feature a line. */
export function zonesText(seed: number): string {
  const lines = zoneFeatures(seed).map((f) => JSON.stringify(f));
  return `{"type":"FeatureCollection","features":[\n${lines.join(',\n')}\n]}\n`;
}
