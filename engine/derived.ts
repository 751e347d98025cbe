// Derived series: named functions that compute a new series from other metrics of the same station,
// or from the stations it links to. The registry is static: the built-ins here and each domain's
// (stations/tide-functions.ts), so a rule check sees the same functions as the engine. A rule names
// the function and maps its inputs in YAML. The evaluator feeds every derived
// reading back in as an observation, so it is stored and watched like any measured series.
import { TIDE_FUNCTIONS } from '../stations/tide-functions.ts';
import type { Station } from './station.ts';
import type { Reading } from './warning.ts';

/** What a function may read besides its inputs: the station it computes for, and a linked input's weight. */
export interface DerivedContext {
  station: Station;
  /** The weight of the linked station the input came from (1 unless the function is `linked`). */
  weight: number;
}

export interface DerivedFunction {
  description: string;
  /** Input roles, each mapped to a metric by the rule. */
  inputs: readonly string[];
  /** Numeric parameters (numbers or station expressions in the rule). */
  params: readonly string[];
  /** Values of the parameters a rule may leave out. */
  defaults?: Readonly<Record<string, number>>;
  /**
   * Inputs come from the stations that link to the computing one (a village's rain gauges), one
   * reading at a time, instead of from the station itself.
   */
  linked?: boolean;
  /** The value from the latest reading of every input, or undefined when it cannot be computed. */
  compute(latest: Readonly<Record<string, Reading>>, params: Readonly<Record<string, number>>, context: DerivedContext): number | undefined;
}

/** Inputs further apart than this are not combined: a value an hour old says little about now. */
export const MAX_INPUT_SPREAD_MS = 3_600_000;

const registry = new Map<string, DerivedFunction>([
  ['difference', { description: 'a − b', inputs: ['a', 'b'], params: [], compute: (x) => x.a!.value - x.b!.value }],
  ['sum', { description: 'a + b', inputs: ['a', 'b'], params: [], compute: (x) => x.a!.value + x.b!.value }],
  [
    'linear',
    {
      description: 'x × scale + offset (a datum shift, a unit change)',
      inputs: ['x'],
      params: ['scale', 'offset'],
      compute: (x, p) => x.x!.value * p.scale! + p.offset!,
    },
  ],
  [
    'areal',
    {
      description:
        "each linked station's reading times its weight: summed over any window, the weighted areal total (a village's rain from its gauges); for accumulation rules",
      inputs: ['x'],
      params: [],
      linked: true,
      compute: (x, _p, c) => x.x!.value * c.weight,
    },
  ],
  ...Object.entries(TIDE_FUNCTIONS),
]);

export const derivedFunction = (name: string): DerivedFunction | undefined => registry.get(name);

export const derivedNames = (): string[] => [...registry.keys()].sort();

/** The derived reading at the time of the newest input, when every input is present and close enough. */
export function derive(
  fn: DerivedFunction,
  latest: Readonly<Record<string, Reading>>,
  params: Readonly<Record<string, number>>,
  context: DerivedContext,
): Reading | undefined {
  const readings = fn.inputs.map((role) => latest[role]);
  if (readings.some((r) => r === undefined)) return undefined;
  const times = readings.map((r) => r!.ts);
  const ts = Math.max(...times);
  if (ts - Math.min(...times) > MAX_INPUT_SPREAD_MS) return undefined;
  const value = fn.compute(latest, params, context);
  return value === undefined || !Number.isFinite(value) ? undefined : { ts, value };
}
