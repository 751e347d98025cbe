// Speech audio for speakers that play sound rather than speak text: the message rendered by
// espeak-ng into a WAV that travels in the command. Only a channel configured for it has a Speech,
// so no process is started otherwise. Renders are cached by (voice, speed, text): one warning to
// many speakers, a retry or a repeat renders once.
import { spawn } from 'node:child_process';
import type { Lang, Message, SendOutcome } from '../channel.ts';
import { speakerCommand, type SpeakerAudio, type SpeakerCommand, type SpeakerOptions } from './speaker-command.ts';
import { readWav, sealWav } from './wav.ts';

export interface SpeechOptions {
  /** The espeak-ng program: a path, or a name looked up on PATH (default 'espeak-ng'). */
  espeak?: string;
  /** espeak-ng's voice per language (default zh: cmn, en: en). */
  voices?: Partial<Record<Lang, string>>;
  /** Words per minute, 80–450 (default 150: slower than espeak-ng's 175, for loudspeakers outdoors). */
  speedWpm?: number;
  /** A render taking longer is killed (default 20 s). */
  timeoutMs?: number;
}

const DEFAULT_VOICES: Record<Lang, string> = { zh: 'cmn', en: 'en' };
const DEFAULT_WPM = 150;
const DEFAULT_TIMEOUT_MS = 20_000;
/** Renders kept, the least recently used dropped first: a warning of 30 s is about 1.3 MB of WAV. */
const CACHE_SIZE = 16;
/** What is kept of espeak-ng's complaint for the reason. */
const STDERR_KEPT = 300;

/** A render that failed; `retry` is false when trying again cannot help (no program, a bad voice). */
export class SpeechError extends Error {
  constructor(
    message: string,
    readonly retry: boolean,
  ) {
    super(message);
  }
}

export class Speech {
  private readonly cache = new Map<string, Promise<SpeakerAudio>>();
  private readonly program: string;

  constructor(private readonly opts: SpeechOptions = {}) {
    this.program = opts.espeak ?? 'espeak-ng';
  }

  /** The text as WAV; rejects with a SpeechError. A failed render is not cached. */
  render(text: string, lang: Lang): Promise<SpeakerAudio> {
    const voice = this.opts.voices?.[lang] ?? DEFAULT_VOICES[lang];
    const speed = this.opts.speedWpm ?? DEFAULT_WPM;
    const key = JSON.stringify([voice, speed, text]);
    let audio = this.cache.get(key);
    if (!audio) {
      const fresh = this.espeak(text, voice, speed);
      fresh.catch(() => this.cache.get(key) === fresh && this.cache.delete(key));
      audio = fresh;
    }
    this.cache.delete(key); // set again, last: the most recently used
    this.cache.set(key, audio);
    // One set puts it at most one over: the least recently used goes.
    if (this.cache.size > CACHE_SIZE) this.cache.delete(this.cache.keys().next().value!);
    return audio;
  }

  /** One espeak-ng run, the text on stdin (an argument could be read as an option). */
  private espeak(text: string, voice: string, speed: number): Promise<SpeakerAudio> {
    const program = this.program;
    const timeoutMs = this.opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    return new Promise((resolve, reject) => {
      const child = spawn(program, ['-v', voice, '-s', String(speed), '--stdout']);
      const out: Buffer[] = [];
      let complaint = '';
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        child.kill('SIGKILL');
      }, timeoutMs);
      child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
      child.stderr.on('data', (chunk: Buffer) => (complaint = `${complaint}${chunk.toString('utf8')}`.slice(0, STDERR_KEPT)));
      // EPIPE when it dies before reading the text: its exit or spawn error says why.
      child.stdin.on('error', () => undefined);
      // A program that cannot be started will not start next time either.
      child.on('error', (err) => {
        clearTimeout(timer);
        const code = (err as NodeJS.ErrnoException).code;
        reject(new SpeechError(code === 'ENOENT' ? `${program} not found` : `${program} could not be started: ${err.message}`, false));
      });
      child.on('close', (code, signal) => {
        clearTimeout(timer);
        if (timedOut) return reject(new SpeechError(`${program} gave no audio within ${timeoutMs / 1000}s`, true));
        if (signal) return reject(new SpeechError(`${program} was killed (${signal})`, true));
        // A bad voice or option: the same run fails the same way.
        if (code !== 0) return reject(new SpeechError(`${program} exited with ${code}${complaint.trim() ? `: ${complaint.trim()}` : ''}`, false));
        try {
          resolve(asAudio(Buffer.concat(out)));
        } catch (err) {
          reject(new SpeechError(`${program} wrote no usable WAV: ${err instanceof Error ? err.message : String(err)}`, false));
        }
      });
      child.stdin.end(text);
    });
  }
}

function asAudio(wav: Buffer): SpeakerAudio {
  const info = readWav(wav);
  if (info.dataBytes === 0) throw new Error('no samples');
  return { format: 'wav', encoding: 'base64', data: sealWav(wav, info).toString('base64'), durationMs: info.durationMs };
}

/**
 * The command for a message, with its speech audio when the channel has a Speech. A failed render
 * is the send's outcome: a text-only command would not play the way the channel is configured to.
 */
export async function speakerCommandWithSpeech(
  message: Message,
  opts: SpeakerOptions,
  speech: Speech | undefined,
): Promise<SpeakerCommand | Extract<SendOutcome, { state: 'failed' }>> {
  const command = speakerCommand(message, opts);
  if (!speech) return command;
  try {
    return { ...command, audio: await speech.render(message.text, message.lang) };
  } catch (err) {
    const retry = err instanceof SpeechError ? err.retry : true;
    return { state: 'failed', reason: `speech audio: ${err instanceof Error ? err.message : String(err)}`, retry };
  }
}
