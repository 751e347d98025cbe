// NMEA RMC (recommended minimum) sentences from Beidou / GNSS terminals: $BDRMC, $GNRMC, $GPRMC
// (any talker). Checksum verified by nmea.ts; the date and time are UTC.
import { parseNmea } from './nmea.ts';

export interface RmcFix {
  ts: number;
  lon: number;
  lat: number;
  /** Knots. */
  speed?: number;
  /** Degrees true. */
  course?: number;
}

export type RmcResult = { ok: true; fix: RmcFix } | { ok: false; reason: string };

export function parseRmc(line: string): RmcResult {
  const p = parseNmea(line);
  if (!p.ok) return p;
  const s = p.sentence;
  if (s.start !== '$' || s.formatter !== 'RMC') return { ok: false, reason: `${s.start}${s.talker}${s.formatter} is not an RMC sentence` };
  // 11 fields in NMEA 2.0, 12 with 2.3's mode indicator, 13 with 4.1's navigational status.
  if (s.fields.length < 11 || s.fields.length > 13) return { ok: false, reason: `RMC has ${s.fields.length} fields, expected 11 to 13` };
  const [time, status, lat, ns, lon, ew, speed, course, date] = s.fields as [string, string, string, string, string, string, string, string, string];
  const mode = s.fields[11];
  if (status === 'V') return { ok: false, reason: 'RMC status V (void): the receiver has no valid fix' };
  if (status !== 'A') return { ok: false, reason: `RMC status "${status}" is neither A (valid) nor V (void)` };
  if (mode === 'N') return { ok: false, reason: 'RMC mode N: data not valid' };

  const ts = utc(date, time);
  if (typeof ts === 'string') return { ok: false, reason: ts };
  const latDeg = angle(lat, 2, ns, 'N', 'S', 90);
  if (typeof latDeg === 'string') return { ok: false, reason: `latitude ${latDeg}` };
  const lonDeg = angle(lon, 3, ew, 'E', 'W', 180);
  if (typeof lonDeg === 'string') return { ok: false, reason: `longitude ${lonDeg}` };
  const fix: RmcFix = { ts, lon: lonDeg, lat: latDeg };
  if (speed !== '') {
    if (!/^\d+(\.\d+)?$/.test(speed)) return { ok: false, reason: `speed "${speed}" is not a number of knots` };
    fix.speed = Number(speed);
  }
  if (course !== '') {
    if (!/^\d+(\.\d+)?$/.test(course) || Number(course) > 360) return { ok: false, reason: `course "${course}" is not 0 to 360 degrees` };
    fix.course = Number(course) % 360;
  }
  return { ok: true, fix };
}

/** ddmm.mmmm / dddmm.mmmm and a hemisphere letter to signed degrees, or the reason it is not. */
function angle(v: string, degDigits: number, hemi: string, plus: string, minus: string, max: number): number | string {
  const m = new RegExp(`^(\\d{${degDigits}})(\\d{2}(?:\\.\\d+)?)$`).exec(v);
  if (!m) return `"${v}" is not ${'d'.repeat(degDigits)}mm.mmmm`;
  const deg = Number(m[1]);
  const min = Number(m[2]);
  if (min >= 60) return `"${v}" has ${min} minutes`;
  const abs = deg + min / 60;
  if (abs > max) return `"${v}" is beyond ${max}°`;
  if (hemi === plus) return abs;
  if (hemi === minus) return -abs;
  return `hemisphere "${hemi}" is not ${plus} or ${minus}`;
}

/** ddmmyy + hhmmss(.ss) as UTC epoch ms. Two-digit years: 80-99 are 19xx, the rest 20xx. */
function utc(date: string, time: string): number | string {
  const d = /^(\d{2})(\d{2})(\d{2})$/.exec(date);
  if (!d) return `date "${date}" is not ddmmyy`;
  const t = /^(\d{2})(\d{2})(\d{2})(\.\d+)?$/.exec(time);
  if (!t) return `time "${time}" is not hhmmss(.ss)`;
  const [day, month, yy] = [Number(d[1]), Number(d[2]), Number(d[3])];
  const [h, min, sec] = [Number(t[1]), Number(t[2]), Number(t[3])];
  if (h > 23 || min > 59 || sec > 59) return `time "${time}" is not a time of day`;
  const year = yy >= 80 ? 1900 + yy : 2000 + yy;
  const whole = Date.UTC(year, month - 1, day, h, min, sec);
  const back = new Date(whole);
  // Date.UTC rolls 31 February into March; a real date comes back unchanged.
  if (month < 1 || back.getUTCMonth() !== month - 1 || back.getUTCDate() !== day) return `date "${date}" is not a calendar date`;
  return whole + Math.round(Number(t[4] ?? 0) * 1000);
}
