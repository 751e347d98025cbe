// The observation model: one reading of one metric at one station, stamped with its own event time.

export const QUALITIES = ['reliable', 'doubtful', 'unreliable', 'missing'] as const;
export type Quality = (typeof QUALITIES)[number];
/** Each quality's number: its index in QUALITIES, as typed arrays and stored rows carry it. */
export const QUALITY_CODE: ReadonlyMap<Quality, number> = new Map(QUALITIES.map((q, i) => [q, i]));

/** A vessel or mobile terminal fix. Speed in knots, course in degrees true. */
export interface Position {
  lon: number;
  lat: number;
  speed?: number;
  course?: number;
}

export interface Observation {
  domain: string;
  station: string;
  metric: string;
  /** Event time, epoch milliseconds UTC: when the reading was taken, not when it arrived. */
  ts: number;
  value?: number;
  position?: Position;
  unit?: string;
  quality: Quality;
  source?: string;
}

/** A subject token: what NATS allows between dots, kept to a portable set. */
export const TOKEN = /^[A-Za-z0-9_-]+$/;

export const seriesKey = (o: Pick<Observation, 'domain' | 'station' | 'metric'>): string =>
  `${o.domain}.${o.station}.${o.metric}`;

export const observationSubject = (o: Pick<Observation, 'domain' | 'station' | 'metric'>): string =>
  `obs.${seriesKey(o)}`;

/** Readings a rule may act on: unreliable and missing values never raise a warning. */
export const isUsable = (o: Observation): boolean => o.quality === 'reliable' || o.quality === 'doubtful';
