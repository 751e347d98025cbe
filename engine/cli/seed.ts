// The `seed` command line.
import { parseArgs } from 'node:util';
import { ruleJsonSchema } from '../../rules/json-schema.ts';
import { CONTROL_SUBJECTS } from '../control.ts';
import { requestControl } from '../nats/nats-control.ts';
import { openJetStream } from '../sources/jetstream-source.ts';
import { alertingCommand } from './alerting.ts';
import { backtestCommand } from './backtest.ts';
import { rulesCheck, rulesExplain } from './rules-check.ts';
import { runFromConfig } from './run.ts';
import { fleetCommand } from './fleet.ts';
import { tidesCommand } from './tides.ts';

const USAGE = `usage:
  seed run --config <seed.yaml>                 run the engine over NATS with the config's rules and store
  seed rules check <dir|file> [--stations <f>]  validate rules (file:line:column errors) and show bindings
  seed rules explain <dir|file> <rule-id>       say in plain words what a rule does
  seed rules schema                             print the JSON Schema of rule files (for YAML editors)
  seed backtest --config <seed.yaml> --from <t> --to <t> [--rules <dir>] [--reference <csv|yaml>] [--mode emergency]
                                                replay the store's history through a rule set and report per rule
  seed tides <station> --stations <file> [--from <t>] [--hours 48]
                                                the coming high waters (astronomical tide) and the warning level each reaches
  seed tides <station> --nats <url> [--hours 48]  the same from a running engine, forecast with the surge observed now
  seed fleet [rule] [--nats <url>]              a geofence rule over the fleet (default typhoon-port-return: who is still out)
  seed mode get [--nats <url>]                  the running engine's mode (normal 平时 / emergency 战时)
  seed mode set <normal|emergency> --by <who> --reason <why> [--nats <url>]
  seed alerting episodes [--nats <url>]         open warning episodes: awaiting approval, acknowledged, next escalation
  seed alerting approve|reject|ack <episode> --by <who> --reason <why>
  seed alerting deliveries [<event id|episode>] [--state <s>] [--channel <c>]
  seed alerting issue --station <id> --tier <blue|yellow|orange|red> --by <who> --reason <why>
  seed alerting override <episode> --tier <t> --by <who> --reason <why>
  seed alerting lift <episode> --by <who> --reason <why>`;

async function mode(args: string[], url: string, body: { by?: string; reason?: string }, print: (l: string) => void): Promise<number> {
  const [verb, value] = args;
  if (verb !== 'get' && !(verb === 'set' && value)) return -1;
  const bus = await openJetStream(url);
  try {
    const reply = verb === 'get' ? await requestControl(bus.nc, CONTROL_SUBJECTS.mode) : await requestControl(bus.nc, CONTROL_SUBJECTS.setMode, { mode: value, ...body });
    print(JSON.stringify(reply));
    return reply.ok ? 0 : 1;
  } finally {
    await bus.close();
  }
}

async function main(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      config: { type: 'string' },
      stations: { type: 'string' },
      rules: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      reference: { type: 'string' },
      mode: { type: 'string' },
      hours: { type: 'string' },
      nats: { type: 'string' },
      by: { type: 'string' },
      reason: { type: 'string' },
      tier: { type: 'string' },
      station: { type: 'string' },
      state: { type: 'string' },
      channel: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [cmd, sub, target, extra] = positionals;
  const print = (line: string) => console.log(line);
  if (cmd === 'run' && values.config) return runFromConfig(values.config, print);
  if (cmd === 'rules' && sub === 'check' && target) return rulesCheck(target, values.stations, print);
  if (cmd === 'rules' && sub === 'explain' && target && extra) return rulesExplain(target, extra, print);
  if (cmd === 'rules' && sub === 'schema') return (process.stdout.write(ruleJsonSchema()), 0);
  if (cmd === 'backtest' && values.config && values.from && values.to) {
    const { config, from, to, rules, reference, mode } = values;
    return backtestCommand({ config, from, to, ...(rules && { rules }), ...(reference && { reference }), ...(mode && { mode }) }, print);
  }
  if (cmd === 'tides' && sub) {
    const { stations, from, hours, nats } = values;
    return tidesCommand({ station: sub, ...(stations && { stations }), ...(from && { from }), ...(hours && { hours }), ...(nats && { nats }) }, print);
  }
  if (cmd === 'fleet') return fleetCommand(sub, values.nats ?? 'nats://127.0.0.1:4222', print);
  if (cmd === 'mode') {
    const code = await mode(positionals.slice(1), values.nats ?? 'nats://127.0.0.1:4222', { ...(values.by && { by: values.by }), ...(values.reason && { reason: values.reason }) }, print);
    if (code >= 0) return code;
  }
  if (cmd === 'alerting') {
    const { by, reason, tier, station, state, channel } = values;
    const flags = { ...(by && { by }), ...(reason && { reason }), ...(tier && { tier }), ...(station && { station }), ...(state && { state }), ...(channel && { channel }) };
    const code = await alertingCommand(sub, target, flags, values.nats ?? 'nats://127.0.0.1:4222', print);
    if (code >= 0) return code;
  }
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
