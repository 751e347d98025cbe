// The channels of a deployment, made from seed.yaml's `alerting.channels`: a registry of drivers
// by key, so a new driver is one entry here. Secrets are named by environment variable, never
// written in the file, and never logged.
import type { Publisher } from '../engine/bus.ts';
import type { ChannelSpec } from '../engine/config.ts';
import type { Channel } from './channel.ts';
import { HttpSmsChannel } from './channels/http-sms-channel.ts';
import { HttpSpeakerChannel } from './channels/http-speaker-channel.ts';
import { MqttSpeakerChannel } from './channels/mqtt-speaker-channel.ts';
import { NatsChannel } from './channels/nats-channel.ts';
import { SmppChannel } from './channels/smpp-channel.ts';
import { WebhookChannel } from './channels/webhook-channel.ts';
import { httpSpeakerOptions, mqttSpeakerOptions } from './speaker-config.ts';

/** The value of a secret's environment variable, or a clear error naming the variable (not the value). */
function secret(env: NodeJS.ProcessEnv, name: string | undefined, channel: string): string | undefined {
  if (name === undefined) return undefined;
  const value = env[name];
  if (value === undefined) throw new Error(`channel ${channel}: environment variable ${name} is not set`);
  return value;
}

export function makeChannel(spec: ChannelSpec, publisher: Publisher, env: NodeJS.ProcessEnv = process.env): Channel {
  const { name } = spec;
  if ('smpp' in spec) {
    const s = spec.smpp;
    return new SmppChannel({ name, host: s.host, port: s.port, systemId: s.system_id, password: secret(env, s.password_env, name) ?? '', sourceAddr: s.source_addr });
  }
  if ('http_sms' in spec) {
    const s = spec.http_sms;
    const token = secret(env, s.token_env, name);
    const headers = { ...s.headers, ...(token && { authorization: `Bearer ${token}` }) };
    return new HttpSmsChannel({ name, url: s.url, body: s.body, headers, ...(s.ok_path && { okPath: s.ok_path }), ...(s.ok_value && { okValue: s.ok_value }), ...(s.ref_path && { refPath: s.ref_path }) });
  }
  if ('http_speaker' in spec) {
    const token = secret(env, spec.http_speaker.token_env, name);
    return new HttpSpeakerChannel({ name, url: spec.http_speaker.url, ...(token && { token }), ...httpSpeakerOptions(spec.http_speaker) });
  }
  if ('mqtt_speaker' in spec) {
    const s = spec.mqtt_speaker;
    const password = secret(env, s.password_env, name);
    return new MqttSpeakerChannel({ name, url: s.url, ...(s.username && { username: s.username }), ...(password && { password }), ...(s.ack_timeout_ms && { ackTimeoutMs: s.ack_timeout_ms }), ...mqttSpeakerOptions(s) });
  }
  if ('webhook' in spec) {
    const key = secret(env, spec.webhook.secret_env, name);
    return new WebhookChannel({ name, url: spec.webhook.url, ...(key && { secret: key }) });
  }
  return new NatsChannel({ name, publisher, ...(spec.nats.subject && { subject: spec.nats.subject }) });
}
