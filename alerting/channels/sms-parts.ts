// How a text travels as SMS: GSM 7-bit when every character is in the default alphabet, otherwise
// UCS2, split into concatenated parts behind a 6-byte UDH when it does not fit one message. Pure, so
// the SMPP driver and its tests agree on every byte.

/**
 * GSM 03.38 default alphabet, index = code point. 0x1B is the escape into the extension table and
 * never a character of its own, so a literal ESC in the text forces UCS2.
 */
const GSM_BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1BÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' +
  '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const ESC = 0x1b;
const BASIC = new Map<string, number>();
[...GSM_BASIC].forEach((c, i) => {
  if (i !== ESC) BASIC.set(c, i);
});
/** The extension table: each costs two septets (ESC + code). */
const EXTENDED = new Map<string, number>([
  ['\f', 0x0a], ['^', 0x14], ['{', 0x28], ['}', 0x29], ['\\', 0x2f],
  ['[', 0x3c], ['~', 0x3d], [']', 0x3e], ['|', 0x40], ['€', 0x65],
]);

/** Message capacity in the encoding's units (septets or UTF-16 code units): alone, and per part behind a UDH. */
const LIMITS = { 0: { single: 160, part: 153 }, 8: { single: 70, part: 67 } } as const;
/** The UDH's part count and sequence are one byte each. */
const MAX_PARTS = 255;

export interface SmsParts {
  /** 0: SMSC default alphabet (GSM 03.38, one septet per byte, unpacked); 8: UCS2 (UTF-16BE). */
  dataCoding: 0 | 8;
  /** Each part's whole short_message, the UDH included when there is more than one part. */
  parts: Buffer[];
  udh: boolean;
}

/** One character's bytes and what it costs against the limits; never split across parts. */
interface Atom {
  bytes: number[];
  cost: number;
}

/** The GSM atoms of a text, or null when any character is outside the default alphabet and its extension. */
function gsmAtoms(text: string): Atom[] | null {
  const atoms: Atom[] = [];
  for (const c of text) {
    const basic = BASIC.get(c);
    const ext = EXTENDED.get(c);
    if (basic !== undefined) atoms.push({ bytes: [basic], cost: 1 });
    else if (ext !== undefined) atoms.push({ bytes: [ESC, ext], cost: 2 });
    else return null;
  }
  return atoms;
}

/** Iterating a string by code point keeps a surrogate pair (an emoji) in one atom, costing its two code units. */
function ucs2Atoms(text: string): Atom[] {
  return [...text].map((c) => {
    const bytes = [...Buffer.from(c, 'utf16le').swap16()];
    return { bytes, cost: bytes.length / 2 };
  });
}

/** Greedy fill: as many whole atoms as fit each part. */
function split(atoms: Atom[], perPart: number): Atom[][] {
  const parts: Atom[][] = [];
  let current: Atom[] = [];
  let used = 0;
  for (const atom of atoms) {
    if (used + atom.cost > perPart) {
      parts.push(current);
      current = [];
      used = 0;
    }
    current.push(atom);
    used += atom.cost;
  }
  parts.push(current);
  return parts;
}

const bytesOf = (atoms: Atom[]): number[] => atoms.flatMap((a) => a.bytes);

/**
 * The short_messages that carry `text`. `ref` is the concatenation reference the handset reassembles
 * by (taken mod 256); give consecutive messages to one number different refs. Throws a RangeError
 * past 255 parts, which a UDH cannot count.
 */
export function smsParts(text: string, ref: number): SmsParts {
  const gsm = gsmAtoms(text);
  const dataCoding = gsm === null ? 8 : 0;
  const atoms = gsm ?? ucs2Atoms(text);
  const { single, part } = LIMITS[dataCoding];
  const total = atoms.reduce((n, a) => n + a.cost, 0);
  if (total <= single) return { dataCoding, parts: [Buffer.from(bytesOf(atoms))], udh: false };
  const chunks = split(atoms, part);
  if (chunks.length > MAX_PARTS) throw new RangeError(`text needs ${chunks.length} SMS parts; at most ${MAX_PARTS} can be concatenated`);
  const parts = chunks.map((chunk, i) => Buffer.from([0x05, 0x00, 0x03, ref & 0xff, chunks.length, i + 1, ...bytesOf(chunk)]));
  return { dataCoding, parts, udh: true };
}
