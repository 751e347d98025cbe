// Simulated fixes as the engine receives them after ingestion: position observations of the
// vessel, tagged with the terminal that reported (what the online rate counts).
import type { Observation } from '../engine/observation.ts';
import { terminalSource } from '../stations/online-rate.ts';
import { positionObservation } from '../stations/vessels.ts';
import type { Fix } from './vessels.ts';

export const fixObservation = (f: Fix): Observation => positionObservation(f.vessel, f.ts, f, terminalSource(f.terminal.kind === 'beidou' ? 'beidou' : 'ais', f.terminal.id));
