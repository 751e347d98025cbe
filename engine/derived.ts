// Derived series: named functions that compute a new series from other metrics of the same station.
// Domains register theirs (storm surge, forecast level, fire index); a rule names the function and
// maps its inputs in YAML. The evaluator feeds every derived reading back in as an observation, so
// it is stored and watched like any measured series.
import type { Reading } from './warning.ts';

export interface DerivedFunction {
  description: string;
  /** Input roles, each mapped to a metric by the rule. */
  inputs: readonly string[];
  /** Numeric parameters (numbers or station expressions in the rule). */
  params: readonly string[];
  /** The value from the latest reading of every input, or undefined when it cannot be computed. */
  compute(latest: Readonly<Record<string, Reading>>, params: Readonly<Record<string, number>>): number | undefined;
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
]);

export function registerDerived(name: string, fn: DerivedFunction): void {
  if (registry.has(name)) throw new Error(`derived function "${name}" is already registered`);
  registry.set(name, fn);
}

export const derivedFunction = (name: string): DerivedFunction | undefined => registry.get(name);

export const derivedNames = (): string[] => [...registry.keys()].sort();

/** The derived reading at the time of the newest input, when every input is present and close enough. */
export function derive(fn: DerivedFunction, latest: Readonly<Record<string, Reading>>, params: Readonly<Record<string, number>>): Reading | undefined {
  const readings = fn.inputs.map((role) => latest[role]);
  if (readings.some((r) => r === undefined)) return undefined;
  const times = readings.map((r) => r!.ts);
  const ts = Math.max(...times);
  if (ts - Math.min(...times) > MAX_INPUT_SPREAD_MS) return undefined;
  const value = fn.compute(latest, params);
  return value === undefined || !Number.isFinite(value) ? undefined : { ts, value };
}
