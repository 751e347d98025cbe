// The engine's HTTP API on loopback by default: every request handler (engine/control.ts and
// dissemination's) under its route, e.g. GET /mode, POST /mode, GET /warnings/active, GET /rules,
// GET /tides/high-waters?station=T01&hours=48, GET /fleet/standing?rule=typhoon-port-return; a GET's
// query parameters are its body. Documents that are not JSON (the CAP feed) are served by prefix.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { engineHandlers, parseBody, type ControlReply, type Controls, type Handler } from './control.ts';

/** A document served under a path prefix (e.g. `/cap/`): the rest of the path picks it; undefined is a 404. */
export interface DocumentRoute {
  prefix: string;
  get(rest: string): { type: string; body: string } | undefined;
}

export async function startHttpApi(
  c: Controls,
  port: number,
  host = '127.0.0.1',
  extra: { handlers?: readonly Handler[]; documents?: readonly DocumentRoute[] } = {},
): Promise<{ server: Server; url: string }> {
  const routes = new Map([...engineHandlers(c), ...(extra.handlers ?? [])].map((h) => [h.route, h.handle]));
  const server = createServer((req, res) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (text += chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const send = (status: number, reply: ControlReply): void => {
        res.writeHead(status, { 'content-type': 'application/json' }).end(`${JSON.stringify(reply)}\n`);
      };
      const doc = req.method === 'GET' ? extra.documents?.find((d) => url.pathname.startsWith(d.prefix)) : undefined;
      if (doc) {
        const found = doc.get(url.pathname.slice(doc.prefix.length));
        return found ? void res.writeHead(200, { 'content-type': found.type }).end(found.body) : send(404, { ok: false, error: `nothing at ${url.pathname}` });
      }
      const route = routes.get(`${req.method} ${url.pathname}`);
      if (!route) return send(404, { ok: false, error: `no route ${req.method} ${req.url}; try ${[...routes.keys()].join(', ')}` });
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
