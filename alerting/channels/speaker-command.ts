// What a cloud loudspeaker is told to do for one message: the text to speak, where, how loud and how
// often. Pure, so the HTTP and MQTT speaker channels send the same command for the same message.
import type { Message, SendOutcome } from '../channel.ts';

export interface SpeakerCommand {
  /** The message's idempotency key: a speaker or vendor cloud drops a command it has already played. */
  id: string;
  devices: string[];
  zone?: string;
  text: string;
  /** 0–100. */
  volume: number;
  /** How many times the text is played. */
  repeat: number;
  /** 1 (Red, most urgent) to 4 (Blue); 5 for a lift or a notice. */
  priority: number;
  tier: string | null;
  lang: string;
  /** The text rendered as speech, when the channel is configured to (speech-audio.ts); absent: the speaker speaks the text itself. */
  audio?: SpeakerAudio;
}

/** A WAV file in base64; `durationMs` is one play, read from its header. */
export interface SpeakerAudio {
  format: 'wav';
  encoding: 'base64';
  data: string;
  durationMs: number;
}

export interface SpeakerOptions {
  /** Overrides the volume the priority gives. */
  volume?: number;
  /** Overrides the repeat count the priority gives. */
  repeat?: number;
}

/** Louder and more often the more urgent: index 0 is priority 1 (Red), the last also covers lifts and notices. */
const BY_PRIORITY: readonly { volume: number; repeat: number }[] = [
  { volume: 100, repeat: 3 },
  { volume: 90, repeat: 3 },
  { volume: 80, repeat: 2 },
  { volume: 70, repeat: 1 },
];

const clamp = (v: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, Math.round(v)));

/** The command for a message to a speaker; throws for any other recipient (a routing mistake). */
export function speakerCommand(message: Message, opts: SpeakerOptions = {}): SpeakerCommand {
  const r = message.recipient;
  if (r.kind !== 'speaker') throw new Error(notASpeakerReason(message));
  const defaults = BY_PRIORITY[clamp(message.priority, 1, BY_PRIORITY.length) - 1]!;
  return {
    id: message.key,
    devices: [r.device],
    ...(r.zone === undefined ? {} : { zone: r.zone }),
    text: message.text,
    volume: clamp(opts.volume ?? defaults.volume, 0, 100),
    repeat: clamp(opts.repeat ?? defaults.repeat, 1, Number.MAX_SAFE_INTEGER),
    priority: message.priority,
    tier: message.tier,
    lang: message.lang,
  };
}

const notASpeakerReason = (message: Message): string =>
  `recipient ${message.recipient.id} is not a speaker (kind ${message.recipient.kind})`;

/** The outcome a speaker channel gives a message for someone else: no retry can fix the routing. */
export const notASpeaker = (message: Message): SendOutcome => ({ state: 'failed', reason: notASpeakerReason(message), retry: false });
