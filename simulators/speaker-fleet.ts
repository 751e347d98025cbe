// Village broadcast speakers on MQTT: a real broker (aedes) on loopback and one MQTT client per
// device, speaking the contract of alerting/channels/mqtt-speaker-channel.ts:
//
//   command  → speakers/{device}/command   { id, devices, text, volume, repeat, priority, tier, lang, zone? }
//   ack      ← speakers/{device}/ack       { id, device, status: 'played' | 'busy' | 'error', detail? }
//
// A speaker plays a command once: a repeated id is acknowledged as played but not played again (it
// is counted in repeats()). Devices listed as busy answer busy to everything; dead ones take the
// command and never answer.
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { Aedes } from 'aedes';
import { connectAsync, type MqttClient } from 'mqtt';

export interface SpeakerFleetOptions {
  devices: string[];
  /** 0 (default): a free port. */
  port?: number;
  /** How long a speaker takes to play before it acknowledges (default 0). */
  ackDelayMs?: number;
  /** Devices that answer busy. */
  busy?: string[];
  /** Devices that never answer. */
  dead?: string[];
}

export interface Played {
  device: string;
  /** The command id (the delivery's idempotency key). */
  id: string;
  text: string;
  at: number;
}

export interface Heard {
  device: string;
  id: string;
  at: number;
}

export interface SpeakerFleet {
  /** mqtt://127.0.0.1:<port> */
  url: string;
  port: number;
  /** What was played, once per (device, command id), in order. */
  played(): Played[];
  /** Commands acknowledged again without playing: an id the device had already played. */
  repeats(): Heard[];
  /** Every command a device received (busy and dead ones included). */
  received(): Heard[];
  stop(): Promise<void>;
}

interface Command {
  id: string;
  text: string;
}

function parseCommand(payload: Buffer): Command | { id?: string; error: string } {
  try {
    const v = JSON.parse(payload.toString('utf8')) as Record<string, unknown> | null;
    const id = typeof v?.id === 'string' ? v.id : undefined;
    if (id === undefined) return { error: 'no id' };
    if (typeof v?.text !== 'string' || v.text === '') return { id, error: 'no text to speak' };
    return { id, text: v.text };
  } catch {
    return { error: 'not JSON' };
  }
}

export async function startSpeakerFleet(opts: SpeakerFleetOptions): Promise<SpeakerFleet> {
  const busy = new Set(opts.busy ?? []);
  const dead = new Set(opts.dead ?? []);
  const devices = [...new Set([...opts.devices, ...busy, ...dead])];
  for (const d of devices) if (d === '' || /[/+#]/.test(d)) throw new Error(`device id "${d}" cannot be an MQTT topic level`);
  const played: Played[] = [];
  const repeats: Heard[] = [];
  const received: Heard[] = [];
  const timers = new Set<NodeJS.Timeout>();

  const broker = await Aedes.createBroker();
  const tcp: Server = createServer(broker.handle);
  const sockets = new Set<Socket>();
  tcp.on('connection', (s: Socket) => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    tcp.once('error', reject);
    tcp.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (tcp.address() as AddressInfo).port;
  const url = `mqtt://127.0.0.1:${port}`;

  const speaker = async (device: string): Promise<MqttClient> => {
    const client = await connectAsync(url, { clientId: `speaker-${device}`, reconnectPeriod: 0 });
    const seen = new Set<string>();
    const ack = (id: string, status: string, detail?: string): void => {
      const send = (): void => void client.publish(`speakers/${device}/ack`, JSON.stringify({ id, device, status, ...(detail && { detail }) }), { qos: 1 });
      const ms = opts.ackDelayMs ?? 0;
      if (ms <= 0) return send();
      const t = setTimeout(() => {
        timers.delete(t);
        send();
      }, ms);
      timers.add(t);
    };
    client.on('message', (_topic, payload) => {
      const command = parseCommand(payload);
      const at = Date.now();
      if (command.id !== undefined) received.push({ device, id: command.id, at });
      if (dead.has(device) || command.id === undefined) return;
      if ('error' in command) return ack(command.id, 'error', command.error);
      if (busy.has(device)) return ack(command.id, 'busy', 'playing another broadcast');
      if (seen.has(command.id)) repeats.push({ device, id: command.id, at });
      else {
        seen.add(command.id);
        played.push({ device, id: command.id, text: command.text, at });
      }
      ack(command.id, 'played');
    });
    await client.subscribeAsync(`speakers/${device}/command`, { qos: 1 });
    return client;
  };
  const clients = await Promise.all(devices.map(speaker));

  return {
    url,
    port,
    played: () => played.map((p) => ({ ...p })),
    repeats: () => repeats.map((r) => ({ ...r })),
    received: () => received.map((r) => ({ ...r })),
    stop: async () => {
      for (const t of timers) clearTimeout(t);
      await Promise.all(clients.map((c) => c.endAsync(true)));
      await new Promise<void>((resolve) => broker.close(() => resolve()));
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => tcp.close(() => resolve()));
    },
  };
}
