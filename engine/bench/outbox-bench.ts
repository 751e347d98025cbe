// Deliveries per second through the durable outbox: every delivery stored before and after its
// attempt (DuckDB), against the same outbox with a store that keeps nothing (the baseline: the
// outbox's own bookkeeping). The channel answers at once, so the outbox is what is measured.
import { Outbox } from '../../alerting/outbox.ts';
import type { Channel } from '../../alerting/channel.ts';
import type { Delivery } from '../delivery.ts';
import type { Store } from '../store/store.ts';

export const OUTBOX_DELIVERIES = 20_000;

const instant = (name: string): Channel => ({ name, reaches: 'person', send: () => Promise.resolve({ state: 'delivered' }), close: () => Promise.resolve() });

function deliveries(n: number, t0: number): Delivery[] {
  return Array.from({ length: n }, (_, i): Delivery => ({
    key: `w${i >> 4}|sms|p${i}`,
    event: `w${i >> 4}`,
    episode: `rule|S${i >> 4}|${t0}`,
    rule: 'rule',
    entity: `S${i >> 4}`,
    domain: 'hydrology',
    tier: 'orange',
    channel: 'sms',
    recipient: { kind: 'person', id: `p${i}`, name: `person ${i}`, phone: `+86138${String(i).padStart(8, '0')}` },
    lang: 'zh',
    title: '橙色预警',
    text: '【连江县预警信息发布中心】7月28日14时05分潘渡水文站发布河道水位超警橙色预警（II级）：水位5.82米（预警值5.5米）。',
    priority: 2,
    state: 'queued',
    attempts: 0,
    nextAt: t0,
    history: [{ at: t0, state: 'queued' }],
  }));
}

/** Enqueue `n` deliveries to distinct recipients and send them all; milliseconds from enqueue to the last stored outcome. */
export async function benchOutbox(store: Store, n = OUTBOX_DELIVERIES): Promise<number> {
  const t0 = Date.now();
  const outbox = new Outbox({ store, channels: [instant('sms')], clock: () => t0, concurrency: 64 });
  await outbox.start();
  const started = performance.now();
  await outbox.enqueue(deliveries(n, t0));
  while (outbox.pending().length > 0) {
    outbox.pump();
    await outbox.idle();
  }
  return performance.now() - started;
}
