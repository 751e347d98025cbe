// Evaluates every rule that applies to an observation and turns tier changes into warning events.
// Readings pass the quality gates first; series rules step their windows and ladders; derived
// series are computed and fed back in; stale rules hear the reading; compound rules re-read what
// changed. Clock ticks raise silences, end holds and renotify. One state per (rule, entity), advanced
// only through pure reducers, so it can be checkpointed, restored and replayed.
import { holdEnds, renotify, stepLifecycle, type LifecycleState, type LifecycleStep } from '../alerting/lifecycle.ts';
import { realign, stepLadder, topTier, type Decision, type Level } from '../rules/latch.ts';
import { appliesTo, type CompoundRule, type GeofenceRule, type Mode, type QualityGate, type Rule, type SeriesRule, type Silence, type StaleRule, type ZoneSelection } from '../rules/rule.ts';
import type { Zone } from '../stations/zones.ts';
import { HazardAreas, zoneAreas } from './areas.ts';
import { compoundLevels, compoundSignal, compoundState, type Scope } from './compound.ts';
import { derive, derivedFunction } from './derived.ts';
import { formatDistance } from './distance.ts';
import { formatDuration } from './duration.ts';
import { buildEvent } from './event.ts';
import { describeCondition, signalName, signalUnit } from './explain.ts';
import { describeZones } from '../rules/describe.ts';
import { GeofenceBinding, type Areas, type Fix } from './geofence-binding.ts';
import { isUsable, seriesKey, type Observation, type Position } from './observation.ts';
import { checkQuality, type Limits, type QualityState } from './quality.ts';
import { SeriesBinding, type LadderBindingState } from './series-binding.ts';
import { STALE_LEARN_MS, StaleBinding } from './stale-binding.ts';
import type { Station } from './station.ts';
import type { StateRow } from './store/store.ts';
import { tierLabel, tierRank, type Tier } from './tiers.ts';
import { formatShort } from './time.ts';
import type { Evidence, Reading, WarningEvent } from './warning.ts';

export interface RuleBook {
  rules: readonly Rule[];
  gates?: readonly QualityGate[];
  silences?: readonly Silence[];
}

export interface EvaluatorOptions {
  /** Checkpointed states. */
  restored?: readonly StateRow[];
  /** How far each series had been evaluated (a state is saved only when it changes in substance). */
  lastTimes?: ReadonlyMap<string, number>;
  mode?: Mode;
  /** Clock time watching begins: stale rules count the silence of never-heard stations from here. */
  now?: number;
  /** Zones geofence rules select from (ports, no-fishing areas...). */
  zones?: readonly Zone[];
}

export interface StepResult {
  /** The observation as gated: its quality may be lowered, with the reasons. */
  obs: Observation;
  qualityReasons?: string[];
  events: WarningEvent[];
  /** Set when a rule could not use the reading: older than its lateness allows. */
  late?: string;
  /** Observations computed from this one by derived-series functions; store them too. */
  derived: Observation[];
}

export interface FleetStanding {
  rule: string;
  condition: string;
  /** When the rule it hangs on reached its tier, and the deadline from then. */
  since?: number;
  deadline?: number;
  /** Past the deadline (always, for a rule with no `while`). */
  inForce: boolean;
  watched: number;
  /** Vessels the condition holds for (e.g. not in port), highest tier first. */
  count: number;
  holding: { vessel: string; name: string; tier: Tier | null; last?: Fix }[];
}

export interface ActiveWarning {
  rule: string;
  entity: string;
  tier: Tier;
  issuedAt: number;
}

/** A compound rule bound to an entity or a region. */
interface CompoundBinding {
  key: string;
  rule: CompoundRule;
  entity: string;
  station: Station;
  state: LadderBindingState;
  lastDecision?: Decision;
}

type Binding = SeriesBinding | StaleBinding | CompoundBinding | GeofenceBinding;

/** A port-return order's standing (since when, deadline passed), checkpointed like a binding's state. */
interface Gate {
  key: string;
  rule: GeofenceRule;
  state: { since?: number; due: boolean };
}

/** What the evaluator keeps for one series (by series key). Every field is always present, so every track has one shape. */
interface Track {
  /** Whether bind has made the series' bindings. */
  bound: boolean;
  /** Series rule bindings, in the index's order (inhibitors first). */
  series: SeriesBinding[];
  stale: StaleBinding[];
  /** The quality gate resolved for the station: undefined until looked up, null when none applies. */
  gate: { limits: Limits; state: QualityState } | null | undefined;
  /** Latest usable reading, for compound conditions and derived inputs. */
  latest: Reading | undefined;
  unit: string | undefined;
}

const isLadder = (b: Binding): b is SeriesBinding | CompoundBinding | GeofenceBinding => 'state' in b && 'ladder' in b.state;

const unknownStation = (id: string, domain: string): Station => ({ id, name: id, domain, lon: 0, lat: 0, tags: [], params: {} });

const push = <K, V>(m: Map<K, V[]>, k: K, v: V): void => {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
};

const metricKey = (domain: string, metric: string): string => `${domain}.${metric}`;

const LABEL = { value: undefined, trend: 'slopes', accumulation: 'sums', stat: 'values' } as const;

/** Rules indexed for the paths an observation takes. */
class Index {
  readonly series = new Map<string, SeriesRule[]>();
  readonly stale = new Map<string, StaleRule[]>();
  readonly derivations = new Map<string, SeriesRule[]>();
  /** Rules whose derivation reads linked stations (areal rain). */
  readonly linked: SeriesRule[] = [];
  /** Their metrics: made of parts that add up at one ts. */
  readonly additive = new Set<string>();
  /** Topological order: a compound rule comes after the compound rules it reads. */
  readonly compounds: CompoundRule[] = [];
  /** Metrics some compound rule reads: only a reading of one of these can move a compound. */
  readonly compoundMetrics = new Set<string>();
  readonly compoundRefs = new Map<string, { rules: Set<string>; metrics: Set<string> }>();
  readonly inhibitors = new Map<string, Rule[]>();
  readonly gates = new Map<string, QualityGate[]>();
  readonly byId = new Map<string, Rule>();
  readonly fences = new Map<string, GeofenceRule[]>();
  /** Geofence rules in force only while another rule warns (port return). */
  readonly gated: GeofenceRule[] = [];
  /** Each geofence rule's areas; hazard circles are shared by the rules watching one hazard metric. */
  readonly areas = new Map<string, Areas>();
  /** A geofence rule's `except` zones, by rule id. */
  readonly except = new Map<string, Areas>();
  readonly hazards = new Map<string, { areas: HazardAreas; rules: GeofenceRule[] }>();
  /** The metrics hazard tracks report on: a vessel's fix is not one, and is told apart without building a key. */
  readonly hazardMetrics = new Set<string>();

  constructor(
    readonly book: RuleBook,
    zones: readonly Zone[],
    /** The index this one replaces: hazard circles carry over (track reports are hours apart). */
    previous?: Index,
  ) {
    // Rules with the same selection share its index and its memoised lookups.
    const selections = new Map<string, Areas>();
    const select = (sel: ZoneSelection): Areas => {
      const key = JSON.stringify([sel.kinds, sel.ids && [...sel.ids].sort()]);
      const shared = selections.get(key) ?? zoneAreas(zones, sel);
      selections.set(key, shared);
      return shared;
    };
    for (const rule of book.rules) {
      this.byId.set(rule.id, rule);
      for (const target of rule.options.inhibits) push(this.inhibitors, target, rule);
      if (rule.kind === 'stale') push(this.stale, metricKey(rule.domain, rule.match.metric), rule);
      else if (rule.kind === 'geofence') {
        push(this.fences, metricKey(rule.domain, rule.match.metric), rule);
        if (rule.while) this.gated.push(rule);
        const h = rule.zones.hazard;
        if (h) {
          const key = metricKey(h.domain, h.metric);
          const entry = this.hazards.get(key) ?? { areas: previous?.hazards.get(key)?.areas ?? new HazardAreas(), rules: [] };
          entry.rules.push(rule);
          this.hazards.set(key, entry);
          this.hazardMetrics.add(h.metric);
          this.areas.set(rule.id, entry.areas);
        } else {
          this.areas.set(rule.id, select(rule.zones));
        }
        if (rule.except) this.except.set(rule.id, select(rule.except));
      } else if (rule.kind !== 'compound') {
        push(this.series, metricKey(rule.domain, rule.match.metric), rule);
        for (const input of new Set(Object.values(rule.derive?.inputs ?? {}))) push(this.derivations, metricKey(rule.domain, input), rule);
        if (rule.derive && derivedFunction(rule.derive.function)?.linked) {
          this.linked.push(rule);
          this.additive.add(metricKey(rule.domain, rule.match.metric));
        }
      }
    }
    const visit = (r: CompoundRule, seen: Set<string>): void => {
      if (seen.has(r.id)) return;
      seen.add(r.id);
      const refs = { rules: new Set<string>(), metrics: new Set<string>() };
      const walk = (c: import('../rules/rule.ts').Condition): void => {
        if ('all' in c) c.all.forEach(walk);
        else if ('any' in c) c.any.forEach(walk);
        else if ('not' in c) walk(c.not);
        else if ('rule' in c) refs.rules.add(c.rule);
        else refs.metrics.add(metricKey(c.domain, c.metric));
      };
      for (const v of Object.values(r.variants)) for (const t of v.tiers) walk(t.when);
      for (const id of refs.rules) {
        const dep = this.byId.get(id);
        if (dep?.kind === 'compound') visit(dep, seen);
      }
      this.compoundRefs.set(r.id, refs);
      for (const m of refs.metrics) this.compoundMetrics.add(m);
      this.compounds.push(r);
    };
    const seen = new Set<string>();
    for (const rule of book.rules) if (rule.kind === 'compound') visit(rule, seen);
    for (const gate of book.gates ?? []) push(this.gates, metricKey(gate.domain, gate.match.metric), gate);
    // Inhibitors before the rules they inhibit: a warning raised by the same reading as its
    // inhibitor's is held back whatever the order of the rule files.
    for (const map of [this.series, this.fences] as Map<string, Rule[]>[]) {
      for (const [key, list] of map) {
        const ordered: Rule[] = [];
        const visit = (r: Rule, open: Set<Rule>): void => {
          if (ordered.includes(r) || open.has(r)) return;
          open.add(r);
          for (const i of this.inhibitors.get(r.id) ?? []) {
            const j = list.find((x) => x === i);
            if (j) visit(j, open);
          }
          ordered.push(r);
        };
        for (const r of list) visit(r, new Set());
        map.set(key, ordered);
      }
    }
  }
}

export class Evaluator {
  private index: Index;
  private mode: Mode;
  private readonly restored: Map<string, StateRow>;
  /** Per series key: its bindings, latest reading, unit and gate. */
  private readonly tracks = new Map<string, Track>();
  /** The deadmen in series order, as ticks visit them (undefined: to be sorted again). */
  private staleOrder?: StaleBinding[];
  private readonly compounds = new Map<string, CompoundBinding>();
  /** Active tiers by rule, then entity: what compound rules and inhibition read. */
  private readonly current = new Map<string, Map<string, Tier>>();
  private readonly suppressed = new Set<string>();
  /** Inhibitors that changed tier in the current step; what they held back is looked at when the step is done. */
  private readonly releases: { rule: Rule; entity: string; at: number }[] = [];
  private readonly dirty = new Set<Binding | Gate>();
  /** What a step touched, for compound rules: one set, cleared per reading. */
  private readonly touched = new Set<string>();
  /** Bindings the clock can move: a step down held back, or a warning to renotify. */
  private readonly timed = new Set<Binding>();
  /** Series whose windows wait for history from the store. */
  private readonly cold = new Set<string>();
  private readonly lastTimes: ReadonlyMap<string, number>;
  private readonly startedAt: number;
  private readonly byRegion = new Map<string, Station[]>();
  /** For each station, the stations that link to it and its weight in each (a gauge's villages). */
  private readonly linkedBy = new Map<string, { station: Station; weight: number }[]>();
  /** Newest contribution of each linked station to each derived series, so one is never counted twice. */
  private readonly contributed = new Map<string, number>();
  private readonly fences = new Map<string, GeofenceBinding[]>();
  /** Newest fix of each position series. */
  private readonly positions = new Map<string, Fix>();
  /** Per gated rule: since when its condition rule has warned at its tier, and whether the deadline has passed. */
  private readonly gates = new Map<string, Gate>();
  /** Bindings of orders in the middle of a dwell: the clock completes them (a vessel out of touch still counts). */
  private readonly fenceTimed = new Set<GeofenceBinding>();
  private readonly zones: readonly Zone[];

  constructor(
    book: RuleBook | readonly Rule[],
    private readonly stations: ReadonlyMap<string, Station>,
    opts: EvaluatorOptions = {},
  ) {
    this.zones = opts.zones ?? [];
    this.index = new Index('rules' in book ? book : { rules: book }, this.zones);
    this.mode = opts.mode ?? 'normal';
    this.restored = new Map((opts.restored ?? []).map((r) => [r.key, r]));
    this.lastTimes = opts.lastTimes ?? new Map();
    this.startedAt = opts.now ?? 0;
    for (const station of stations.values()) {
      for (const [id, weight] of Object.entries(station.links ?? {})) push(this.linkedBy, id, { station, weight });
    }
    // What a linked station had contributed before a restart: a report of it sent again is not counted twice.
    for (const rule of this.index.linked) {
      for (const input of Object.values(rule.derive!.inputs)) {
        for (const [id, list] of this.linkedBy) {
          const last = this.lastTimes.get(seriesKey({ domain: rule.domain, station: id, metric: input }));
          if (last === undefined) continue;
          for (const { station } of list) this.contributed.set(`${seriesKey({ domain: rule.domain, station: station.id, metric: rule.match.metric })}|${id}`, last);
        }
      }
    }
    this.bindKnown();
    // An order already given before a restart keeps its time; one whose condition already holds starts now.
    for (const rule of this.index.gated) {
      const g = this.gateOf(rule);
      if (g.state.since === undefined && this.ordered(rule)) g.state = { since: this.startedAt, due: rule.while!.deadlineMs === 0 };
    }
  }

  private gateOf(rule: GeofenceRule): Gate {
    let g = this.gates.get(rule.id);
    // An edited rule with the same condition keeps the order's time: the deadline does not move.
    if (g && g.rule.hash !== rule.hash && JSON.stringify(g.rule.while) === JSON.stringify(rule.while)) this.gates.set(rule.id, (g = { ...g, rule }));
    if (!g || g.rule.hash !== rule.hash) {
      const key = `gate|${rule.id}`;
      const saved = this.restored.get(key);
      g = { key, rule, state: saved?.ruleHash === rule.hash ? (saved.state as Gate['state']) : { due: false } };
      this.gates.set(rule.id, g);
    }
    return g;
  }

  /** Whether the rule a gated rule hangs on warns at its tier or above, for any entity. */
  private ordered(rule: GeofenceRule): boolean {
    const w = rule.while!;
    for (const t of this.current.get(w.rule)?.values() ?? []) if (tierRank(t) >= tierRank(w.atLeast)) return true;
    return false;
  }

  /** A binding restored in force counts for compound rules, inhibition and orders at once. */
  private restoredInForce(b: Binding): void {
    if (b.state.life.tier !== null) this.setCurrent(b.rule.id, 'entity' in b ? b.entity : b.station.id, b.state.life.tier, this.touched);
  }

  station(id: string): Station | undefined {
    return this.stations.get(id);
  }

  /** The newest usable reading of a series, e.g. "tide.T01.level". */
  latestReading(series: string): Reading | undefined {
    return this.tracks.get(series)?.latest;
  }

  get currentMode(): Mode {
    return this.mode;
  }

  get rules(): readonly Rule[] {
    return this.index.book.rules;
  }

  get silences(): readonly Silence[] {
    return this.index.book.silences ?? [];
  }

  /** Bind every series known from the store, and every registry station a stale rule watches. */
  private bindKnown(): void {
    for (const key of this.lastTimes.keys()) this.bind(key);
    this.bindRegistry();
  }

  private bindRegistry(): void {
    for (const rules of [...this.index.stale.values(), this.index.gated]) {
      for (const rule of rules) {
        for (const station of this.stations.values()) {
          if (station.domain === rule.domain && appliesTo(rule.match, station)) this.bind(seriesKey({ domain: rule.domain, station: station.id, metric: rule.match.metric }));
        }
      }
    }
  }

  private stationOf(id: string, domain: string): Station {
    return this.stations.get(id) ?? unknownStation(id, domain);
  }

  /** Event time of the newest usable reading of a series: seen here, else as the store said at start. */
  private lastTime(key: string): number | undefined {
    return this.tracks.get(key)?.latest?.ts ?? this.lastTimes.get(key);
  }

  /** The track of a series, made empty (not bound) on first sight. */
  private trackOf(key: string): Track {
    let t = this.tracks.get(key);
    if (t === undefined) this.tracks.set(key, (t = { bound: false, series: [], stale: [], gate: undefined, latest: undefined, unit: undefined }));
    return t;
  }

  /** Create the bindings of one series that do not exist yet; those that need history go cold. */
  private bind(key: string): void {
    const [domain, stationId, metric] = key.split('.') as [string, string, string];
    const station = this.stationOf(stationId, domain);
    const mk = metricKey(domain, metric);
    // Not just the store's word at start: after a hot swap, new rules need history up to now.
    const last = this.lastTime(key);
    const track = this.trackOf(key);
    const series = track.series;
    const rules = this.index.series.get(mk) ?? [];
    for (const rule of rules) {
      // By id: after a hot swap a kept binding holds the old (same-hash) rule object.
      if (series.some((b) => b.rule.id === rule.id) || !appliesTo(rule.match, station)) continue;
      const b = new SeriesBinding(rule, station, this.mode, this.restored.get(`${rule.id}|${station.id}`), this.index.additive.has(mk));
      if (b.empty) continue;
      series.push(b);
      this.watchClock(b);
      this.restoredInForce(b);
      if (b.span > rule.options.latenessMs && last !== undefined) this.cold.add(key);
      else if (last !== undefined) b.head = last;
    }
    // In the index's order (inhibitors first), also when a hot swap adds bindings to kept ones.
    const rank = (b: SeriesBinding): number => rules.findIndex((r) => r.id === b.rule.id);
    series.sort((a, b) => rank(a) - rank(b));
    track.bound = true;
    const stale = track.stale;
    for (const rule of this.index.stale.get(mk) ?? []) {
      if (stale.some((b) => b.rule.id === rule.id) || !appliesTo(rule.match, station)) continue;
      const b = new StaleBinding(rule, station, last ?? this.startedAt, this.restored.get(`${rule.id}|${station.id}`));
      stale.push(b);
      this.watchClock(b);
      this.restoredInForce(b);
      if (last !== undefined) this.cold.add(key);
    }
    this.staleOrder = undefined;
    if (last !== undefined && this.gateSpan(key) !== undefined) this.cold.add(key);
    const fences = this.fences.get(key) ?? [];
    for (const rule of this.index.fences.get(mk) ?? []) {
      if (fences.some((b) => b.rule.id === rule.id) || !appliesTo(rule.match, station)) continue;
      const b = new GeofenceBinding(rule, station, this.index.areas.get(rule.id)!, this.mode, this.restored.get(`${rule.id}|${station.id}`), this.index.except.get(rule.id));
      const fix = this.positions.get(key);
      if (fix) b.move(fix);
      fences.push(b);
      this.watchClock(b);
      this.restoredInForce(b);
      if (b.rule.while && b.dueAt !== undefined) this.fenceTimed.add(b);
      if (last !== undefined && !fix) this.cold.add(key);
    }
    if (fences.length) this.fences.set(key, fences);
    // A hazard's circle comes back from its last report.
    if (last !== undefined && this.index.hazards.has(mk)) this.cold.add(key);
  }

  /** Series whose windows need history read back from the store, and from when. */
  history(): { series: string; from: number; to: number }[] {
    return [...this.cold].map((series) => {
      const last = this.lastTime(series) ?? 0;
      const gate = this.gateSpan(series);
      const t = this.tracks.get(series);
      const span = Math.max(...(t?.series ?? []).map((b) => b.span), t?.stale.length ? STALE_LEARN_MS : 0, gate ?? 0);
      // A gated series reads on past its last usable reading: the gate saw the flagged ones too.
      return { series, from: last - span, to: gate === undefined ? last : Infinity };
    });
  }

  /** Feed history read back from the store: windows and learned intervals fill, nothing is decided. */
  warm(obs: Observation): void {
    const key = seriesKey(obs);
    const track = this.trackOf(key);
    if (!obs.position) this.warmGate(obs, track);
    if (!isUsable(obs)) return;
    if (obs.position) {
      const fix = fixOf(obs.ts, obs.position);
      this.positions.set(key, fix);
      for (const b of this.fences.get(key) ?? []) if (!b.last || b.last.ts < fix.ts) b.move(fix);
      if (obs.value === undefined) for (const b of track.stale) b.see({ ts: fix.ts, value: fix.speed ?? 0 });
      else this.index.hazards.get(metricKey(obs.domain, obs.metric))?.areas.update(obs.station, obs.ts, obs.position.lon, obs.position.lat, obs.value);
    }
    if (obs.value === undefined) return;
    const r = { ts: obs.ts, value: obs.value };
    for (const b of track.series) b.warm(r);
    for (const b of track.stale) b.see(r);
    track.latest = r;
  }

  /** History has been fed: cold series take up where the store says they were. */
  warmed(): void {
    for (const key of this.cold) {
      const last = this.lastTime(key);
      for (const b of this.tracks.get(key)?.series ?? []) {
        b.warming = false;
        if (last !== undefined) b.head = Math.max(b.head, last);
      }
    }
    this.cold.clear();
  }

  /** The quality gate of a series, resolved for its station once; null when none applies. */
  private qualityOf(track: Track, domain: string, stationId: string, metric: string): { limits: Limits; state: QualityState } | null {
    let entry = track.gate;
    if (entry === undefined) {
      const station = this.stationOf(stationId, domain);
      const gate = (this.index.gates.get(metricKey(domain, metric)) ?? []).find((g) => appliesTo(g.match, station));
      const p = station.params;
      entry = gate
        ? {
            limits: {
              ...(gate.hard.min && { hardMin: gate.hard.min.evaluate(p) }),
              ...(gate.hard.max && { hardMax: gate.hard.max.evaluate(p) }),
              ...(gate.soft.min && { softMin: gate.soft.min.evaluate(p) }),
              ...(gate.soft.max && { softMax: gate.soft.max.evaluate(p) }),
              ...(gate.rate.rise && { rise: gate.rate.rise.evaluate(p) }),
              ...(gate.rate.fall && { fall: gate.rate.fall.evaluate(p) }),
              ...(gate.flatline && { flatline: gate.flatline }),
            },
            state: {},
          }
        : null;
      track.gate = entry;
    }
    return entry;
  }

  /**
   * Replay a stored reading through its gate, so a flatline or a rate compares with what came
   * before a restart. Stored flags are the gate's output: an unreliable reading the gate passes
   * again was flagged by its source, and its source-flagged readings never moved the gate.
   */
  private warmGate(obs: Observation, track: Track): void {
    if (obs.value === undefined || obs.quality === 'missing') return;
    const entry = this.qualityOf(track, obs.domain, obs.station, obs.metric);
    if (!entry) return;
    const checked = checkQuality(entry.limits, entry.state, { ts: obs.ts, value: obs.value }, obs.quality === 'unreliable' ? 'reliable' : obs.quality);
    if (obs.quality !== 'unreliable' || checked.quality === 'unreliable') entry.state = checked.state;
  }

  /** History a series' gate needs: twice its flatline period before the last usable reading, and every reading since. */
  private gateSpan(key: string): number | undefined {
    const [domain, station, metric] = key.split('.') as [string, string, string];
    const limits = this.qualityOf(this.trackOf(key), domain, station, metric)?.limits;
    if (!limits || (!limits.flatline && limits.rise === undefined && limits.fall === undefined)) return undefined;
    return 2 * (limits.flatline?.forMs ?? 0);
  }

  /** The observation as its gate leaves it; flags and reasons, when it lowers the quality, go to `out`. */
  private gate(obs: Observation, track: Track, out: StepResult): Observation {
    const entry = this.qualityOf(track, obs.domain, obs.station, obs.metric);
    if (!entry || obs.value === undefined || !isUsable(obs)) return obs;
    const checked = checkQuality(entry.limits, entry.state, { ts: obs.ts, value: obs.value }, obs.quality);
    entry.state = checked.state;
    if (!checked.reasons.length) return obs;
    out.qualityReasons = checked.reasons;
    return (out.obs = checked.quality === obs.quality ? obs : { ...obs, quality: checked.quality });
  }

  /** `key` is the input's series key when the caller has it (see Decoded). */
  step(input: Observation, key = seriesKey(input)): StepResult {
    const out: StepResult = { obs: input, events: [], derived: [] };
    // One lookup for everything kept per series: in the engine's run, with thousands of series and
    // the decoder and store sharing the caches, each map lookup cost about a quarter of a microsecond.
    const track = this.trackOf(key);
    const obs = this.gate(input, track, out);
    if ((obs.value === undefined && !obs.position) || !isUsable(obs)) return out;
    const touched = this.touched;
    touched.clear();
    if (obs.position) this.locate(obs, obs.position, key, track, out, touched);
    if (obs.value !== undefined) this.evaluate(obs, key, track, out, touched);
    // Orders first (a compound may read a rule they lift), and again for a compound that raises what an order hangs on.
    this.runGates(touched, obs.ts, out.events);
    this.runCompounds(touched, obs.ts, out.events);
    this.runGates(touched, obs.ts, out.events);
    this.release(out.events, touched);
    return out;
  }

  /** A position: hazard circles move, vessels' geofence rules step, and the deadman hears it. */
  private locate(obs: Observation, p: Position, key: string, track: Track, out: StepResult, touched: Set<string>): void {
    const fix = fixOf(obs.ts, p);
    const hazard = this.index.hazardMetrics.has(obs.metric) ? this.index.hazards.get(metricKey(obs.domain, obs.metric)) : undefined;
    if (hazard && obs.value !== undefined && hazard.areas.update(obs.station, obs.ts, p.lon, p.lat, obs.value)) {
      for (const rule of hazard.rules) {
        for (const b of this.fencesOf(rule.id)) {
          if (b.last && b.move(b.last)) this.dirty.add(b);
          this.stepFence(b, obs.ts, out.events, touched);
        }
      }
    }
    if (!track.bound) this.bind(key);
    const previous = this.positions.get(key);
    if (previous && previous.ts > fix.ts) return;
    this.positions.set(key, fix);
    for (const b of this.fences.get(key) ?? []) {
      if (b.move(fix)) this.dirty.add(b);
      else if (b.settledOutside) continue;
      this.stepFence(b, fix.ts, out.events, touched);
    }
    if (obs.value === undefined) this.hear(track, { ts: fix.ts, value: fix.speed ?? 0 }, obs, out, touched);
  }

  private fencesOf(rule: string): GeofenceBinding[] {
    return [...this.fences.values()].flatMap((list) => list.filter((b) => b.rule.id === rule));
  }

  private gateOpen(rule: GeofenceRule): boolean {
    return !rule.while || this.gateOf(rule).state.due;
  }

  private stepFence(b: GeofenceBinding, at: number, events: WarningEvent[], touched: Set<string>): void {
    const latches = b.state.ladder.latches;
    const step = b.step(at, b.signal(this.gateOpen(b.rule)));
    if (!step.applied) return;
    if (step.state.latches.some((l, i) => l !== latches[i])) this.dirty.add(b);
    if (b.rule.while && b.dueAt !== undefined) this.fenceTimed.add(b);
    else this.fenceTimed.delete(b);
    this.advance(b, step.tier, at, events, touched, () => this.fenceEvidence(b, step.decision ?? b.lastDecision));
  }

  /**
   * Port-return orders: a gated rule comes into force when the rule it names reaches its tier
   * (counting its deadline from then) and out of force when that rule drops below it.
   */
  private runGates(touched: Set<string>, at: number, events: WarningEvent[]): void {
    for (const rule of this.index.gated) {
      const w = rule.while!;
      if (!touched.size || !this.touches(touched, `r|${w.rule}|`)) continue;
      const open = this.ordered(rule);
      const g = this.gateOf(rule);
      if (open === (g.state.since !== undefined)) continue;
      g.state = open ? { since: at, due: w.deadlineMs === 0 } : { due: false };
      this.dirty.add(g);
      if (!open || w.deadlineMs === 0) for (const b of this.fencesOf(rule.id)) this.stepFence(b, at, events, touched);
    }
  }

  private touches(touched: Set<string>, prefix: string): boolean {
    for (const t of touched) if (t.startsWith(prefix)) return true;
    return false;
  }

  /** Deadlines of orders that passed, and dwells the clock completes. */
  private tickGates(now: number, events: WarningEvent[], touched: Set<string>): void {
    for (const rule of this.index.gated) {
      const g = this.gateOf(rule);
      const { since, due } = g.state;
      if (since === undefined || due || now < since + rule.while!.deadlineMs) continue;
      g.state = { since, due: true };
      this.dirty.add(g);
      for (const b of this.fencesOf(rule.id)) this.stepFence(b, since + rule.while!.deadlineMs, events, touched);
    }
    // Under an order, not being heard from is itself the concern: once a report for the end of a
    // dwell would have arrived (the rule's lateness), the clock decides it, at the moment it
    // completed, so a vessel silent at sea still goes Red. Other rules wait for the vessel's next
    // report (where it is and how fast is unknown meanwhile); its silence is dark-vessel's business.
    for (const b of [...this.fenceTimed]) {
      const due = b.dueAt;
      if (due !== undefined && due + b.rule.options.latenessMs <= now) this.stepFence(b, due, events, touched);
    }
  }

  private fenceEvidence(b: GeofenceBinding, d: Decision | undefined): { evidence: Evidence; unit: string } {
    const v = b.variant;
    const area = b.state.area ? b.areas.get(b.state.area) : undefined;
    const fix = b.last;
    const where = area ? `in ${area.name} (${area.id}, ${area.kind})` : `outside ${describeZones(b.rule.zones)}`;
    const at = fix ? ` at ${fix.lat.toFixed(4)}°N ${fix.lon.toFixed(4)}°E${fix.speed !== undefined ? `, ${fix.speed.toFixed(1)} kn` : ''}, ${formatShort(fix.ts)}` : ' (no position heard)';
    const w = b.rule.while;
    const since = w && this.gateOf(b.rule).state.since;
    const order = w && since !== undefined ? `; ${w.rule} at ${tierLabel(w.atLeast)} or above since ${formatShort(since)}, deadline ${formatShort(since + w.deadlineMs)}` : '';
    const band = v.speed ? ` moving ${[v.speed.above !== undefined && `faster than ${v.speed.above} kn`, v.speed.below !== undefined && `slower than ${v.speed.below} kn`].filter(Boolean).join(' and ')}` : '';
    const held = d?.raised && d.level.forMs > 0 ? ` for ${formatDuration(d.level.forMs)}` : '';
    // A warning lifted because its order ended says so, not that the vessel stopped being out.
    const condition =
      w && since === undefined && b.state.life.tier !== null && d?.raised !== true
        ? `the order ended: ${w.rule} is below ${tierLabel(w.atLeast)}; ${where}${at}`
        : d?.raised === false || !d
          ? `no longer ${v.condition}${band}: ${where}${at}`
          : `${v.condition}${band}${held}: ${where}${at}${v.bufferM ? ` (buffer ${formatDistance(v.bufferM)})` : ''}${order}`;
    return { evidence: { metric: b.rule.match.metric, condition, readings: [], ...(fix && { position: fix }), ...(area && { zone: area }) }, unit: '' };
  }

  private evaluate(obs: Observation, key: string, track: Track, out: StepResult, touched: Set<string>): void {
    if (!track.bound) this.bind(key);
    const r = { ts: obs.ts, value: obs.value! };
    const previous = track.latest;
    if (!previous || previous.ts <= r.ts) track.latest = r;
    if (obs.unit) track.unit = obs.unit;
    if (this.index.compoundMetrics.size) {
      const mk = metricKey(obs.domain, obs.metric);
      if (this.index.compoundMetrics.has(mk)) touched.add(`m|${mk}|${obs.station}`);
    }
    for (const b of track.series) {
      const latches = b.state.ladder.latches;
      const outcome = b.step(r);
      if (outcome.kind === 'late') {
        out.late ??= `late: ${key} reading at ${new Date(r.ts).toISOString()} is ${formatDuration(outcome.byMs)} older than the newest, beyond rule ${b.rule.id}'s lateness of ${formatDuration(b.rule.options.latenessMs)}; stored, not evaluated`;
      }
      if (outcome.kind !== 'stepped') continue;
      // Only changes in substance are checkpointed; how far a series got is read back from the store.
      if (b.state.ladder.latches.some((l, i) => l !== latches[i])) this.dirty.add(b);
      this.advance(b, b.proposed, r.ts, out.events, touched, () => this.seriesEvidence(b, outcome.decision ?? b.lastDecision));
    }
    this.hear(track, r, obs, out, touched);
    // The metric's key is a new string to hash: made only when some rule derives a series.
    if (this.index.derivations.size === 0) return;
    for (const rule of this.index.derivations.get(metricKey(obs.domain, obs.metric)) ?? []) this.derive(rule, obs, out, touched);
  }

  /** The deadman hears a reading: a silence it had warned of ends. */
  private hear(track: Track, r: Reading, obs: Observation, out: StepResult, touched: Set<string>): void {
    for (const b of track.stale) {
      if (!b.see(r) || b.state.life.tier === null) continue;
      this.advance(b, null, r.ts, out.events, touched, () => ({ evidence: { metric: obs.metric, condition: `${obs.metric} reported again`, readings: [r] }, unit: obs.unit ?? '' }));
    }
  }

  private derive(rule: SeriesRule, obs: Observation, out: StepResult, touched: Set<string>): void {
    const d = rule.derive!;
    const fn = derivedFunction(d.function)!;
    if (fn.linked) {
      for (const { station, weight } of this.linkedBy.get(obs.station) ?? []) {
        if (station.domain !== obs.domain || !appliesTo(rule.match, station)) continue;
        const key = seriesKey({ domain: obs.domain, station: station.id, metric: rule.match.metric });
        const from = `${key}|${obs.station}`;
        const params = this.params(d, station);
        if (!params || (this.contributed.get(from) ?? -Infinity) >= obs.ts) continue;
        this.contributed.set(from, obs.ts);
        const role = fn.inputs[0]!;
        // Each linked station's contribution is its own reading (two gauges may report at the same time), so its source names it.
        this.emitDerived(rule, derive(fn, { [role]: { ts: obs.ts, value: obs.value! } }, params, { station, weight }), obs, station, key, out, touched, `derived:${d.function}:${obs.station}`);
      }
      return;
    }
    const station = this.stationOf(obs.station, obs.domain);
    if (!appliesTo(rule.match, station)) return;
    const inputs: Record<string, Reading> = {};
    for (const [role, metric] of Object.entries(d.inputs)) {
      const r = this.latestReading(seriesKey({ domain: obs.domain, station: obs.station, metric }));
      if (r) inputs[role] = r;
    }
    const params = this.params(d, station);
    const key = seriesKey({ domain: obs.domain, station: obs.station, metric: rule.match.metric });
    const reading = params && derive(fn, inputs, params, { station, weight: 1 });
    if (!reading || (this.latestReading(key)?.ts ?? -Infinity) >= reading.ts) return;
    this.emitDerived(rule, reading, obs, station, key, out, touched);
  }

  /** A derivation's parameters at a station, or undefined when the station lacks one. */
  private params(d: NonNullable<SeriesRule['derive']>, station: Station): Record<string, number> | undefined {
    const params: Record<string, number> = {};
    for (const [name, e] of Object.entries(d.params)) {
      const v = e.evaluate(station.params);
      if (v === undefined) return undefined;
      params[name] = v;
    }
    return params;
  }

  private emitDerived(rule: SeriesRule, reading: Reading | undefined, obs: Observation, station: Station, key: string, out: StepResult, touched: Set<string>, source = `derived:${rule.derive!.function}`): void {
    if (!reading) return;
    const derived: Observation = {
      domain: obs.domain,
      station: station.id,
      metric: rule.match.metric,
      ts: reading.ts,
      value: reading.value,
      quality: obs.quality,
      source,
      ...(obs.unit && { unit: obs.unit }),
    };
    out.derived.push(derived);
    this.evaluate(derived, key, this.trackOf(key), out, touched);
  }

  private seriesEvidence(b: SeriesBinding, d: Decision | undefined): { evidence: Evidence; unit: string; label?: string } {
    const metric = b.rule.match.metric;
    const unit = signalUnit(b.signal, this.tracks.get(seriesKey({ domain: b.rule.domain, station: b.station.id, metric }))?.unit ?? '');
    const label = LABEL[b.signal.kind];
    if (!d) return { evidence: { metric, condition: `the hold of ${formatDuration(b.rule.options.holdMs)} ended`, readings: [] }, unit };
    const cond = b.conds[b.levels.indexOf(d.level)] ?? b.conds[0]!;
    const same = b.levels.filter((l) => l.component === d.level.component);
    const evidence: Evidence = {
      metric,
      ...(unit && { unit }),
      condition: describeCondition(d, cond, signalName(b.signal, d.level.component, metric), unit),
      threshold: d.raised ? d.level.level : d.level.clearLevel,
      thresholds: Object.fromEntries(same.map((l) => [l.tier, l.level])),
      readings: d.readings,
    };
    return { evidence, unit, ...(label && { label }) };
  }

  /**
   * Propose a tier to a binding's lifecycle at event time `at`; on a change, record it and emit
   * the event (suppressed when inhibited or silenced).
   */
  private advance(b: Binding, tier: Tier | null, at: number, events: WarningEvent[], touched: Set<string>, explain: () => { evidence: Evidence; unit: string; label?: string }, step?: LifecycleStep): void {
    const prior = b.state.life;
    const s = step ?? stepLifecycle(prior, tier, at, b.rule.options.holdMs);
    if (s.state !== prior) {
      b.state = { ...b.state, life: s.state };
      this.dirty.add(b);
      this.watchClock(b);
    }
    if (!s.kind) return;
    const entity = 'entity' in b ? b.entity : b.station.id;
    if (s.kind !== 'renotified') this.setCurrent(b.rule.id, entity, s.state.tier, touched);
    const { evidence, unit, label } = explain();
    const event = buildEvent({ rule: b.rule, station: b instanceof GeofenceBinding ? b.place : b.station, entity, kind: s.kind, tier: s.state.tier, previousTier: s.kind === 'renotified' ? s.state.tier : prior.tier, at: s.at!, issuedAt: s.state.issuedAt ?? prior.issuedAt ?? s.at!, mode: this.mode, evidence, unit, ...(label && { label }) });
    this.suppress(event);
    events.push(event);
    if (s.kind !== 'renotified' && b.rule.options.inhibits.length) this.releases.push({ rule: b.rule, entity, at: s.at! });
  }

  /** Ticks look only at bindings the clock can move, not at every binding. */
  private watchClock(b: Binding): void {
    const life = b.state.life;
    if (life.pendingAt !== undefined || (life.tier !== null && b.rule.options.renotifyMs > 0)) this.timed.add(b);
    else this.timed.delete(b);
  }

  private setCurrent(rule: string, entity: string, tier: Tier | null, touched: Set<string>): void {
    let m = this.current.get(rule);
    if (!m) this.current.set(rule, (m = new Map<string, Tier>()));
    if (tier === null) m.delete(entity);
    else m.set(entity, tier);
    touched.add(`r|${rule}|${entity}`);
  }

  /**
   * Inhibition (a rule at an equal or higher tier for the same entity), then silences. Red is never
   * muted, and inhibition never holds back a lift: a warning announced before its inhibitor came up
   * must be seen to end.
   */
  private suppress(e: WarningEvent): void {
    const key = `${e.rule.id}|${e.entity}`;
    const rank = tierRank(e.tier ?? e.previousTier);
    for (const r of e.tier === null ? [] : (this.index.inhibitors.get(e.rule.id) ?? [])) {
      const t = this.current.get(r.id)?.get(e.entity) ?? null;
      if (t !== null && tierRank(t) >= rank) {
        e.suppressed = { by: 'inhibition', id: r.id, reason: `${r.title} is at ${tierLabel(t)} for ${e.entity}` };
        break;
      }
    }
    if (!e.suppressed && e.tier !== 'red' && e.previousTier !== 'red') {
      const region = e.station.region ?? '';
      const s = this.silences.find(
        (x) => x.from <= e.at && e.at < x.until && (!x.match.rule || x.match.rule === e.rule.id) && (!x.match.domain || x.match.domain === e.domain) && (!x.match.entity || x.match.entity === e.entity) && (!x.match.region || region.startsWith(x.match.region)),
      );
      if (s) e.suppressed = { by: 'silence', id: s.id, reason: `silenced by ${s.author} until ${formatShort(s.until)}: ${s.reason}` };
    }
    if (e.suppressed?.by === 'inhibition' && e.tier !== null) this.suppressed.add(key);
    else this.suppressed.delete(key);
  }

  /**
   * Once a step is done (so a rule lifted by the same reading is not reminded of first): warnings
   * held back by an inhibitor that stepped down and that are still in force are announced.
   */
  private release(events: WarningEvent[], touched: Set<string>): void {
    if (!this.releases.length) return;
    for (const r of this.releases.splice(0)) this.released(r.rule, r.entity, r.at, events, touched);
  }

  private released(rule: Rule, entity: string, at: number, events: WarningEvent[], touched: Set<string>): void {
    for (const target of rule.options.inhibits) {
      if (!this.suppressed.has(`${target}|${entity}`)) continue;
      const b = this.bindingOf(target, entity);
      if (!b || b.state.life.tier === null) continue;
      const before = events.length;
      const life = b.state.life;
      this.advance(b, life.tier, at, events, touched, () => ({ evidence: { metric: 'inhibition', condition: `no longer inhibited by ${rule.id}`, readings: [] }, unit: '' }), { state: { ...life, notifiedAt: at }, kind: 'renotified', at });
      if (events.length > before && events[events.length - 1]!.suppressed) events.pop();
    }
  }

  /** A rule's binding for an entity: looked up under the one series it watches there, not among all bindings. */
  private bindingOf(ruleId: string, entity: string): Binding | undefined {
    const rule = this.index.byId.get(ruleId);
    if (!rule) return undefined;
    if (rule.kind === 'compound') return this.compounds.get(`${ruleId}|${entity}`);
    const key = seriesKey({ domain: rule.domain, station: entity, metric: rule.match.metric });
    const track = this.tracks.get(key);
    for (const list of [track?.series, track?.stale, this.fences.get(key)]) for (const b of list ?? []) if (b.rule.id === ruleId) return b;
    return undefined;
  }

  private regionOf(entity: string): string | undefined {
    return this.stations.get(entity)?.region ?? (/^\d+$/.test(entity) ? entity : undefined);
  }

  private stationsIn(region: string): Station[] {
    let list = this.byRegion.get(region);
    if (!list) this.byRegion.set(region, (list = [...this.stations.values()].filter((s) => s.region?.startsWith(region))));
    return list;
  }

  private scope(rule: CompoundRule, entity: string): Scope {
    const inRegion = rule.scope === 'region';
    const stations = inRegion ? this.stationsIn(entity) : [this.stationOf(entity, rule.domain)];
    return {
      tierOf: (id) => {
        const m = this.current.get(id);
        if (!inRegion) return { tier: m?.get(entity) ?? null };
        let best: { tier: Tier | null; entity?: string } = { tier: null };
        for (const [e, t] of m ?? []) if (this.regionOf(e)?.startsWith(entity) && tierRank(t) > tierRank(best.tier)) best = { tier: t, entity: e };
        return best;
      },
      readings: (domain, metric, tags) =>
        stations.flatMap((s) => {
          const reading = this.latestReading(seriesKey({ domain, station: s.id, metric }));
          return reading && (!tags || tags.every((t) => s.tags.includes(t))) ? [{ station: s.id, params: s.params, reading }] : [];
        }),
    };
  }

  private compoundBinding(rule: CompoundRule, entity: string): CompoundBinding {
    const key = `${rule.id}|${entity}`;
    let b = this.compounds.get(key);
    if (!b) {
      const station = rule.scope === 'entity' ? this.stationOf(entity, rule.domain) : this.regionStation(entity);
      b = { key, rule, entity, station, state: compoundState(rule, this.mode, this.restored.get(key)) };
      this.compounds.set(key, b);
      this.watchClock(b);
    }
    return b;
  }

  /** A region shown as a place: its code, at the centre of its stations. */
  private regionStation(code: string): Station {
    const list = this.stationsIn(code);
    const mean = (f: (s: Station) => number) => (list.length ? list.reduce((a, s) => a + f(s), 0) / list.length : 0);
    return { id: code, name: `region ${code}`, domain: 'region', lon: mean((s) => s.lon), lat: mean((s) => s.lat), region: code, tags: [], params: {} };
  }

  /** Re-evaluate the compound rules that read something touched, in dependency order. */
  private runCompounds(touched: Set<string>, at: number, events: WarningEvent[]): void {
    if (!touched.size || !this.index.compounds.length) return;
    // Each entry split once; entries a compound adds on the way (its own change) are split when reached.
    const parsed: [string, string, string][] = [];
    const entries = (): [string, string, string][] => {
      let i = 0;
      for (const t of touched) if (i++ >= parsed.length) parsed.push(t.split('|') as [string, string, string]);
      return parsed;
    };
    for (const rule of this.index.compounds) {
      const refs = this.index.compoundRefs.get(rule.id)!;
      let entities: Set<string> | undefined;
      for (const [kind, name, entity] of entries()) {
        if (kind === 'c') {
          if (name === rule.id) (entities ??= new Set()).add(entity);
          continue;
        }
        if (!(kind === 'r' ? refs.rules : refs.metrics).has(name)) continue;
        const target = rule.scope === 'entity' ? entity : this.regionOf(entity)?.slice(0, rule.regionDigits);
        if (target) (entities ??= new Set()).add(target);
      }
      for (const entity of entities ?? []) {
        const b = this.compoundBinding(rule, entity);
        const { signal, notes } = compoundSignal(rule, this.mode, this.scope(rule, entity));
        const step = stepLadder(compoundLevels(rule, this.mode), b.state.ladder, Math.max(at, b.state.ladder.lastTs + 1), signal);
        if (!step.applied) continue;
        if (step.state.latches.some((l, i) => l !== b.state.ladder.latches[i])) this.dirty.add(b);
        b.state = { ...b.state, ladder: step.state };
        if (step.decision) b.lastDecision = step.decision;
        const d = step.decision;
        this.advance(b, step.tier, at, events, touched, () => ({
          evidence: { metric: 'compound', condition: `${d?.raised === false ? 'no longer met' : 'met'} for ${(d ?? b.lastDecision)?.level.tier ?? 'its tier'}: ${notes.join('; ')}`, readings: [], members: notes },
          unit: '',
        }));
      }
    }
  }

  /**
   * Advance the clock to `now`: silent series warn, holds that ended let tiers step down, warnings
   * in force are renotified.
   */
  tick(now: number): WarningEvent[] {
    const events: WarningEvent[] = [];
    const touched = new Set<string>();
    // In series order, not binding order: after a restart series are bound in another order, and
    // simultaneous silences must come out the same.
    this.staleOrder ??= [...this.tracks.keys()].sort().flatMap((key) => this.tracks.get(key)!.stale);
    for (const b of this.staleOrder) {
      const s = b.silent(now, this.mode);
      if (tierRank(s.tier) <= tierRank(b.state.life.tier)) continue;
      this.advance(b, s.tier, s.at, events, touched, () => ({ evidence: { metric: b.rule.match.metric, condition: s.condition, readings: b.last ? [b.last] : [] }, unit: '', label: 'last reading' }));
    }
    for (const b of [...this.timed]) {
      if (!isLadder(b)) continue;
      const end = holdEnds(b.state.life, b.rule.options.holdMs);
      if (end === undefined || end > now) continue;
      if (b instanceof GeofenceBinding) {
        this.advance(b, b.proposed, now, events, touched, () => this.fenceEvidence(b, b.lastDecision));
        continue;
      }
      const proposed = b instanceof SeriesBinding ? b.proposed : topTier(compoundLevels(b.rule, this.mode), b.state.ladder);
      this.advance(b, proposed, now, events, touched, () => (b instanceof SeriesBinding ? this.seriesEvidence(b, b.lastDecision) : { evidence: { metric: 'compound', condition: `hold of ${formatDuration(b.rule.options.holdMs)} ended`, readings: [] }, unit: '' }));
    }
    for (const b of [...this.timed]) {
      const life: LifecycleState = b.state.life;
      const s = renotify(life, now, b.rule.options.renotifyMs);
      if (!s.kind) continue;
      this.advance(b, life.tier, s.at!, events, touched, () => ({ evidence: { metric: 'rule' in b && b.rule.kind !== 'compound' ? b.rule.match.metric : 'compound', condition: `${tierLabel(life.tier)} in force since ${formatShort(life.issuedAt!)}; reminder every ${formatDuration(b.rule.options.renotifyMs)}`, readings: [] }, unit: '' }), s);
    }
    // A compound dwell (for, clear.for) over tiers that stay put would wait for a change that never
    // comes: compounds in the middle of one are looked at again on the clock.
    for (const b of this.compounds.values()) if (b.state.ladder.latches.some((l) => l.run)) touched.add(`c|${b.rule.id}|${b.entity}`);
    this.tickGates(now, events, touched);
    this.runGates(touched, now, events);
    this.runCompounds(touched, now, events);
    this.runGates(touched, now, events);
    this.release(events, touched);
    return events;
  }

  private *all(): Generator<Binding> {
    for (const t of this.tracks.values()) yield* t.series;
    for (const t of this.tracks.values()) yield* t.stale;
    for (const list of this.fences.values()) yield* list;
    yield* this.compounds.values();
  }

  /** Switch between normal (平时) and emergency (战时) thresholds; latches of the same tier carry over. */
  setMode(mode: Mode): void {
    if (mode === this.mode) return;
    for (const t of this.tracks.values()) for (const b of t.series) b.setMode(mode);
    for (const list of this.fences.values()) for (const b of list) b.setMode(mode);
    // A compound ladder has one latch per tier of the mode's table, and the tables may differ:
    // carry latches over by tier (components are table positions, so they are not compared).
    const byTier = (levels: Level[]): Level[] => levels.map((l) => ({ ...l, component: 0 }));
    for (const b of this.compounds.values()) {
      b.state = { ...b.state, ladder: realign(byTier(compoundLevels(b.rule, this.mode)), b.state.ladder, byTier(compoundLevels(b.rule, mode))) };
      this.dirty.add(b);
    }
    this.mode = mode;
  }

  /**
   * Swap in a new rule book (hot reload). Bindings of rules with the same id and hash keep their
   * state and windows; a warning in force under a rule that changed or went away is lifted, and the
   * new rule judges afresh. Returns those lifts; call history() and warm() for the new windows.
   */
  replace(book: RuleBook, at: number): WarningEvent[] {
    const next = new Index(book, this.zones, this.index);
    const events: WarningEvent[] = [];
    const touched = new Set<string>();
    const keep = (b: Binding): boolean => {
      if (next.byId.get(b.rule.id)?.hash === b.rule.hash) return true;
      const change = next.byId.has(b.rule.id) ? `rule ${b.rule.id} changed; it judges afresh from here` : `rule ${b.rule.id} was removed`;
      if (b.state.life.tier !== null) this.advance(b, null, at, events, touched, () => ({ evidence: { metric: 'rule', condition: change, readings: [] }, unit: '' }), { state: { tier: null }, kind: 'lifted', at });
      this.dirty.delete(b);
      this.timed.delete(b);
      // The checkpoint read at start is out of date for it: a later change back must start afresh.
      this.restored.delete(b.key);
      return false;
    };
    for (const t of this.tracks.values()) {
      t.series = t.series.filter(keep);
      t.stale = t.stale.filter(keep);
    }
    this.staleOrder = undefined;
    for (const [key, list] of this.fences) this.fences.set(key, list.filter(keep));
    // Kept bindings look at the new rule set's areas (hazard circles are the new index's).
    for (const list of this.fences.values()) {
      for (const b of list) {
        b.areas = next.areas.get(b.rule.id)!;
        b.except = next.except.get(b.rule.id);
      }
    }
    for (const b of [...this.fenceTimed]) if (!next.byId.has(b.rule.id) || next.byId.get(b.rule.id)!.hash !== b.rule.hash) this.fenceTimed.delete(b);
    for (const [key, b] of this.compounds) if (!keep(b)) this.compounds.delete(key);
    this.index = next;
    for (const [key, t] of this.tracks) {
      t.gate = undefined;
      if (!t.bound) continue;
      const before = t.series.length;
      this.bind(key);
      if (t.series.length > before && t.series.some((b) => b.span > b.rule.options.latenessMs)) this.cold.add(key);
    }
    // A new stale rule watches registry stations that never reported, too.
    this.bindRegistry();
    // Orders as the new set has them: given or ended by what changed, and every vessel judged again.
    for (const rule of this.index.gated) {
      const g = this.gateOf(rule);
      const open = this.ordered(rule);
      if (open !== (g.state.since !== undefined)) {
        g.state = open ? { since: at, due: rule.while!.deadlineMs === 0 } : { due: false };
        this.dirty.add(g);
      }
      for (const b of this.fencesOf(rule.id)) this.stepFence(b, at, events, touched);
    }
    this.runCompounds(touched, at, events);
    this.release(events, touched);
    return events;
  }

  /** States changed in substance since the last call, for the checkpoint. */
  takeDirty(): StateRow[] {
    const rows = [...this.dirty].map((b) => ({ key: b.key, ruleHash: b.rule.hash, state: b.state }));
    this.dirty.clear();
    return rows;
  }

  /**
   * Where a geofence rule stands for every vessel it watches: for a port-return order, who is still
   * out (with their last fix and tier), how many, and since and until when the order runs.
   */
  fleetStanding(ruleId: string): FleetStanding | undefined {
    const rule = this.index.byId.get(ruleId);
    if (rule?.kind !== 'geofence') return undefined;
    const since = rule.while ? this.gateOf(rule).state.since : undefined;
    const bindings = this.fencesOf(ruleId);
    const holding = bindings
      .filter((b) => b.signal() === 1)
      .map((b) => ({ vessel: b.station.id, name: b.station.name, tier: b.state.life.tier, ...(b.last && { last: b.last }) }))
      .sort((a, b) => tierRank(b.tier) - tierRank(a.tier) || a.vessel.localeCompare(b.vessel));
    return {
      rule: ruleId,
      condition: rule.variants[this.mode].condition,
      ...(since !== undefined && { since, deadline: since + rule.while!.deadlineMs }),
      inForce: this.gateOpen(rule),
      watched: bindings.length,
      count: holding.length,
      holding,
    };
  }

  /** Warnings active now, highest tier first. */
  active(): ActiveWarning[] {
    const out: ActiveWarning[] = [];
    for (const b of this.all()) {
      const { tier, issuedAt } = b.state.life;
      if (tier !== null) out.push({ rule: b.rule.id, entity: 'entity' in b ? b.entity : b.station.id, tier, issuedAt: issuedAt! });
    }
    return out.sort((a, b) => tierRank(b.tier) - tierRank(a.tier) || a.issuedAt - b.issuedAt);
  }
}

// Built directly (no conditional spreads): one object per position on the hot path.
const fixOf = (ts: number, p: Position): Fix => ({ ts, lon: p.lon, lat: p.lat, speed: p.speed, course: p.course });
