// The rule evaluator as an RxJS operator: observations in, warning events out.
import { mergeMap, type OperatorFunction } from 'rxjs';
import type { Evaluator } from './evaluator.ts';
import type { Observation } from './observation.ts';
import type { WarningEvent } from './warning.ts';

export const evaluate = (evaluator: Evaluator): OperatorFunction<Observation, WarningEvent> =>
  mergeMap((obs) => evaluator.step(obs).events);
