// Message text from a warning event, in Chinese or English: what, where, which level, what to do.
// The words live in a YAML file (alerting/templates.yaml by default) so a bureau edits them
// without code; this file only fills the placeholders from the event and its evidence.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { TIER_INFO, TIERS, type Tier } from '../engine/tiers.ts';
import type { WarningEvent } from '../engine/warning.ts';
import { formatError, YamlFile } from '../engine/yaml-file.ts';
import type { Lang } from './channel.ts';

export const DEFAULT_TEMPLATES_URL = new URL('./templates.yaml', import.meta.url);

const byLang = <T extends z.ZodType>(t: T) => z.strictObject({ zh: t, en: t });
const byTier = z.strictObject(Object.fromEntries(TIERS.map((t) => [t, z.string().min(1)])) as Record<Tier, z.ZodString>);
const forms = z.strictObject({
  issued: z.string(),
  upgraded: z.string(),
  downgraded: z.string(),
  renotified: z.string(),
  lifted: z.string(),
  headline: z.string(),
});

const templatesFile = z.strictObject({
  agency: byLang(z.string().min(1)),
  forms: byLang(forms),
  tiers: byLang(byTier),
  metrics: z.record(z.string(), byLang(z.string().min(1))).default({}),
  units: z.record(z.string(), byLang(z.string())).default({}),
  advice: z.record(z.string(), byLang(byTier)).refine((a) => 'default' in a, 'needs a "default" domain'),
});

export type Templates = z.output<typeof templatesFile>;

export function parseTemplates(file: string, text: string): Templates {
  const doc = new YamlFile(file, text);
  const { value, errors } = doc.validate(templatesFile);
  if (!value) throw new Error(`invalid templates:\n${errors.map(formatError).join('\n')}`);
  return value;
}

export const loadTemplates = (path: string | URL = DEFAULT_TEMPLATES_URL): Templates => {
  const file = typeof path === 'string' ? path : fileURLToPath(path);
  return parseTemplates(file, readFileSync(file, 'utf8'));
};

const HAN = /^[\p{Script=Han}\p{P}\s（）／/]+/u;

/** A bilingual rule title ("台风预警信号 Typhoon warning signal") in one language; a title in one language serves both. */
export function titleIn(title: string, lang: Lang): string {
  const zh = HAN.exec(title)?.[0].trim();
  if (!zh) return title;
  const en = title.slice(zh.length).trim();
  return lang === 'zh' ? zh.replace(/预警$/, '') : en || zh;
}

const num = (v: number): string => String(Number(v.toFixed(2)));

/** Local time of day, e.g. "7月28日14时05分" or "28 Jul 14:05", at the given UTC offset. */
export function localTime(ms: number, lang: Lang, offsetMinutes: number): string {
  const d = new Date(ms + offsetMinutes * 60_000);
  const hh = String(d.getUTCHours()).padStart(2, '0');
  const mm = String(d.getUTCMinutes()).padStart(2, '0');
  if (lang === 'zh') return `${d.getUTCMonth() + 1}月${d.getUTCDate()}日${hh}时${mm}分`;
  const month = d.toLocaleString('en-GB', { month: 'short', timeZone: 'UTC' });
  return `${d.getUTCDate()} ${month} ${hh}:${mm}`;
}

/** The deciding value against its threshold, or where the vessel is, in words. */
function what(e: WarningEvent, t: Templates, lang: Lang): string {
  const ev = e.evidence;
  if (ev.zone) return lang === 'zh' ? `位于${ev.zone.name}` : `in ${ev.zone.name}`;
  const last = ev.readings.at(-1);
  if (!last || ev.position) return ev.condition;
  const metric = t.metrics[ev.metric]?.[lang] ?? ev.metric;
  const unit = ev.unit === undefined ? '' : (t.units[ev.unit]?.[lang] ?? ev.unit);
  // Chinese sets numbers and units without spaces (水位5.6米); English with them (stage 5.6 m).
  const sep = lang === 'zh' ? '' : ' ';
  const withUnit = (v: number): string => `${num(v)}${unit ? `${sep}${unit}` : ''}`;
  const value = `${metric}${sep}${withUnit(last.value)}`;
  if (ev.threshold === undefined) return value;
  return lang === 'zh' ? `${value}（预警值${withUnit(ev.threshold)}）` : `${value} (threshold ${withUnit(ev.threshold)})`;
}

export interface Rendered {
  title: string;
  text: string;
  /** What to do at this tier, on its own (CAP's instruction). */
  advice: string;
}

export function render(e: WarningEvent, lang: Lang, t: Templates, offsetMinutes = 480): Rendered {
  const tier = e.tier ?? e.previousTier ?? 'blue';
  const advice = (t.advice[e.domain] ?? t.advice.default!)[lang][tier];
  const values: Record<string, string> = {
    agency: t.agency[lang],
    time: localTime(e.at, lang, offsetMinutes),
    place: e.station.name,
    title: titleIn(e.rule.title, lang),
    tier: t.tiers[lang][tier],
    level: TIER_INFO[tier].level,
    what: what(e, t, lang),
    advice,
  };
  const fill = (form: string): string => form.replace(/\{(\w+)\}/g, (m, k: string) => values[k] ?? m);
  const form = t.forms[lang][e.kind];
  return { title: fill(t.forms[lang].headline), text: fill(form).replace(/([。.])\1/g, '$1'), advice };
}
