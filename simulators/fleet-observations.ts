// Simulated fixes as the engine receives them after ingestion: position observations of the
// vessel, tagged with the terminal that reported (what the online rate counts).
import type { Observation } from '../engine/observation.ts';
import { terminalSource } from '../stations/online-rate.ts';
import { POSITION_METRIC, VESSEL_DOMAIN } from '../stations/vessels.ts';
import type { Fix } from './vessels.ts';

export const fixObservation = (f: Fix): Observation => ({
  domain: VESSEL_DOMAIN,
  station: f.vessel,
  metric: POSITION_METRIC,
  ts: f.ts,
  position: { lon: f.lon, lat: f.lat, speed: f.speed, course: f.course },
  quality: 'reliable',
  source: terminalSource(f.terminal.kind === 'beidou' ? 'beidou' : 'ais', f.terminal.id),
});
