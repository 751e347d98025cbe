// The header of a PCM WAV file, read by hand (it is a few fixed fields): enough to check what
// espeak-ng wrote and how long it plays. espeak-ng --stdout cannot seek back to fill in the sizes,
// so it writes 0x7ffff000 for them; sealWav writes the true ones so any player reads the file.

export interface WavInfo {
  /** 1 is PCM. */
  format: number;
  channels: number;
  sampleRate: number;
  bitsPerSample: number;
  /** Bytes per second of sound. */
  byteRate: number;
  /** Where the samples start. */
  dataOffset: number;
  /** Bytes of samples present (a streamed header's size overstates it). */
  dataBytes: number;
  durationMs: number;
}

type Format = Pick<WavInfo, 'format' | 'channels' | 'sampleRate' | 'byteRate' | 'bitsPerSample'>;

/** The header of a RIFF/WAVE file; throws with a plain reason for anything else. */
export function readWav(wav: Buffer): WavInfo {
  if (wav.length < 12 || wav.toString('latin1', 0, 4) !== 'RIFF' || wav.toString('latin1', 8, 12) !== 'WAVE') throw new Error('not a RIFF/WAVE file');
  let fmt: Format | undefined;
  // Chunks: a four-letter id, a 32-bit little-endian size, the body padded to an even length.
  for (let at = 12; at + 8 <= wav.length; ) {
    const id = wav.toString('latin1', at, at + 4);
    const size = wav.readUInt32LE(at + 4);
    const body = at + 8;
    if (id === 'fmt ') fmt = readFormat(wav, body, size);
    else if (id === 'data') {
      if (!fmt) throw new Error('data chunk before the fmt chunk');
      const dataBytes = Math.min(size, wav.length - body);
      return { ...fmt, dataOffset: body, dataBytes, durationMs: Math.round((dataBytes / fmt.byteRate) * 1000) };
    }
    at = body + size + (size % 2);
  }
  throw new Error(fmt ? 'no data chunk' : 'no fmt chunk');
}

function readFormat(wav: Buffer, body: number, size: number): Format {
  if (size < 16 || body + 16 > wav.length) throw new Error('fmt chunk too short');
  const byteRate = wav.readUInt32LE(body + 8);
  if (byteRate === 0) throw new Error('byte rate 0');
  return { format: wav.readUInt16LE(body), channels: wav.readUInt16LE(body + 2), sampleRate: wav.readUInt32LE(body + 4), byteRate, bitsPerSample: wav.readUInt16LE(body + 14) };
}

/** A copy whose RIFF and data sizes say what it holds, ending with the samples. */
export function sealWav(wav: Buffer, info: WavInfo = readWav(wav)): Buffer {
  const sealed = Buffer.from(wav.subarray(0, info.dataOffset + info.dataBytes));
  sealed.writeUInt32LE(sealed.length - 8, 4);
  sealed.writeUInt32LE(info.dataBytes, info.dataOffset - 4);
  return sealed;
}
