// The day-to-day carry rule for one station's FWI codes: which codes a day starts from. The codes
// are a daily moisture budget, so each day needs yesterday's; cffdrs asks for an unbroken daily
// weather stream and leaves gaps to the user. Our rule:
//  - the first day ever starts from the standard start-up codes (STARTUP: 85 / 6 / 15);
//  - a day with weather starts from the codes of the last day that had weather;
//  - a day without weather gets no index and leaves the codes as they were (we do not invent
//    weather; the missed days' drying or wetting is simply not counted);
//  - after more than maxGapDays days without weather the codes restart from start-up.
// Why: Canadian practice restarts from start-up values after a long interruption, while carrying
// the codes across a short station outage is a common agency choice, since restarting would throw
// away weeks of drying for a day or two of missing data. The caller stores { codes, day } after each
// day that returned codes and passes it back as `prev`.
import { fwiDay, STARTUP, type FwiCodes, type FwiDay, type NoonWeather } from './fwi.ts';

export interface DatedCodes {
  codes: FwiCodes;
  /** Local date of those codes, YYYY-MM-DD. */
  day: string;
}

export interface NextCodes {
  /** The day's codes and indices; undefined when the day had no weather. */
  codes: FwiDay | undefined;
  /** How the day's start was chosen, for the record. */
  note: string;
}

export interface CarryOptions {
  /** Longest run of days without weather that the codes are carried across (default 3). */
  maxGapDays: number;
}

/** The codes for `day` (YYYY-MM-DD local) from the last computed codes, the day's noon weather, month (1–12) and latitude (°). */
export function nextCodes(
  prev: DatedCodes | undefined,
  day: string,
  weather: NoonWeather | undefined,
  month: number,
  lat: number,
  opts: CarryOptions = { maxGapDays: 3 },
): NextCodes {
  const today = dayNumber(day);
  if (prev === undefined) {
    if (weather === undefined) return { codes: undefined, note: `no weather for ${day}: no index yet` };
    return { codes: fwiDay(STARTUP, weather, month, lat), note: 'first day: started from the start-up codes (FFMC 85, DMC 6, DC 15)' };
  }
  const since = today - dayNumber(prev.day);
  if (since <= 0) throw new RangeError(`${day} does not follow the last computed day ${prev.day}`);
  const missed = since - 1;
  if (weather === undefined) {
    const restart = since > opts.maxGapDays ? `; ${days(since)} without weather, so they restart from start-up when weather returns` : '';
    return { codes: undefined, note: `no weather for ${day}: no index; codes kept from ${prev.day}${restart}` };
  }
  if (missed > opts.maxGapDays) {
    return {
      codes: fwiDay(STARTUP, weather, month, lat),
      note: `restarted from the start-up codes: ${days(missed)} without weather since ${prev.day} (more than ${opts.maxGapDays})`,
    };
  }
  const across = missed > 0 ? ` across ${days(missed)} without weather` : '';
  return { codes: fwiDay(prev.codes, weather, month, lat), note: `carried from ${prev.day}${across}` };
}

const days = (n: number): string => `${n} day${n === 1 ? '' : 's'}`;

/** Days since 1970-01-01 of a YYYY-MM-DD date; throws on anything else. */
function dayNumber(day: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  const ms = m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : Number.NaN;
  if (Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== day) throw new RangeError(`not a YYYY-MM-DD date: ${day}`);
  return ms / 86_400_000;
}
