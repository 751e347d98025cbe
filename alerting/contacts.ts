// The contacts registry: people (name, phone, role, regions), groups of people, broadcast
// speakers (device, port or village, region, the channel that drives them) and automation
// endpoints. One YAML file per deployment; every error at file:line:column.
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { z } from 'zod';
import type { Recipient } from '../engine/delivery.ts';
import { TOKEN } from '../engine/observation.ts';
import { YamlFile, type LocatedError } from '../engine/yaml-file.ts';
import type { Lang } from './channel.ts';

const id = z.string().regex(TOKEN, 'must be letters, digits, "-" or "_"');
const region = z.string().regex(/^\d{2,6}$/, 'must be a GB/T 2260 code or its prefix (2–6 digits, quoted)');

const person = z.strictObject({
  id,
  name: z.string().min(1),
  phone: z.string().regex(/^\+?\d{5,15}$/, 'must be digits, optionally with a leading +').optional(),
  role: z.string().optional(),
  /** The areas the person answers for: a code covers every area under it ("3501" covers "350122"). */
  regions: z.array(region).default([]),
  lang: z.enum(['zh', 'en']).default('zh'),
});

const speaker = z.strictObject({
  id,
  name: z.string().min(1),
  /** The vendor's device id. */
  device: z.string().min(1),
  /** The port or village it stands in (a zone id for ports). */
  port: id.optional(),
  zone: z.string().optional(),
  region: region.optional(),
  lang: z.enum(['zh', 'en']).default('zh'),
});

const contactsFile = z.strictObject({
  people: z.array(person).default([]),
  groups: z.array(z.strictObject({ id, name: z.string().optional(), members: z.array(id).min(1) })).default([]),
  speakers: z.array(speaker).default([]),
  endpoints: z.array(z.strictObject({ id, name: z.string().min(1) })).default([]),
});

type Person = z.output<typeof person>;
type Speaker = z.output<typeof speaker>;

/** A recipient with what routing selects it by. */
export interface Contact {
  recipient: Recipient;
  lang: Lang;
  regions: string[];
  port?: string;
}

export interface Contacts {
  people: Map<string, Contact>;
  groups: Map<string, Contact[]>;
  speakers: Map<string, Contact>;
  endpoints: Map<string, Contact>;
}

const personContact = (p: Person): Contact => ({
  recipient: { kind: 'person', id: p.id, name: p.name, ...(p.phone && { phone: p.phone }) },
  lang: p.lang,
  regions: p.regions,
});

const speakerContact = (s: Speaker): Contact => ({
  recipient: { kind: 'speaker', id: s.id, name: s.name, device: s.device, ...(s.zone && { zone: s.zone }) },
  lang: s.lang,
  regions: s.region ? [s.region] : [],
  ...(s.port && { port: s.port }),
});

export function parseContacts(file: string, text: string): { contacts?: Contacts; errors: LocatedError[] } {
  const doc = new YamlFile(file, text);
  const { value, errors } = doc.validate(contactsFile);
  if (!value) return { errors };
  const seen = new Map<string, string>();
  const unique = (section: string, i: number, key: string): void => {
    const before = seen.get(key);
    if (before) errors.push(doc.error([section, i, 'id'], `id "${key}" is already used by ${before}`));
    else seen.set(key, `${section}[${i}]`);
  };
  value.people.forEach((p, i) => unique('people', i, p.id));
  value.speakers.forEach((s, i) => unique('speakers', i, s.id));
  value.endpoints.forEach((e, i) => unique('endpoints', i, e.id));
  const people = new Map(value.people.map((p) => [p.id, personContact(p)]));
  const groups = new Map<string, Contact[]>();
  value.groups.forEach((g, i) => {
    if (groups.has(g.id) || seen.has(g.id)) errors.push(doc.error(['groups', i, 'id'], `id "${g.id}" is already used`));
    g.members.forEach((m, j) => {
      if (!people.has(m)) errors.push(doc.error(['groups', i, 'members', j], `no person "${m}" in people`));
    });
    groups.set(g.id, g.members.flatMap((m) => people.get(m) ?? []));
  });
  if (errors.length > 0) return { errors };
  return {
    contacts: {
      people,
      groups,
      speakers: new Map(value.speakers.map((s) => [s.id, speakerContact(s)])),
      endpoints: new Map(value.endpoints.map((e) => [e.id, { recipient: { kind: 'endpoint', id: e.id, name: e.name }, lang: 'zh', regions: [] }])),
    },
    errors: [],
  };
}

export function loadContacts(path: string): { contacts?: Contacts; errors: LocatedError[] } {
  return parseContacts(relative(process.cwd(), path) || path, readFileSync(path, 'utf8'));
}

/** A contact answers for an area when one of its codes is a prefix of the area's code. */
export const covers = (c: Contact, region: string | undefined): boolean =>
  region !== undefined && c.regions.some((r) => region.startsWith(r));
