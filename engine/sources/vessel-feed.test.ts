// Vessel feeds end to end over real sockets and a real nats-server on loopback: AIS lines from a
// TCP server, UDP datagrams and a file, Beidou reports on NATS; positions become observations of
// the registered vessel, bad sentences dead letters with their reasons, and the feed goes on.
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { take } from 'rxjs';
import { nmeaChecksum } from '../../stations/ais/nmea.ts';
import { VesselIngest } from '../../stations/vessel-ingest.ts';
import { parseFleet } from '../../stations/vessels.ts';
import type { Publisher } from '../bus.ts';
import { decodeObservation } from '../codec.ts';
import { startNatsServer, type NatsServer } from '../servers/nats-server.ts';
import type { Observation } from '../observation.ts';
import { DLQ_SUBJECT } from '../pipeline.ts';
import type { DeadLetter } from '../store/store.ts';
import { openJetStream, type JetStreamBus } from './jetstream-source.ts';
import { fileLines, ingestFeed, natsLines, tcpLines, udpLines } from './vessel-feed.ts';

// DOMAIN.md's vectors: a type 1 of MMSI 205278090 (registered here), a type 18 of 338087471 (not),
// and a two-sentence type 5 of 351759000.
const TYPE1 = '!AIVDM,1,1,,B,133i;RPP1DPEbcDMV@1r:Ow:2>`<,0*41';
const TYPE18 = '!AIVDM,1,1,,A,B52K>;h00Fc>jpUlNV@ikwpUoP06,0*4C';
const TYPE5 = ['!AIVDM,2,1,1,A,55?MbV02;H;s<HtKR20EHE:0@T4@Dn2222222216L961O5Gf0NSQEp6ClRp8,0*1C', '!AIVDM,2,2,1,A,88888888880,2*25'];
const nmea = (start: string, body: string): string => `${start}${body}*${nmeaChecksum(body).toString(16).toUpperCase().padStart(2, '0')}`;
/** The first of two parts, on another channel and sequence id, whose second never comes. */
const LONE_FIRST = nmea('!', 'AIVDM,2,1,7,B,55?MbV02;H;s<HtKR20EHE:0@T4@Dn2222222216L961O5Gf0NSQEp6ClRp8,0');
const BAD_CHECKSUM = '!AIVDM,1,1,,B,133i;RPP1DPEbcDMV@1r:Ow:2>`<,0*42';

const fleetOf = () =>
  parseFleet(
    'fleet.yaml',
    `vessels:
  - { id: NL1, name: Dutch trawler, class: trawler, mmsi: "205278090", ais: A }
  - { id: ED1, name: Ever Diadem, class: carrier, mmsi: "351759000", ais: A }
  - { id: ZY1, name: 浙岭渔00001, class: trawler, terminal: BD0000001 }
`,
  );

function capture(): Publisher & { obs: Observation[]; dead: DeadLetter[] } {
  const obs: Observation[] = [];
  const dead: DeadLetter[] = [];
  return {
    obs,
    dead,
    publish(subject, data) {
      if (subject === DLQ_SUBJECT) dead.push(JSON.parse(new TextDecoder().decode(data)) as DeadLetter);
      else {
        const d = decodeObservation(subject, data);
        assert.ok(d.ok, `published observations decode: ${d.ok ? '' : d.reason}`);
        obs.push(d.obs);
      }
      return Promise.resolve();
    },
  };
}

const AT = Date.parse('2026-09-10T02:00:00Z');

describe('vessel feeds', () => {
  let server: NatsServer;
  let bus: JetStreamBus;
  const dir = mkdtempSync(join(tmpdir(), 'seed-feed-'));

  before(async () => {
    server = await startNatsServer();
    bus = await openJetStream(server.url);
  });
  after(async () => {
    await bus.close();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('AIS over TCP: positions of registered and unknown vessels, a static report, bad lines dead-lettered with reasons, the rest still read', async () => {
    const feed = createServer((socket) => socket.end([TYPE5[0], 'garbage', BAD_CHECKSUM, TYPE1, TYPE5[1], TYPE18, LONE_FIRST, ''].join('\r\n')));
    await new Promise<void>((ready) => feed.listen(0, '127.0.0.1', ready));
    const { port } = feed.address() as { port: number };
    const fleet = fleetOf();
    const out = capture();
    const counts = await ingestFeed(tcpLines('127.0.0.1', port, () => AT), 'ais', new VesselIngest(fleet), out, { clock: () => AT });
    feed.close();
    assert.deepEqual(counts, { lines: 7, observations: 2, deadLetters: 3, skipped: 0, statics: 1 });
    const [nl1, stranger] = out.obs;
    assert.equal(nl1!.station, 'NL1');
    assert.equal(nl1!.source, 'ais:205278090');
    assert.ok(Math.abs(nl1!.position!.lat - 51.725665) < 1e-6 && Math.abs(nl1!.position!.lon - 4.73319) < 1e-6);
    assert.deepEqual([nl1!.position!.speed, nl1!.position!.course], [8.4, 260.1]);
    assert.equal(stranger!.station, '338087471', 'an unregistered MMSI reports under its own id');
    assert.equal(fleet.vessels.get('ED1')!.callsign, '3FOF8', 'the type 5 (interleaved with other lines) updated the registry');
    assert.equal(fleet.vessels.get('ED1')!.imo, 9134270);
    const reasons = out.dead.map((d) => d.reason);
    assert.match(reasons[0]!, /not an NMEA sentence|sentence/i);
    assert.match(reasons[1]!, /checksum/);
    assert.match(reasons[2]!, /incomplete|expired|never came|1 of 2/i, 'a lone first part is dead-lettered when the feed ends');
    assert.equal(out.dead[1]!.payload, BAD_CHECKSUM);
  });

  it('AIS over UDP and from a file give the same observations', async () => {
    let bound!: (port: number) => void;
    const port = new Promise<number>((r) => (bound = r));
    const out = capture();
    const done = ingestFeed(udpLines(0, '127.0.0.1', () => AT, bound).pipe(take(2)), 'ais', new VesselIngest(fleetOf()), out, { clock: () => AT });
    const sock = createSocket('udp4');
    const p = await port;
    await new Promise<void>((r) => sock.send(`${TYPE1}\r\n${TYPE18}\r\n`, p, '127.0.0.1', () => r()));
    sock.close();
    assert.equal((await done).observations, 2);
    const file = join(dir, 'feed.nmea');
    writeFileSync(file, `${TYPE1}\n${TYPE18}\n`);
    const fromFile = capture();
    await ingestFeed(fileLines(file, () => AT), 'ais', new VesselIngest(fleetOf()), fromFile, { clock: () => AT });
    assert.deepEqual(fromFile.obs, out.obs);
  });

  it('Beidou over NATS: a JSON fix, and a bare RMC sentence whose terminal is the subject; a void fix is dead-lettered', async () => {
    const out = capture();
    const done = ingestFeed(natsLines(bus.nc, 'beidou.>', () => AT).pipe(take(3)), 'beidou', new VesselIngest(fleetOf()), out, { clock: () => AT });
    await new Promise((r) => setTimeout(r, 50)); // the subscription is registered before publishing
    const rmc = (status: string) => nmea('$', `BDRMC,020000.00,${status},2903.0000,N,12212.0000,E,3.5,90.0,100926,,,A`);
    bus.nc.publish('beidou.BD0000001', JSON.stringify({ terminal: 'BD0000001', ts: '2026-09-10T10:00:00+08:00', lon: 122.2, lat: 29.05, speed: 3.5, course: 90 }));
    bus.nc.publish('beidou.BD0000001', rmc('A'));
    bus.nc.publish('beidou.BD0000001', rmc('V'));
    const counts = await done;
    assert.deepEqual([counts.observations, counts.deadLetters], [2, 1]);
    assert.deepEqual(out.obs.map((o) => [o.station, o.ts, o.position!.lon, o.position!.lat, o.source]), [
      ['ZY1', Date.parse('2026-09-10T02:00:00Z'), 122.2, 29.05, 'beidou:BD0000001'],
      ['ZY1', Date.parse('2026-09-10T02:00:00Z'), 122.2, 29.05, 'beidou:BD0000001'],
    ]);
    assert.match(out.dead[0]!.reason, /void|V/);
  });
});
