// A throwaway nats-server on a free loopback port, for tests and the benchmark.
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

export interface NatsServer {
  url: string;
  port: number;
  /** JetStream store directory (a temp dir, removed by `stop`). */
  storeDir: string;
  stop(): Promise<void>;
}

const READY_TIMEOUT_MS = 10_000;

/** The nats-server binary: on PATH, else Debian's /usr/sbin (not on a normal user's PATH). */
export function findNatsServer(): string {
  const dirs = [...(process.env.PATH ?? '').split(delimiter).filter(Boolean), '/usr/sbin', '/usr/local/sbin'];
  for (const dir of dirs) {
    const file = join(dir, 'nats-server');
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch {
      // not here; keep looking
    }
  }
  throw new Error('nats-server not found on PATH or in /usr/sbin: install it with `apt-get install nats-server`');
}

/** A port the OS just handed out, so nothing else is listening on it. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => (port ? resolve(port) : reject(new Error('could not get a free port'))));
    });
  });
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = createConnection({ host: '127.0.0.1', port });
    sock.once('connect', () => {
      sock.destroy();
      resolve(true);
    });
    sock.once('error', () => resolve(false));
  });
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

export async function startNatsServer(opts: { jetstream?: boolean } = {}): Promise<NatsServer> {
  const bin = findNatsServer();
  const port = await freePort();
  const storeDir = await mkdtemp(join(tmpdir(), 'seed-nats-'));
  const args = ['-a', '127.0.0.1', '-p', String(port)];
  if (opts.jetstream ?? true) args.push('-js', '-sd', storeDir);

  // A shell watchdog kills the server when our end of its stdin closes, which happens however this
  // process ends (even SIGKILL), so a crashed test run leaves no server behind. It exits with the server.
  const watchdog = 'exec 3<&0; "$@" 3<&- </dev/null & pid=$!; (read _ <&3; kill $pid 2>/dev/null) & wait $pid';
  const child = spawn('/bin/sh', ['-c', watchdog, 'sh', bin, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  let output = '';
  const collect = (chunk: Buffer): void => {
    output += chunk.toString();
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  let spawnError: Error | undefined;
  child.once('error', (err) => (spawnError = err));

  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.stdin?.end(); // the watchdog sends SIGTERM and waits for the server to exit
      await exited(child);
    }
    await rm(storeDir, { recursive: true, force: true });
  };

  // Poll the port: "ready" means it accepts TCP connections, whatever the log format.
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    const dead = spawnError ?? (child.exitCode !== null ? new Error(`exited with code ${child.exitCode}`) : undefined);
    if (dead || Date.now() > deadline) {
      await stop();
      const why = dead ? dead.message : `not accepting connections after ${READY_TIMEOUT_MS} ms`;
      throw new Error(`nats-server ${args.join(' ')}: ${why}\n--- server output ---\n${output}`);
    }
    if (await canConnect(port)) break;
    await new Promise((r) => setTimeout(r, 25));
  }

  return { url: `nats://127.0.0.1:${port}`, port, storeDir, stop };
}
