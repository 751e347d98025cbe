// China's five forest-fire danger levels (森林火险等级) from the Fire Weather Index, by class breaks
// that each county can set from its own fire history. The default breaks are the five-class FWI
// chart of the Minnesota DNR ("Canadian Model", statewide generalized fire danger rating chart,
// from 1985–1998 weather: low 0–4.9, moderate 5.0–13.9, high 14.0–20.9, very high 21.0–32.9,
// extreme 33+), taken low → level 1 … extreme → level 5. We found no published mapping of FWI
// to China's levels; like that chart says of itself, breaks should be recalibrated locally.

export type DangerLevel = 1 | 2 | 3 | 4 | 5;

/** Lower bounds of levels 2, 3, 4 and 5; a value on a bound takes the higher level. */
export type DangerBreaks = readonly [number, number, number, number];

export const DEFAULT_BREAKS: DangerBreaks = [5, 14, 21, 33];

export interface DangerLevelInfo {
  zh: string;
  en: string;
  colour: 'green' | 'blue' | 'yellow' | 'orange' | 'red';
  colourZh: string;
  /** Level 5 bans all fire in forests. */
  bansAllFire: boolean;
}

export const DANGER_LEVELS: Readonly<Record<DangerLevel, DangerLevelInfo>> = {
  1: { zh: '低', en: 'low', colour: 'green', colourZh: '绿色', bansAllFire: false },
  2: { zh: '较低', en: 'fairly low', colour: 'blue', colourZh: '蓝色', bansAllFire: false },
  3: { zh: '较高', en: 'fairly high', colour: 'yellow', colourZh: '黄色', bansAllFire: false },
  4: { zh: '高', en: 'high', colour: 'orange', colourZh: '橙色', bansAllFire: false },
  5: { zh: '极高', en: 'extreme', colour: 'red', colourZh: '红色', bansAllFire: true },
};

/** Checks configured breaks: exactly four finite numbers, strictly ascending. */
export function parseBreaks(value: unknown): DangerBreaks {
  const shown = Array.isArray(value) ? `[${(value as unknown[]).map((v) => (typeof v === 'number' ? String(v) : JSON.stringify(v))).join(', ')}]` : JSON.stringify(value);
  const fail = (why: string): never => {
    throw new RangeError(`fire danger breaks must be four ascending finite numbers (lower bounds of levels 2–5), got ${shown}: ${why}`);
  };
  if (!Array.isArray(value)) return fail('not a list');
  const list = value as unknown[];
  if (list.length !== 4) return fail(`${list.length} values`);
  const breaks: number[] = [];
  for (const [i, b] of list.entries()) {
    if (typeof b !== 'number' || !Number.isFinite(b)) return fail(`value ${i + 1} is not a finite number`);
    if (i > 0 && b <= breaks[i - 1]!) return fail(`value ${i + 1} (${b}) is not above value ${i} (${breaks[i - 1]})`);
    breaks.push(b);
  }
  return [breaks[0]!, breaks[1]!, breaks[2]!, breaks[3]!];
}

/** The danger level of an FWI value. */
export function dangerLevel(fwi: number, breaks: readonly number[] = DEFAULT_BREAKS): DangerLevel {
  if (!Number.isFinite(fwi) || fwi < 0) throw new RangeError(`FWI must be a finite number ≥ 0, got ${fwi}`);
  return (1 + parseBreaks(breaks).filter((b) => fwi >= b).length) as DangerLevel;
}
