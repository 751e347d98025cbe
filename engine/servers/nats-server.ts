// A throwaway nats-server (Debian's) on a free loopback port, for tests and the benchmark.
import { canConnect, findBinary, freePort, startLocalServer } from './local-server.ts';

export interface NatsServer {
  url: string;
  port: number;
  /** JetStream store directory (a temp dir, removed by `stop`). */
  storeDir: string;
  stop(): Promise<void>;
}

export async function startNatsServer(opts: { jetstream?: boolean } = {}): Promise<NatsServer> {
  const port = await freePort();
  const server = await startLocalServer({
    bin: findBinary('nats-server', 'nats-server'),
    args: (dir) => ['-a', '127.0.0.1', '-p', String(port), ...(opts.jetstream ?? true ? ['-js', '-sd', dir] : [])],
    // "Ready" means it accepts TCP connections, whatever the log format.
    ready: () => canConnect(port),
  });
  return { url: `nats://127.0.0.1:${port}`, port, storeDir: server.dir, stop: server.stop };
}
