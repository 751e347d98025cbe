// A throwaway influxd (Debian's influxdb package, 1.x) on a free loopback port with its data in a
// temporary directory, for the store tests and the benchmark.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { findBinary, freePort, startLocalServer } from './local-server.ts';

export interface InfluxServer {
  /** http://127.0.0.1:<port> */
  url: string;
  /** Its temporary directory (config and data), removed by `stop`. */
  dir: string;
  stop(): Promise<void>;
}

/** Continuous queries are checked this often, so a downsampling test need not wait a minute. */
const CQ_INTERVAL = '1s';

export async function startInfluxd(): Promise<InfluxServer> {
  const [http, rpc] = [await freePort(), await freePort()];
  const url = `http://127.0.0.1:${http}`;
  const server = await startLocalServer({
    bin: findBinary('influxd', 'influxdb'),
    args: async (dir) => {
      // Only the HTTP API, on loopback; no usage reporting, no _internal monitor database.
      const config = `reporting-disabled = true
bind-address = "127.0.0.1:${rpc}"
[meta]
  dir = "${join(dir, 'meta')}"
[data]
  dir = "${join(dir, 'data')}"
  wal-dir = "${join(dir, 'wal')}"
  query-log-enabled = false
[monitor]
  store-enabled = false
[http]
  bind-address = "127.0.0.1:${http}"
  log-enabled = false
[logging]
  level = "warn"
[continuous_queries]
  log-enabled = false
  run-interval = "${CQ_INTERVAL}"
`;
      const file = join(dir, 'influxdb.conf');
      await writeFile(file, config);
      return ['-config', file];
    },
    ready: async () => (await fetch(`${url}/ping`)).status === 204,
  });
  return { url, dir: server.dir, stop: server.stop };
}
