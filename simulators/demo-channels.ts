// The far ends of dissemination for the demo, all on 127.0.0.1: a carrier's SMS centre (SMPP), the
// ports' broadcast speakers (MQTT), the speaker vendor's cloud (HTTP, the fallback), the county
// broadcast platform (a webhook receiver); and the engine's real channels pointed at them.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Channel } from '../alerting/channel.ts';
import { HttpSpeakerChannel } from '../alerting/channels/http-speaker-channel.ts';
import { MqttSpeakerChannel } from '../alerting/channels/mqtt-speaker-channel.ts';
import { NatsChannel } from '../alerting/channels/nats-channel.ts';
import { SmppChannel } from '../alerting/channels/smpp-channel.ts';
import { WebhookChannel } from '../alerting/channels/webhook-channel.ts';
import type { Contacts } from '../alerting/contacts.ts';
import type { Publisher } from '../engine/bus.ts';
import { startSmsCenter, type SmsCenter } from './sms-center.ts';
import { startSpeakerCloud, type SpeakerCloud } from './speaker-cloud.ts';
import { startSpeakerFleet, type SpeakerFleet } from './speaker-fleet.ts';

export interface DemoChannels {
  channels: Channel[];
  smsCenter: SmsCenter;
  speakers: SpeakerFleet;
  cloud: SpeakerCloud;
  /** Posts the county platform received. */
  platform: () => number;
  stop(): Promise<void>;
}

/** A webhook receiver standing in for the county emergency broadcast platform: it takes every alert. */
async function startPlatform(): Promise<{ server: Server; url: string; received: () => number }> {
  let received = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      received++;
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/alerts`, received: () => received };
}

/** One speaker is dead (no acknowledgement): its messages go to the vendor's cloud after three tries. */
export async function startDemoChannels(contacts: Contacts, publisher: Publisher, deadSpeaker?: string): Promise<DemoChannels> {
  const devices = [...contacts.speakers.values()].map((c) => (c.recipient.kind === 'speaker' ? c.recipient.device : c.recipient.id));
  const smsCenter = await startSmsCenter({ systemId: 'seed', password: 'demo', receiptDelayMs: 20 });
  const speakers = await startSpeakerFleet({ devices, ackDelayMs: 5, ...(deadSpeaker && { dead: [deadSpeaker] }) });
  const cloud = await startSpeakerCloud({ token: 'demo-token', devices });
  const platform = await startPlatform();
  const channels: Channel[] = [
    new SmppChannel({ name: 'sms', host: '127.0.0.1', port: smsCenter.port, systemId: 'seed', password: 'demo', sourceAddr: '10659001' }),
    new MqttSpeakerChannel({ name: 'speaker-mqtt', url: speakers.url, ackTimeoutMs: 2000 }),
    new HttpSpeakerChannel({ name: 'speaker-cloud', url: cloud.url, token: 'demo-token' }),
    new WebhookChannel({ name: 'webhook', url: platform.url, secret: 'demo-secret' }),
    new NatsChannel({ name: 'nats', publisher, subject: 'alert.{domain}.{tier}.{rule}' }),
  ];
  return {
    channels,
    smsCenter,
    speakers,
    cloud,
    platform: platform.received,
    stop: async () => {
      await Promise.all(channels.map((c) => c.close()));
      await Promise.all([smsCenter.stop(), speakers.stop(), cloud.stop(), new Promise((done) => platform.server.close(done))]);
    },
  };
}
