// The control handlers (engine/control.ts) as NATS request/reply subjects.
import type { NatsConnection } from '@nats-io/transport-node';
import { engineHandlers, parseBody, type ControlReply, type Controls, type Handler } from '../control.ts';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Serve the engine's requests, and any others (dissemination's), on their subjects. */
export function serveControl(nc: NatsConnection, c: Controls, extra: readonly Handler[] = []): void {
  for (const { subject, handle } of [...engineHandlers(c), ...extra]) {
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
