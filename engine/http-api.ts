// The engine's HTTP API on loopback by default: GET /mode, POST /mode, GET /warnings/active,
// GET /rules, GET /tides/high-waters?station=T01&hours=48, GET /fleet/standing?rule=typhoon-port-return. Same handlers as the NATS subjects
// (engine/control.ts); a GET's query parameters are its body.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { activeWarnings, fleetStanding, getMode, highWaters, listRules, parseBody, setMode, type ControlReply, type Controls } from './control.ts';

export async function startHttpApi(c: Controls, port: number, host = '127.0.0.1'): Promise<{ server: Server; url: string }> {
  const routes: Record<string, (body: unknown) => ControlReply | Promise<ControlReply>> = {
    'GET /mode': () => getMode(c),
    'POST /mode': (body) => setMode(c, body),
    'GET /warnings/active': () => activeWarnings(c),
    'GET /rules': () => listRules(c),
    'GET /tides/high-waters': (body) => highWaters(c, body),
    'GET /fleet/standing': (body) => fleetStanding(c, body),
  };
  const server = createServer((req, res) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (text += chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const route = routes[`${req.method} ${url.pathname}`];
      const send = (status: number, reply: ControlReply): void => {
        res.writeHead(status, { 'content-type': 'application/json' }).end(`${JSON.stringify(reply)}\n`);
      };
      if (!route) return send(404, { ok: false, error: `no route ${req.method} ${req.url}; try ${Object.keys(routes).join(', ')}` });
      const { body, error } = req.method === 'GET' ? { body: Object.fromEntries(url.searchParams) } : parseBody(text);
      if (error) return send(400, error);
      Promise.resolve(route(body)).then(
        (reply) => send(reply.ok ? 200 : 400, reply),
        (e: unknown) => send(500, { ok: false, error: e instanceof Error ? e.message : String(e) }),
      );
    });
  });
  await new Promise<void>((ready) => server.listen(port, host, ready));
  const { port: bound } = server.address() as AddressInfo;
  return { server, url: `http://${host}:${bound}` };
}
