// The fleet online rate (在线率): the share of registered terminals that reported within their
// expected interval, per home port and overall, as derived series `fleet.<port>.online_rate` and
// `fleet.all.online_rate` (percent). The county's target is above 98.5%. Sampled on the clock,
// since "has not reported" is only known by the clock.
import type { Observation } from '../engine/observation.ts';
import { EXPECTED_INTERVAL_MS, type Fleet, type TerminalKind } from './vessels.ts';

export const FLEET_DOMAIN = 'fleet';
export const ONLINE_METRIC = 'online_rate';

export interface OnlineRateOptions {
  /** A terminal is online when heard within this many of its expected intervals (default 2: one missed report is forgiven). */
  tolerance?: number;
  /** How often the rates are sampled, clock ms (default 10 minutes, one Beidou interval). */
  everyMs?: number;
}

interface Watched {
  kind: TerminalKind;
  port: string;
}

/** A terminal's report is tagged with it in `source`: `ais:<mmsi>` or `beidou:<terminal id>`. */
export const terminalSource = (kind: 'ais' | 'beidou', id: string): string => `${kind}:${id}`;

export class OnlineRate {
  private readonly terminals = new Map<string, Watched>();
  private readonly heard = new Map<string, number>();
  private readonly tolerance: number;
  private readonly everyMs: number;
  private next?: number;
  /** The first sample comes one tolerance window after watching began: before, "not heard" means "not yet listened". */
  private from?: number;

  constructor(fleet: Fleet, opts: OnlineRateOptions = {}) {
    this.tolerance = opts.tolerance ?? 2;
    this.everyMs = opts.everyMs ?? 600_000;
    for (const v of fleet.vessels.values()) {
      for (const t of v.terminals) this.terminals.set(terminalSource(t.kind === 'beidou' ? 'beidou' : 'ais', t.id), { kind: t.kind, port: v.homePort ?? 'none' });
    }
  }

  /** A report from a terminal (by its source tag); others are ignored. */
  hear(obs: Observation): void {
    if (obs.source === undefined || !this.terminals.has(obs.source)) return;
    if ((this.heard.get(obs.source) ?? -Infinity) < obs.ts) this.heard.set(obs.source, obs.ts);
  }

  /** The rates at clock time `now`, once per period (on the period's boundaries), else nothing. */
  sample(now: number): Observation[] {
    const at = Math.floor(now / this.everyMs) * this.everyMs;
    this.from ??= now + this.tolerance * Math.max(...Object.values(EXPECTED_INTERVAL_MS));
    if (now < this.from || (this.next !== undefined && at < this.next)) return [];
    this.next = at + this.everyMs;
    const counts = new Map<string, { online: number; total: number }>();
    const add = (key: string, online: boolean) => {
      const c = counts.get(key) ?? { online: 0, total: 0 };
      c.total++;
      if (online) c.online++;
      counts.set(key, c);
    };
    for (const [source, t] of this.terminals) {
      const last = this.heard.get(source);
      const online = last !== undefined && at - last <= this.tolerance * EXPECTED_INTERVAL_MS[t.kind];
      add('all', online);
      add(t.port, online);
    }
    return [...counts].map(([station, c]) => ({
      domain: FLEET_DOMAIN,
      station,
      metric: ONLINE_METRIC,
      ts: at,
      value: Math.round((1000 * 100 * c.online) / c.total) / 1000,
      unit: '%',
      quality: 'reliable',
      source: `derived:online_rate ${c.online}/${c.total}`,
    }));
  }
}
