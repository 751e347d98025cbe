// The far ends of dissemination for the demo, all on 127.0.0.1: a carrier's SMS centre (SMPP), the
// ports' broadcast speakers (MQTT), the speaker vendor's cloud (HTTP, the fallback), the county
// broadcast platform (a webhook receiver); and the channel settings of seed.yaml that point at them
// (the secrets, as in a deployment, in environment variables).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Contacts } from '../alerting/contacts.ts';
import type { ChannelSpec } from '../engine/config.ts';
import { startSmsCenter, type SmsCenter } from './sms-center.ts';
import { startSpeakerCloud, type SpeakerCloud } from './speaker-cloud.ts';
import { startSpeakerFleet, type SpeakerFleet } from './speaker-fleet.ts';

export interface DemoChannels {
  specs: ChannelSpec[];
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

const SECRETS = { SEED_DEMO_SMPP_PASSWORD: 'demo', SEED_DEMO_SPEAKER_TOKEN: 'demo-token', SEED_DEMO_HOOK_SECRET: 'demo-secret' };

/** One speaker is dead (no acknowledgement): its messages go to the vendor's cloud after three tries. */
export async function startDemoChannels(contacts: Contacts, deadSpeaker?: string): Promise<DemoChannels> {
  Object.assign(process.env, SECRETS);
  const devices = [...contacts.speakers.values()].map((c) => (c.recipient.kind === 'speaker' ? c.recipient.device : c.recipient.id));
  const smsCenter = await startSmsCenter({ systemId: 'seed', password: SECRETS.SEED_DEMO_SMPP_PASSWORD, receiptDelayMs: 20 });
  const speakers = await startSpeakerFleet({ devices, ackDelayMs: 5, ...(deadSpeaker && { dead: [deadSpeaker] }) });
  const cloud = await startSpeakerCloud({ token: SECRETS.SEED_DEMO_SPEAKER_TOKEN, devices });
  const platform = await startPlatform();
  const specs: ChannelSpec[] = [
    { name: 'sms', smpp: { host: '127.0.0.1', port: smsCenter.port, system_id: 'seed', password_env: 'SEED_DEMO_SMPP_PASSWORD', source_addr: '10659001' } },
    { name: 'speaker-mqtt', mqtt_speaker: { url: speakers.url, ack_timeout_ms: 2000 } },
    { name: 'speaker-cloud', http_speaker: { url: cloud.url, token_env: 'SEED_DEMO_SPEAKER_TOKEN' } },
    { name: 'webhook', webhook: { url: platform.url, secret_env: 'SEED_DEMO_HOOK_SECRET' } },
    { name: 'nats', nats: { subject: 'alert.{domain}.{tier}.{rule}' } },
  ];
  return {
    specs,
    smsCenter,
    speakers,
    cloud,
    platform: platform.received,
    stop: async () => {
      await Promise.all([smsCenter.stop(), speakers.stop(), cloud.stop(), new Promise((done) => platform.server.close(done))]);
    },
  };
}
