// The CAP messages of every warning episode, in memory, and an Atom feed of the latest: each new
// message of an episode references all the earlier ones (an Update the Alert, a Cancel the Alert
// and every Update), as CAP readers expect to supersede them.
import { create } from 'xmlbuilder2';
import { episodeKey } from '../../engine/delivery.ts';
import type { WarningEvent } from '../../engine/warning.ts';
import type { CapArea } from './cap-area.ts';
import { capDate } from './cap-date.ts';
import { capMessage, type CapDocument, type CapText } from './cap-message.ts';

const ATOM_NS = 'http://www.w3.org/2005/Atom';

export interface CapFeedOptions {
  sender: string;
  senderName: string;
  agency: string;
  utcOffsetMinutes: number;
  /**
   * How many lifted episodes to keep (default 500); older ones are dropped with their messages.
   * Episodes in force are always kept: their next message must reference them.
   */
  keepLifted?: number;
}

interface Entry {
  doc: CapDocument;
  eventId: string;
  at: number;
  /** Order of arrival, between messages of the same second. */
  seq: number;
  title: string;
  summary: string;
}

export class CapFeed {
  private readonly episodes = new Map<string, Entry[]>();
  /** By warning event id: a replayed event finds its message. */
  private readonly byEvent = new Map<string, Entry>();
  private readonly byIdentifier = new Map<string, Entry>();
  /** Lifted episodes, oldest first. */
  private readonly lifted: string[] = [];
  private seq = 0;
  private readonly keepLifted: number;

  constructor(private readonly options: CapFeedOptions) {
    this.keepLifted = options.keepLifted ?? 500;
    if (!Number.isInteger(this.keepLifted) || this.keepLifted < 0) throw new RangeError(`CapFeed: keepLifted must be a whole number ≥ 0, not ${options.keepLifted}`);
  }

  /** The message for `event`, referencing its episode's earlier messages; the same one again for a replayed event. */
  add(event: WarningEvent, area: CapArea, texts: CapText[]): CapDocument {
    const known = this.byEvent.get(event.id);
    if (known) return known.doc;
    const key = episodeKey(event);
    const episode = this.episodes.get(key) ?? [];
    const { sender, senderName, agency, utcOffsetMinutes } = this.options;
    const doc = capMessage({ event, area, sender, senderName, agency, utcOffsetMinutes, texts, references: episode.map((e) => e.doc.reference) });
    const entry: Entry = { doc, eventId: event.id, at: event.at, seq: this.seq++, title: texts[0]!.headline, summary: texts[0]!.description };
    episode.push(entry);
    this.episodes.set(key, episode);
    this.byEvent.set(event.id, entry);
    this.byIdentifier.set(doc.identifier, entry);
    if (event.kind === 'lifted') this.forgetOld(key);
    return doc;
  }

  get(identifier: string): CapDocument | undefined {
    return this.byIdentifier.get(identifier)?.doc;
  }

  /** An Atom 1.0 feed of the latest `limit` (default 100) messages, newest first, each linking to its CAP document. */
  atom(opts: { title: string; selfUrl: string; messageUrl: (identifier: string) => string; limit?: number }): string {
    const entries = [...this.byEvent.values()].sort((a, b) => b.at - a.at || b.seq - a.seq).slice(0, opts.limit ?? 100);
    const doc = create({ version: '1.0', encoding: 'UTF-8' });
    const feed = doc.ele(ATOM_NS, 'feed');
    feed.ele('id').txt(opts.selfUrl);
    feed.ele('title').txt(opts.title);
    // An empty feed has no time of its own; the epoch keeps the output a function of the messages.
    feed.ele('updated').txt(entries[0]?.doc.sent ?? capDate(0, this.options.utcOffsetMinutes));
    feed.ele('author').ele('name').txt(this.options.senderName);
    feed.ele('link', { rel: 'self', type: 'application/atom+xml', href: opts.selfUrl });
    for (const e of entries) {
      const url = opts.messageUrl(e.doc.identifier);
      const entry = feed.ele('entry');
      entry.ele('id').txt(url);
      entry.ele('title').txt(e.title);
      entry.ele('updated').txt(e.doc.sent);
      entry.ele('summary').txt(e.summary);
      entry.ele('link', { rel: 'alternate', type: 'application/cap+xml', href: url });
    }
    return doc.end({ prettyPrint: true });
  }

  private forgetOld(liftedKey: string): void {
    this.lifted.push(liftedKey);
    while (this.lifted.length > this.keepLifted) {
      const key = this.lifted.shift()!;
      for (const e of this.episodes.get(key) ?? []) {
        this.byIdentifier.delete(e.doc.identifier);
        this.byEvent.delete(e.eventId);
      }
      this.episodes.delete(key);
    }
  }
}
