// CAP message identifiers in the style of China's GB/T 35965.1:
// <6-digit area><3-digit agency>00000_<YYYYMMDDhhmmss local>_<n>. The suffix comes from the
// warning event's id, so a replayed event gets the same identifier and two events in one second differ.
import { createHash } from 'node:crypto';
import { capDate } from './cap-date.ts';

/** Digits in the suffix: two events in one second, area and agency collide once in a million. */
const SUFFIX_DIGITS = 6;

export function capIdentifier(area: string, agency: string, at: number, offsetMinutes: number, eventId: string): string {
  if (!/^\d{6}$/.test(area)) throw new RangeError(`CAP identifier: the area must be a six-digit GB/T 2260 code, not "${area}"`);
  if (!/^\d{3}$/.test(agency)) throw new RangeError(`CAP identifier: the agency must be a three-digit code, not "${agency}"`);
  const stamp = capDate(at, offsetMinutes).slice(0, 19).replace(/[-T:]/g, '');
  // Hashed again so any event id, hex or not, spreads evenly over the suffixes.
  const n = parseInt(createHash('sha256').update(eventId).digest('hex').slice(0, 12), 16) % 10 ** SUFFIX_DIGITS;
  return `${area}${agency}00000_${stamp}_${String(n).padStart(SUFFIX_DIGITS, '0')}`;
}
