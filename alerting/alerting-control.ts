// Dissemination's operator requests, the same over NATS request/reply and HTTP (and so the CLI):
// open warning episodes and what they wait for, approve or reject public channels, acknowledge,
// the deliveries of a warning, and manual issue, override and lift, each recorded with who and why.
import { z } from 'zod';
import { badRequest, type ControlReply, type Handler } from '../engine/control.ts';
import { DELIVERY_STATES } from '../engine/delivery.ts';
import { TIERS } from '../engine/tiers.ts';
import type { Alerting } from './alerting.ts';

export const ALERTING_SUBJECTS = {
  episodes: 'seed.alerting.episodes',
  approve: 'seed.alerting.approve',
  reject: 'seed.alerting.reject',
  acknowledge: 'seed.alerting.ack',
  deliveries: 'seed.alerting.deliveries',
  manual: 'seed.alerting.manual',
} as const;

const who = { by: z.string().min(1), reason: z.string().min(1) };
const decision = z.strictObject({ episode: z.string().min(1), ...who });
const deliveriesQuery = z.strictObject({
  warning: z.string().min(1).optional(),
  state: z.enum(DELIVERY_STATES).optional(),
  channel: z.string().min(1).optional(),
});
const manual = z.discriminatedUnion('action', [
  z.strictObject({ action: z.literal('issue'), station: z.string().min(1), tier: z.enum(TIERS), title: z.string().min(1).optional(), ...who }),
  z.strictObject({ action: z.literal('override'), episode: z.string().min(1), tier: z.enum(TIERS), ...who }),
  z.strictObject({ action: z.literal('lift'), episode: z.string().min(1), ...who }),
]);

const reply = <T extends object>(r: T | { error: string }): ControlReply => ('error' in r ? { ok: false, error: r.error } : { ok: true, ...r });

export function alertingHandlers(a: Alerting): Handler[] {
  const decide = (approved: boolean) => async (body: unknown) => {
    const p = decision.safeParse(body);
    if (!p.success) return badRequest('{"episode": "<rule|entity|issuedAt>", "by": "<who>", "reason": "<why>"}', p.error);
    return reply(await a.approve(p.data.episode, approved, p.data.by, p.data.reason));
  };
  return [
    {
      subject: ALERTING_SUBJECTS.episodes,
      route: 'GET /alerting/episodes',
      handle: () => ({
        ok: true,
        episodes: a.episodes().map((e) => ({
          episode: e.key,
          rule: e.last.rule.id,
          entity: e.last.entity,
          tier: e.last.tier,
          issuedAt: e.last.issuedAt,
          awaitingApproval: Object.entries(e.approvals).filter(([, x]) => !x.decided).map(([tier]) => tier),
          acknowledged: e.acknowledged ?? null,
          nextEscalation: e.escalation ? { at: e.escalation.nextAt, step: e.escalation.step } : null,
        })),
      }),
    },
    { subject: ALERTING_SUBJECTS.approve, route: 'POST /alerting/approve', handle: decide(true) },
    { subject: ALERTING_SUBJECTS.reject, route: 'POST /alerting/reject', handle: decide(false) },
    {
      subject: ALERTING_SUBJECTS.acknowledge,
      route: 'POST /alerting/ack',
      handle: async (body) => {
        const p = decision.safeParse(body);
        if (!p.success) return badRequest('{"episode": "<rule|entity|issuedAt>", "by": "<person id>", "reason": "<note>"}', p.error);
        return reply(await a.acknowledge(p.data.episode, p.data.by, p.data.reason));
      },
    },
    {
      subject: ALERTING_SUBJECTS.deliveries,
      route: 'GET /alerting/deliveries',
      handle: async (body) => {
        const p = deliveriesQuery.safeParse(body);
        if (!p.success) return badRequest('{"warning": "<event id or episode>", "state": "<delivery state>", "channel": "<channel>"}', p.error);
        const { warning, state, channel } = p.data;
        return { ok: true, deliveries: await a.deliveries({ ...(warning && { warning }), ...(state && { states: [state] }), ...(channel && { channel }) }) };
      },
    },
    {
      subject: ALERTING_SUBJECTS.manual,
      route: 'POST /alerting/manual',
      handle: async (body) => {
        const p = manual.safeParse(body);
        if (!p.success) return badRequest('{"action": "issue", "station", "tier", "by", "reason"} | {"action": "override", "episode", "tier", "by", "reason"} | {"action": "lift", "episode", "by", "reason"}', p.error);
        return reply(await a.manual(p.data));
      },
    },
  ];
}
