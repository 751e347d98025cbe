// One NMEA 0183 sentence split into its parts, with an optional IEC 61162-450 (NMEA 4.0) tag block
// in front, and both checksums verified. Shared by the AIS decoder and the Beidou RMC parser.

export interface NmeaSentence {
  /** Tag block parameters by code (`s`, `c`, `g`, `n`, ...); empty when there is no tag block. */
  tags: Record<string, string>;
  /** The tag block's `c:` time as epoch ms (the tag says seconds, some receivers send ms). */
  tagTime?: number;
  start: '!' | '$';
  /** The talker (`AI`, `AB`, `BD`, `GN`, ...): the address field minus its last three letters. */
  talker: string;
  /** The sentence formatter (`VDM`, `VDO`, `RMC`, ...). */
  formatter: string;
  /** The data fields after the address field, as written. */
  fields: string[];
}

export type NmeaResult = { ok: true; sentence: NmeaSentence } | { ok: false; reason: string };

/** XOR of the characters' codes: the checksum of both sentences and tag blocks. */
export function nmeaChecksum(body: string): number {
  let sum = 0;
  for (let i = 0; i < body.length; i++) sum ^= body.charCodeAt(i);
  return sum;
}

export function hex2(n: number): string {
  return `0x${n.toString(16).toUpperCase().padStart(2, '0')}`;
}

// Seconds before 5138 AD and milliseconds after 1973 are both below / above this line.
const MS_THRESHOLD = 1e11;

export function parseNmea(line: string): NmeaResult {
  const text = line.replace(/[\r\n]+$/, '').trim();
  if (text === '') return { ok: false, reason: 'empty line' };
  // Printable ASCII only: anything else is line noise, and the checksum cannot vouch for it.
  const bad = /[^\x20-\x7e]/.exec(text);
  if (bad) return { ok: false, reason: `non-printable character 0x${bad[0].charCodeAt(0).toString(16)} at column ${bad.index + 1}` };

  let rest = text;
  const tags: Record<string, string> = {};
  let tagTime: number | undefined;
  if (rest.startsWith('\\')) {
    const end = rest.indexOf('\\', 1);
    if (end < 0) return { ok: false, reason: 'tag block has no closing backslash' };
    const tagged = parseTagBlock(rest.slice(1, end));
    if (!tagged.ok) return tagged;
    Object.assign(tags, tagged.tags);
    tagTime = tagged.time;
    rest = rest.slice(end + 1);
  }

  const start = rest[0];
  if (start !== '!' && start !== '$') return { ok: false, reason: `a sentence starts with "!" or "$", this one with "${rest.slice(0, 8)}"` };
  const star = rest.lastIndexOf('*');
  if (star < 0) return { ok: false, reason: 'no checksum (no "*hh" at the end): truncated sentence?' };
  const body = rest.slice(1, star);
  const given = rest.slice(star + 1, star + 3);
  // USCG feeds append receiver metadata after the checksum (",b003669952,1241544035"); it is not checksummed.
  const after = rest.slice(star + 3);
  if (!/^[0-9A-Fa-f]{2}$/.test(given) || (after !== '' && !after.startsWith(','))) {
    return { ok: false, reason: `checksum must be two hex digits after "*", found "${rest.slice(star + 1)}"` };
  }
  const expected = nmeaChecksum(body);
  const says = parseInt(given, 16);
  if (expected !== says) return { ok: false, reason: `checksum ${hex2(expected)} expected, sentence says ${hex2(says)}` };

  const parts = body.split(',');
  const address = parts[0] ?? '';
  if (!/^[A-Z0-9]{5,6}$/.test(address)) return { ok: false, reason: `address field "${address}" is not a talker and sentence id (e.g. AIVDM)` };
  const sentence: NmeaSentence = { tags, start, talker: address.slice(0, -3), formatter: address.slice(-3), fields: parts.slice(1) };
  if (tagTime !== undefined) sentence.tagTime = tagTime;
  return { ok: true, sentence };
}

type TagResult = { ok: true; tags: Record<string, string>; time?: number } | { ok: false; reason: string };

function parseTagBlock(block: string): TagResult {
  const star = block.lastIndexOf('*');
  let params = block;
  // The standard requires the checksum; a few feeds leave it out, so only a present one is checked.
  if (star >= 0) {
    params = block.slice(0, star);
    const given = block.slice(star + 1);
    if (!/^[0-9A-Fa-f]{2}$/.test(given)) return { ok: false, reason: `tag block checksum must be two hex digits, found "${given}"` };
    const expected = nmeaChecksum(params);
    if (expected !== parseInt(given, 16)) return { ok: false, reason: `tag block checksum ${hex2(expected)} expected, tag block says ${hex2(parseInt(given, 16))}` };
  }
  const tags: Record<string, string> = {};
  for (const param of params.split(',')) {
    const m = /^([A-Za-z]):(.*)$/.exec(param);
    if (!m) return { ok: false, reason: `tag block parameter "${param}" is not "x:value"` };
    tags[m[1]!] = m[2]!;
  }
  if (tags.c === undefined) return { ok: true, tags };
  if (!/^\d+(\.\d+)?$/.test(tags.c)) return { ok: false, reason: `tag block time c:${tags.c} is not a number of seconds` };
  const c = Number(tags.c);
  return { ok: true, tags, time: c >= MS_THRESHOLD ? Math.round(c) : Math.round(c * 1000) };
}
