// The YAML rule language, threshold kind. Strict objects: a misspelt field is an error, not ignored.
import { z } from 'zod';
import { parseDuration } from '../engine/duration.ts';
import { TOKEN } from '../engine/observation.ts';

const token = z.string().regex(TOKEN, 'must be letters, digits, "-" or "_"');

export const duration = z.union([
  z.literal(0),
  z.string().refine((s) => parseDuration(s) !== undefined, { message: 'must be a duration such as 30s, 10m, 1h30m' }),
]);

/** A number, or an expression over station parameters such as `station.warning_stage - 0.5`. */
const level = z.union([z.number(), z.string().min(1)]);

const clear = z.strictObject({
  /** How far back past the threshold the value must go before the tier clears. */
  hysteresis: level.optional(),
  /** How long it must stay there. */
  for: duration.optional(),
});

const tier = z
  .strictObject({
    above: level.optional(),
    below: level.optional(),
    for: duration.optional(),
    clear: clear.optional(),
  })
  .refine((t) => (t.above === undefined) !== (t.below === undefined), { message: 'give exactly one of "above" or "below"' });

export const thresholdRule = z.strictObject({
  id: token,
  title: z.string().min(1),
  kind: z.literal('threshold').default('threshold'),
  domain: token,
  description: z.string().optional(),
  match: z.strictObject({
    metric: token,
    stations: z.array(token).min(1).optional(),
    tags: z.array(z.string()).min(1).optional(),
  }),
  tiers: z
    .strictObject({ blue: tier.optional(), yellow: tier.optional(), orange: tier.optional(), red: tier.optional() })
    .refine((t) => Object.values(t).some(Boolean), { message: 'needs at least one of blue, yellow, orange, red' }),
  clear: clear.optional(),
});

export type RuleSpec = z.output<typeof thresholdRule>;
