// Every warning event becomes a CAP 1.2 message: an Alert, then Updates and a Cancel that reference
// it, in Chinese and English, with the zone's polygons or a circle around the station and its
// GB/T 2260 code. The messages are kept for the HTTP feed and published on NATS for machines.
import type { Publisher } from '../../engine/bus.ts';
import type { DocumentRoute } from '../../engine/http-api.ts';
import type { WarningEvent } from '../../engine/warning.ts';
import type { Zone } from '../../stations/zones.ts';
import { render, type Templates } from '../templates.ts';
import { capArea } from './cap-area.ts';
import { CapFeed, type CapFeedOptions } from './cap-feed.ts';
import type { CapDocument, CapText } from './cap-message.ts';

export const CAP_SUBJECT = 'cap';

export interface CapServiceOptions extends CapFeedOptions {
  templates: Templates;
  zoneOf: (id: string) => Zone | undefined;
  publisher?: Publisher;
  /** Radius of the circle around a station or a vessel, km (default 5). */
  bufferKm?: number;
}

const encoder = new TextEncoder();

export class CapService {
  readonly feed: CapFeed;

  constructor(private readonly opts: CapServiceOptions) {
    this.feed = new CapFeed(opts);
  }

  private message(e: WarningEvent): CapDocument {
    const texts: CapText[] = (['zh', 'en'] as const).map((lang) => {
      const r = render(e, lang, this.opts.templates, this.opts.utcOffsetMinutes);
      return { lang: lang === 'zh' ? 'zh-CN' : 'en-US', headline: r.title, description: r.text, instruction: r.advice };
    });
    const zone = e.evidence.zone && this.opts.zoneOf(e.evidence.zone.id);
    return this.feed.add(e, capArea(e, zone, this.opts.bufferKm), texts);
  }

  /** Make and publish the messages of new events: `cap.<domain>.<msgType>.<rule>`, the identifier as the idempotency key. */
  async write(events: readonly WarningEvent[]): Promise<void> {
    for (const e of events) {
      const doc = this.message(e);
      await this.opts.publisher?.publish(`${CAP_SUBJECT}.${e.domain}.${doc.msgType}.${e.rule.id}`, encoder.encode(doc.xml), { msgId: doc.identifier });
    }
  }

  /** The feed over HTTP under `/cap/`: `feed.atom`, and each message at `<identifier>.xml`. */
  documents(baseUrl: () => string): DocumentRoute {
    return {
      prefix: '/cap/',
      get: (rest) => {
        const url = (id: string) => `${baseUrl()}/cap/${encodeURIComponent(id)}.xml`;
        if (rest === 'feed.atom') return { type: 'application/atom+xml; charset=utf-8', body: this.feed.atom({ title: `${this.opts.senderName} CAP`, selfUrl: `${baseUrl()}/cap/feed.atom`, messageUrl: url }) };
        const doc = rest.endsWith('.xml') ? this.feed.get(decodeURIComponent(rest.slice(0, -4))) : undefined;
        return doc && { type: 'application/cap+xml; charset=utf-8', body: doc.xml };
      },
    };
  }

  /** Rebuild the feed from stored events after a restart (same events, same identifiers), without publishing again. */
  restore(events: readonly WarningEvent[]): void {
    for (const e of events) this.message(e);
  }
}
