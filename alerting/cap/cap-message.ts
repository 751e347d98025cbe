// One warning event as a CAP 1.2 alert (OASIS), in the order the schema requires, with GB/T
// 35965.1 identifiers and local dates. Built from the event alone (sent is the event time), so a
// replayed event gives the very same message.
import { create } from 'xmlbuilder2';
import { tierLabel } from '../../engine/tiers.ts';
import type { Evidence, WarningEvent } from '../../engine/warning.ts';
import { GB_T_2260, type CapArea } from './cap-area.ts';
import { infoCodes, MSG_TYPES, type CapCategory, type CapMsgType } from './cap-codes.ts';
import { capDate } from './cap-date.ts';
import { capIdentifier } from './cap-identifier.ts';

export const CAP_NS = 'urn:oasis:names:tc:emergency:cap:1.2';

/** An earlier message, as CAP's references name it. */
export interface CapReference {
  sender: string;
  identifier: string;
  sent: string;
}

export interface CapText {
  lang: 'zh-CN' | 'en-US';
  headline: string;
  description: string;
  instruction: string;
}

export interface CapInput {
  event: WarningEvent;
  area: CapArea;
  /** e.g. `seed@350122.example`: no spaces or commas (CAP 1.2 §3.2.1). */
  sender: string;
  senderName: string;
  /** Three-digit agency code of the identifier. */
  agency: string;
  /** Minutes east of UTC: 480 for China. */
  utcOffsetMinutes: number;
  /** One <info> each. */
  texts: CapText[];
  /** The earlier messages of the same warning episode, oldest first. */
  references: CapReference[];
  status?: 'Actual' | 'Exercise' | 'Test';
  /** Instead of the domain's categories. */
  category?: CapCategory;
}

export interface CapDocument {
  identifier: string;
  sent: string;
  msgType: CapMsgType;
  xml: string;
  /** This message, for the references of later ones. */
  reference: CapReference;
}

type XMLBuilder = ReturnType<typeof create>;

export const referenceText = (r: CapReference): string => `${r.sender},${r.identifier},${r.sent}`;

const leaf = (parent: XMLBuilder, name: string, text: string): void => void parent.ele(name).txt(text);

function valuePair(parent: XMLBuilder, element: string, valueName: string, value: string): void {
  const e = parent.ele(element);
  leaf(e, 'valueName', valueName);
  leaf(e, 'value', value);
}

const num = (v: number): string => String(Number(v.toFixed(3)));

/** The evidence values in one line: thresholds, readings with their local times, members, position. */
function evidenceText(e: Evidence, offsetMinutes: number): string {
  const u = e.unit ? ` ${e.unit}` : '';
  const parts = [`${e.metric}: ${e.condition}`];
  if (e.threshold !== undefined) parts.push(`threshold ${num(e.threshold)}${u}`);
  const ladder = Object.entries(e.thresholds ?? {}).map(([tier, v]) => `${tier} ${num(v)}${u}`);
  if (ladder.length) parts.push(`tiers ${ladder.join(', ')}`);
  if (e.readings.length) parts.push(`values ${e.readings.map((r) => `${num(r.value)}${u} at ${capDate(r.ts, offsetMinutes)}`).join(', ')}`);
  if (e.members?.length) parts.push(`conditions: ${e.members.join('; ')}`);
  if (e.position) {
    const p = e.position;
    parts.push(`position ${num(p.lat)},${num(p.lon)} at ${capDate(p.ts, offsetMinutes)}${p.speed === undefined ? '' : `, ${num(p.speed)} kn`}`);
  }
  if (e.zone) parts.push(`zone ${e.zone.name} (${e.zone.id})`);
  return parts.join('; ');
}

export function capMessage(input: CapInput): CapDocument {
  const { event, area, sender, utcOffsetMinutes: offset } = input;
  if (!/^[^\s,<&]+$/.test(sender)) throw new Error(`CAP sender "${sender}" must have no spaces, commas, "<" or "&"`);
  if (!input.texts.length) throw new Error('a CAP message needs at least one text');
  const region = event.station.region ?? area.geocodes.find((g) => g.valueName === GB_T_2260)?.value ?? '000000';
  const identifier = capIdentifier(region, input.agency, event.at, offset, event.id);
  const sent = capDate(event.at, offset);
  const msgType = MSG_TYPES[event.kind];
  const codes = infoCodes(event);

  const doc = create({ version: '1.0', encoding: 'UTF-8' });
  const alert = doc.ele(CAP_NS, 'alert');
  leaf(alert, 'identifier', identifier);
  leaf(alert, 'sender', sender);
  leaf(alert, 'sent', sent);
  leaf(alert, 'status', input.status ?? 'Actual');
  leaf(alert, 'msgType', msgType);
  leaf(alert, 'scope', 'Public');
  if (input.references.length) leaf(alert, 'references', input.references.map(referenceText).join(' '));

  const evidence = evidenceText(event.evidence, offset);
  for (const text of input.texts) {
    const info = alert.ele('info');
    leaf(info, 'language', text.lang);
    for (const c of input.category ? [input.category] : codes.categories) leaf(info, 'category', c);
    leaf(info, 'event', event.rule.title);
    leaf(info, 'responseType', codes.responseType);
    leaf(info, 'urgency', codes.urgency);
    leaf(info, 'severity', codes.severity);
    leaf(info, 'certainty', codes.certainty);
    valuePair(info, 'eventCode', 'seed:rule', event.rule.id);
    leaf(info, 'effective', sent);
    // A measured hazard began when the episode was issued; a forecast's onset is not known here.
    if (event.tier !== null && codes.certainty === 'Observed') leaf(info, 'onset', capDate(event.issuedAt, offset));
    leaf(info, 'senderName', input.senderName);
    leaf(info, 'headline', text.headline);
    const summary = text.description.includes(event.summary) ? [] : [event.summary];
    leaf(info, 'description', [text.description, ...summary, evidence].filter(Boolean).join('\n\n'));
    leaf(info, 'instruction', text.instruction);
    valuePair(info, 'parameter', 'tier', tierLabel(event.tier));
    if (event.previousTier) valuePair(info, 'parameter', 'previousTier', tierLabel(event.previousTier));
    valuePair(info, 'parameter', 'rule', event.rule.id);
    valuePair(info, 'parameter', 'ruleHash', event.rule.hash);
    valuePair(info, 'parameter', 'entity', event.entity);
    if (event.mode) valuePair(info, 'parameter', 'mode', event.mode);
    const a = info.ele('area');
    leaf(a, 'areaDesc', area.areaDesc);
    for (const p of area.polygons) leaf(a, 'polygon', p);
    for (const c of area.circles) leaf(a, 'circle', c);
    for (const g of area.geocodes) valuePair(a, 'geocode', g.valueName, g.value);
  }
  return { identifier, sent, msgType, xml: doc.end({ prettyPrint: true }), reference: { sender, identifier, sent } };
}
