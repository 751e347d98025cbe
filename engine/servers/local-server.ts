// A throwaway server process on a free loopback port with a temporary directory, for tests and the
// benchmark: Debian's nats-server, influxd. Stopped (and its directory removed) by `stop`, and
// killed by a watchdog if this process dies first.
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

const READY_TIMEOUT_MS = 15_000;

/** A binary on PATH, else in the sbin directories Debian installs daemons to (not on a user's PATH). */
export function findBinary(name: string, apt: string): string {
  const dirs = [...(process.env.PATH ?? '').split(delimiter).filter(Boolean), '/usr/sbin', '/usr/local/sbin'];
  for (const dir of dirs) {
    const file = join(dir, name);
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch {
      // not here; keep looking
    }
  }
  throw new Error(`${name} not found on PATH or in /usr/sbin: install it with \`apt-get install ${apt}\``);
}

/** A port the OS just handed out, so nothing else is listening on it. */
export function freePort(): Promise<number> {
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

/** Whether something accepts TCP connections on the loopback port. */
export function canConnect(port: number): Promise<boolean> {
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

export interface LocalServer {
  /** The temporary directory the server keeps its data in (removed by `stop`). */
  dir: string;
  stop: () => Promise<void>;
}

export interface ServerSpec {
  bin: string;
  /** Its arguments, given the temporary directory (the config file or data directory goes in it). */
  args(dir: string): string[] | Promise<string[]>;
  /** Polled until true: the server is ready for requests. */
  ready(): Promise<boolean>;
}

export async function startLocalServer(spec: ServerSpec): Promise<LocalServer> {
  const dir = await mkdtemp(join(tmpdir(), 'seed-server-'));
  const args = await spec.args(dir);
  // A shell watchdog kills the server when our end of its stdin closes, which happens however this
  // process ends (even SIGKILL), so a crashed test run leaves no server behind. It exits with the server.
  const watchdog = 'exec 3<&0; "$@" 3<&- </dev/null & pid=$!; (read _ <&3; kill $pid 2>/dev/null) & wait $pid';
  const child = spawn('/bin/sh', ['-c', watchdog, 'sh', spec.bin, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  let output = '';
  const collect = (chunk: Buffer): void => {
    output = (output + chunk.toString()).slice(-20_000);
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
    await rm(dir, { recursive: true, force: true });
  };

  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    const dead = spawnError ?? (child.exitCode !== null ? new Error(`exited with code ${child.exitCode}`) : undefined);
    if (dead || Date.now() > deadline) {
      await stop();
      const why = dead ? dead.message : `not ready after ${READY_TIMEOUT_MS} ms`;
      throw new Error(`${spec.bin} ${args.join(' ')}: ${why}\n--- server output ---\n${output}`);
    }
    if (await spec.ready().catch(() => false)) break;
    await new Promise((r) => setTimeout(r, 25));
  }
  return { dir, stop };
}
