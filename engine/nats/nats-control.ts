// The control handlers (engine/control.ts) as NATS request/reply subjects.
import type { NatsConnection } from '@nats-io/transport-node';
import { activeWarnings, CONTROL_SUBJECTS, fleetStanding, getMode, highWaters, listRules, parseBody, setMode, type ControlReply, type Controls } from '../control.ts';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function serveControl(nc: NatsConnection, c: Controls): void {
  const handlers: [string, (body: unknown) => ControlReply | Promise<ControlReply>][] = [
    [CONTROL_SUBJECTS.mode, () => getMode(c)],
    [CONTROL_SUBJECTS.setMode, (body) => setMode(c, body)],
    [CONTROL_SUBJECTS.active, () => activeWarnings(c)],
    [CONTROL_SUBJECTS.rules, () => listRules(c)],
    [CONTROL_SUBJECTS.highWaters, (body) => highWaters(c, body)],
    [CONTROL_SUBJECTS.fleet, (body) => fleetStanding(c, body)],
  ];
  for (const [subject, handle] of handlers) {
    nc.subscribe(subject, {
      callback: (_err, msg) => {
        const { body, error } = parseBody(decoder.decode(msg.data));
        const reply = (r: ControlReply) => msg.respond(encoder.encode(JSON.stringify(r)));
        if (error) return void reply(error);
        Promise.resolve(handle(body)).then(reply, (e: unknown) => reply({ ok: false, error: e instanceof Error ? e.message : String(e) }));
      },
    });
  }
}

/** A request to a running engine, for the CLI. */
export async function requestControl(nc: NatsConnection, subject: string, body: unknown = {}): Promise<ControlReply> {
  const msg = await nc.request(subject, encoder.encode(JSON.stringify(body)), { timeout: 5000 });
  return JSON.parse(decoder.decode(msg.data)) as ControlReply;
}
