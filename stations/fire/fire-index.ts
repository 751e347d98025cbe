// The daily fire-weather index of every fire-danger station, as derived series the fire rules
// watch: FFMC, DMC, DC, ISI, BUI, FWI, DSR and China's danger level (1–5), once a day at local
// noon, from the station's hourly temperature, humidity, wind and rain. Each station carries its
// codes from one day to the next (stations/fire/fire-days.ts); after a restart they are read back
// from the store, where they were written as ordinary observations.
import type { Observation } from '../../engine/observation.ts';
import type { Sampler } from '../../engine/pipeline.ts';
import type { Station } from '../../engine/station.ts';
import { dangerLevel, DEFAULT_BREAKS, type DangerBreaks } from './danger-level.ts';
import { nextCodes, type DatedCodes } from './fire-days.ts';
import type { FwiDay, NoonWeather } from './fwi.ts';

export const FIRE_DOMAIN = 'fire';
/** What a fire-danger station reports, hourly: °C, %, km/h at 10 m, mm in the hour. */
export const WEATHER = { temp: 'temp', rh: 'rh', wind: 'wind', rain: 'rain' } as const;
const INDEX = ['ffmc', 'dmc', 'dc', 'isi', 'bui', 'fwi', 'dsr'] as const satisfies readonly (keyof FwiDay)[];
/** The codes carried from day to day. */
const CODES = ['ffmc', 'dmc', 'dc'] as const;
export const DANGER_METRIC = 'danger_level';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export interface FireIndexOptions {
  /** Local time's offset from UTC, minutes (default 480, China). */
  utcOffsetMinutes?: number;
  /** FWI lower bounds of danger levels 2–5. */
  breaks?: DangerBreaks;
  /** Days without weather the codes are carried across before a restart from start-up values. */
  maxGapDays?: number;
}

interface Track {
  station: Station;
  /** Readings of the last 26 hours per weather metric. */
  readings: Map<string, { ts: number; value: number }[]>;
  last?: DatedCodes;
}

export class FireIndex implements Sampler {
  private readonly tracks = new Map<string, Track>();
  private readonly offset: number;
  private readonly breaks: DangerBreaks;
  private readonly maxGapDays: number;

  constructor(stations: Iterable<Station>, opts: FireIndexOptions = {}) {
    this.offset = (opts.utcOffsetMinutes ?? 480) * 60_000;
    this.breaks = opts.breaks ?? DEFAULT_BREAKS;
    this.maxGapDays = opts.maxGapDays ?? 3;
    for (const s of stations) if (s.domain === FIRE_DOMAIN) this.tracks.set(s.id, { station: s, readings: new Map() });
  }

  /** Local noon of the day an event time falls on, UTC ms. */
  private noonOf(ts: number): number {
    return Math.floor((ts + this.offset) / DAY) * DAY + 12 * HOUR - this.offset;
  }

  /**
   * Buffer a usable weather reading; the first reading an hour or more past a local noon closes
   * that day (so every metric of the noon report has arrived) and gives its index.
   */
  hear(obs: Observation): Observation[] {
    const track = obs.domain === FIRE_DOMAIN ? this.tracks.get(obs.station) : undefined;
    if (!track || obs.value === undefined || !Object.hasOwn(WEATHER, obs.metric) || (obs.quality !== 'reliable' && obs.quality !== 'doubtful')) return [];
    // Wind and rain cannot be negative; such a reading is a fault the quality gates should flag, never an input.
    if (obs.value < 0 && (obs.metric === WEATHER.wind || obs.metric === WEATHER.rain)) return [];
    this.buffer(track, obs.metric, obs.ts, obs.value);
    // The latest noon at least an hour old, and the one before (the buffer reaches back that far).
    const noon = this.noonOf(obs.ts - HOUR);
    const out: Observation[] = [];
    for (const n of [noon - DAY, noon]) {
      const day = this.day(n);
      if (obs.ts >= n + HOUR && !(track.last && track.last.day >= day)) out.push(...this.close(track, n, day));
    }
    return out;
  }

  sample(): Observation[] {
    return [];
  }

  /** What a warm start reads back: the codes of the last days and the weather of the last two. */
  history(now: number): { series: string; from: number; to: number }[] {
    return [...this.tracks.keys()].flatMap((id) => [
      ...CODES.map((m) => ({ series: `${FIRE_DOMAIN}.${id}.${m}`, from: now - (this.maxGapDays + 2) * DAY, to: now })),
      ...Object.values(WEATHER).map((m) => ({ series: `${FIRE_DOMAIN}.${id}.${m}`, from: now - 50 * HOUR, to: now })),
    ]);
  }

  warm(obs: Observation): void {
    const track = this.tracks.get(obs.station);
    if (!track || obs.value === undefined) return;
    if (Object.hasOwn(WEATHER, obs.metric)) return this.buffer(track, obs.metric, obs.ts, obs.value);
    const day = this.day(obs.ts);
    const last = track.last?.day === day ? track.last : { day, codes: { ffmc: NaN, dmc: NaN, dc: NaN } };
    if (track.last && track.last.day > day) return;
    last.codes = { ...last.codes, [obs.metric]: obs.value };
    track.last = last;
  }

  private day(noon: number): string {
    return new Date(noon + this.offset).toISOString().slice(0, 10);
  }

  /**
   * Keep two days and two hours of readings behind the newest (a day closed late still finds its
   * noon and its 24 h of rain); a reading heard again replaces itself rather than counting twice.
   */
  private buffer(track: Track, metric: string, ts: number, value: number): void {
    const list = (track.readings.get(metric) ?? []).filter((r) => r.ts !== ts && r.ts > ts - 50 * HOUR);
    list.push({ ts, value });
    track.readings.set(metric, list);
  }

  /** The reading nearest noon within an hour either side. */
  private nearNoon(track: Track, metric: string, noon: number): number | undefined {
    let best: { ts: number; value: number } | undefined;
    for (const r of track.readings.get(metric) ?? []) {
      if (Math.abs(r.ts - noon) <= HOUR && (!best || Math.abs(r.ts - noon) < Math.abs(best.ts - noon))) best = r;
    }
    return best?.value;
  }

  private weather(track: Track, noon: number): NoonWeather | undefined {
    const [temp, rh, wind] = [WEATHER.temp, WEATHER.rh, WEATHER.wind].map((m) => this.nearNoon(track, m, noon));
    if (temp === undefined || rh === undefined || wind === undefined) return undefined;
    // Rain in the 24 hours ending at noon; a station without a rain gauge counts as dry.
    const rain = (track.readings.get(WEATHER.rain) ?? []).filter((r) => r.ts > noon - DAY && r.ts <= noon).reduce((s, r) => s + r.value, 0);
    return { temp, rh, wind, rain };
  }

  private close(track: Track, noon: number, day: string): Observation[] {
    const usable = track.last && CODES.every((k) => Number.isFinite(track.last!.codes[k])) ? track.last : undefined;
    const month = Number(day.slice(5, 7));
    const { codes, note } = nextCodes(usable, day, this.weather(track, noon), month, track.station.lat, { maxGapDays: this.maxGapDays });
    if (!codes) return [];
    track.last = { day, codes };
    const at = { domain: FIRE_DOMAIN, station: track.station.id, ts: noon, quality: 'reliable' as const, source: `derived:fwi ${note}` };
    return [
      ...INDEX.map((metric) => ({ ...at, metric, value: codes[metric] })),
      { ...at, metric: DANGER_METRIC, value: dangerLevel(codes.fwi, this.breaks), unit: 'level' },
    ];
  }
}
