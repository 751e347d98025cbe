// The JSON Schema of rule files, generated from the zod schema, for YAML editors
// (e.g. `# yaml-language-server: $schema=../rule.schema.json` at the top of a rule file).
import { z } from 'zod';
import { ruleFile } from './schema.ts';

export const ruleJsonSchema = (): string =>
  `${JSON.stringify({ ...z.toJSONSchema(ruleFile, { io: 'input', unrepresentable: 'any', reused: 'ref' }), title: 'Seed rule file' }, null, 2)}\n`;
