// The seed.yaml keys of the speaker channels' speech audio and cloud status polling, and the channel
// options they give. engine/config.ts owns the schema and spreads these keys into its http_speaker
// and mqtt_speaker entries, so what the speakers accept is written beside the speakers.
import { z } from 'zod';
import type { HttpSpeakerOptions } from './channels/http-speaker-channel.ts';
import type { MqttSpeakerOptions } from './channels/mqtt-speaker-channel.ts';

const ms = z.number().int().positive();
const name = z.string().min(1);

/** `audio: {}` turns speech on with the defaults; `espeak` is a path or a name on PATH. */
const audio = z.strictObject({
  espeak: name.optional(),
  voices: z.strictObject({ zh: name.optional(), en: name.optional() }).optional(),
  speed_wpm: z.number().int().min(80).max(450).optional(),
});

export const mqttSpeakerKeys = { audio: audio.optional() };
export const httpSpeakerKeys = { audio: audio.optional(), status_url: z.url().optional(), status_poll_ms: ms.optional(), status_within_ms: ms.optional() };

// With `url`: an entry whose schema lacks the keys (all optional) still fits.
type MqttSpeakerSpec = { url: string } & z.output<z.ZodObject<typeof mqttSpeakerKeys>>;
type HttpSpeakerSpec = { url: string } & z.output<z.ZodObject<typeof httpSpeakerKeys>>;

const speech = (a: z.output<typeof audio> | undefined): MqttSpeakerOptions['audio'] => a && { espeak: a.espeak, voices: a.voices, speedWpm: a.speed_wpm };

export const mqttSpeakerOptions = (spec: MqttSpeakerSpec): Pick<MqttSpeakerOptions, 'audio'> => ({ audio: speech(spec.audio) });

export const httpSpeakerOptions = (spec: HttpSpeakerSpec): Pick<HttpSpeakerOptions, 'audio' | 'statusUrl' | 'statusPollMs' | 'statusWithinMs'> => ({
  audio: speech(spec.audio),
  statusUrl: spec.status_url,
  statusPollMs: spec.status_poll_ms,
  statusWithinMs: spec.status_within_ms,
});
