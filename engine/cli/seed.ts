// The `seed` command line.
import { parseArgs } from 'node:util';
import { rulesCheck } from './rules-check.ts';
import { runFromConfig } from './run.ts';

const USAGE = `usage:
  seed run --config <seed.yaml>                 run the engine over NATS with the config's rules and store
  seed rules check <dir|file> [--stations <f>]  validate rules (file:line:column errors) and show bindings`;

async function main(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { config: { type: 'string' }, stations: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  const [cmd, sub, target] = positionals;
  const print = (line: string) => console.log(line);
  if (cmd === 'run' && values.config) return runFromConfig(values.config, print);
  if (cmd === 'rules' && sub === 'check' && target) return rulesCheck(target, values.stations, print);
  console.error(USAGE);
  return values.help ? 0 : 2;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
