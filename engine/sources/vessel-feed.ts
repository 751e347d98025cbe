// Vessel feeds at the edge: lines of AIS NMEA from a TCP server (AIS-catcher, a shore station
// network), UDP datagrams, a file, or a NATS subject; Beidou reports from NATS. Each line goes
// through the ingest; positions are published as observations (`obs.vessel.<id>.position`), bad
// input as dead letters (`dlq.obs`, with the reason), and a bad line never stops the feed.
import { createSocket } from 'node:dgram';
import { createReadStream } from 'node:fs';
import { connect } from 'node:net';
import { createInterface } from 'node:readline';
import type { NatsConnection } from '@nats-io/transport-node';
import { concatMap, defaultIfEmpty, from, interval, last, map, merge, Observable, share, takeUntil } from 'rxjs';
import type { Ingested, VesselIngest } from '../../stations/vessel-ingest.ts';
import type { Publisher } from '../bus.ts';
import { encodeObservation } from '../codec.ts';
import { observationSubject } from '../observation.ts';
import { DLQ_SUBJECT } from '../pipeline.ts';
import type { DeadLetter } from '../store/store.ts';

const encoder = new TextEncoder();

export interface FeedLine {
  text: string;
  /** The receiver or feed, for multipart reassembly: `tcp:host:port`, `udp:addr:port`, `file:path`, the NATS subject. */
  source: string;
  receivedAt: number;
}

/** Lines of a TCP feed the engine connects to; ends when the server closes the connection. */
export function tcpLines(host: string, port: number, clock: () => number = Date.now): Observable<FeedLine> {
  return new Observable<FeedLine>((sub) => {
    const socket = connect({ host, port });
    const source = `tcp:${host}:${port}`;
    const lines = createInterface({ input: socket, crlfDelay: Infinity });
    lines.on('line', (text) => sub.next({ text, source, receivedAt: clock() }));
    lines.on('close', () => sub.complete());
    socket.on('error', (e) => sub.error(e));
    return () => socket.destroy();
  });
}

/** Datagrams on a UDP port (one or more sentences each, as AIS receivers send them). */
export function udpLines(port: number, host = '127.0.0.1', clock: () => number = Date.now, bound?: (port: number) => void): Observable<FeedLine> {
  return new Observable<FeedLine>((sub) => {
    const socket = createSocket('udp4');
    socket.on('message', (msg, rinfo) => {
      for (const text of msg.toString('latin1').split(/\r?\n/)) if (text) sub.next({ text, source: `udp:${rinfo.address}:${rinfo.port}`, receivedAt: clock() });
    });
    socket.on('error', (e) => sub.error(e));
    socket.bind(port, host, () => bound?.(socket.address().port));
    return () => socket.close();
  });
}

/** A recorded feed, line by line. */
export function fileLines(path: string, clock: () => number = Date.now): Observable<FeedLine> {
  return new Observable<FeedLine>((sub) => {
    const input = createReadStream(path);
    input.on('error', (e) => sub.error(e));
    const lines = createInterface({ input, crlfDelay: Infinity });
    lines.on('line', (text) => sub.next({ text, source: `file:${path}`, receivedAt: clock() }));
    lines.on('close', () => sub.complete());
    return () => input.destroy();
  });
}

/** Messages on NATS subjects (e.g. `ais.raw.>`, `beidou.>`): one sentence or report each. */
export function natsLines(nc: NatsConnection, subject: string, clock: () => number = Date.now): Observable<FeedLine> {
  return new Observable<FeedLine>((sub) => {
    const s = nc.subscribe(subject, {
      callback: (err, msg) => (err ? sub.error(err) : sub.next({ text: msg.string(), source: msg.subject, receivedAt: clock() })),
    });
    return () => s.unsubscribe();
  });
}

export interface FeedCounts {
  lines: number;
  observations: number;
  deadLetters: number;
  skipped: number;
  statics: number;
}

/**
 * Run a feed through the ingest and publish what comes out, in order. AIS multipart messages
 * left incomplete are dead-lettered on a timer and when the feed ends. Resolves with the counts.
 */
export function ingestFeed(lines: Observable<FeedLine>, kind: 'ais' | 'beidou', ingest: VesselIngest, publisher: Publisher, opts: { clock?: () => number; expireEveryMs?: number } = {}): Promise<FeedCounts> {
  const clock = opts.clock ?? Date.now;
  const counts: FeedCounts = { lines: 0, observations: 0, deadLetters: 0, skipped: 0, statics: 0 };
  const feed = lines.pipe(share());
  const ended = feed.pipe(defaultIfEmpty(undefined), last());
  const outcomes = merge(
    feed.pipe(
      map((l) => {
        counts.lines++;
        return { subject: l.source, out: kind === 'ais' ? ingest.ais(l.text, l.source, l.receivedAt) : ingest.beidou(l.text, beidouTerminal(l.source)) };
      }),
    ),
    interval(opts.expireEveryMs ?? 5000).pipe(takeUntil(ended), map(() => ({ subject: 'ais.expired', out: ingest.expire(clock()) }))),
  );
  return new Promise<FeedCounts>((resolve, reject) => {
    outcomes.pipe(concatMap(({ subject, out }) => from(publishAll(out, subject, publisher, counts, clock)))).subscribe({
      error: reject,
      complete: () => void publishAll(ingest.expire(Infinity), 'ais.expired', publisher, counts, clock).then(() => resolve(counts), reject),
    });
  });
}

/** The terminal id a Beidou subject carries as its last token (`beidou.BD0012345`), for bare RMC sentences. */
const beidouTerminal = (source: string): string | undefined => /^beidou\.([A-Za-z0-9_-]+)$/.exec(source)?.[1];

async function publishAll(out: Ingested[], subject: string, publisher: Publisher, counts: FeedCounts, clock: () => number): Promise<void> {
  for (const o of out) {
    if (o.kind === 'obs') {
      counts.observations++;
      await publisher.publish(observationSubject(o.obs), encodeObservation(o.obs));
    } else if (o.kind === 'dead') {
      counts.deadLetters++;
      const letter: DeadLetter = { subject, reason: o.reason, payload: o.payload, at: clock() };
      await publisher.publish(DLQ_SUBJECT, encoder.encode(JSON.stringify(letter)));
    } else if (o.kind === 'skipped') counts.skipped++;
    else counts.statics++;
  }
}
