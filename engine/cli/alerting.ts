// `seed alerting <verb> ... --nats <url>`: dissemination's requests to a running engine, the same as
// over HTTP: the open warning episodes, approve or reject public channels, acknowledge, the
// deliveries of a warning, and manual issue, override and lift, each with who and why.
import { ALERTING_SUBJECTS } from '../../alerting/alerting-control.ts';
import { requestControl } from '../nats/nats-control.ts';
import { openJetStream } from '../sources/jetstream-source.ts';

export interface AlertingFlags {
  by?: string;
  reason?: string;
  tier?: string;
  station?: string;
  state?: string;
  channel?: string;
}

/** The subject and body of a verb, or undefined when the verb or its argument is missing. */
export function alertingRequest(verb: string | undefined, arg: string | undefined, f: AlertingFlags): { subject: string; body: object } | undefined {
  const who = { ...(f.by && { by: f.by }), ...(f.reason && { reason: f.reason }) };
  switch (verb) {
    case 'episodes':
      return { subject: ALERTING_SUBJECTS.episodes, body: {} };
    case 'approve':
    case 'reject':
    case 'ack':
      if (!arg) return undefined;
      return { subject: verb === 'ack' ? ALERTING_SUBJECTS.acknowledge : ALERTING_SUBJECTS[verb], body: { episode: arg, ...who } };
    case 'deliveries':
      return { subject: ALERTING_SUBJECTS.deliveries, body: { ...(arg && { warning: arg }), ...(f.state && { state: f.state }), ...(f.channel && { channel: f.channel }) } };
    case 'issue':
      return { subject: ALERTING_SUBJECTS.manual, body: { action: 'issue', station: f.station ?? arg, tier: f.tier, ...who } };
    case 'override':
    case 'lift':
      if (!arg) return undefined;
      return { subject: ALERTING_SUBJECTS.manual, body: { action: verb, episode: arg, ...(f.tier && { tier: f.tier }), ...who } };
    default:
      return undefined;
  }
}

export async function alertingCommand(verb: string | undefined, arg: string | undefined, flags: AlertingFlags, nats: string, print: (line: string) => void): Promise<number> {
  const request = alertingRequest(verb, arg, flags);
  if (!request) return -1;
  const bus = await openJetStream(nats);
  try {
    const reply = await requestControl(bus.nc, request.subject, request.body);
    print(JSON.stringify(reply, null, 2));
    return reply.ok ? 0 : 1;
  } finally {
    await bus.close();
  }
}
