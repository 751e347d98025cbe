#!/usr/bin/env node
// Runs before `npm run demo`, `npm test` and `npm run bench`, so the README's two commands work on a
// fresh machine: installs the npm packages when node_modules is missing or older than the lockfile,
// and, for tests and the benchmark, Debian's nats-server, influxdb, libxml2-utils (xmllint) and espeak-ng when absent.
import { execFileSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';

const run = (cmd, args) => execFileSync(cmd, args, { stdio: 'inherit' });
const marker = 'node_modules/.package-lock.json';
if (!existsSync(marker) || statSync(marker).mtimeMs < statSync('package-lock.json').mtimeMs) {
  console.log('seed: installing npm packages (npm ci)…');
  run('npm', ['ci', '--no-audit', '--no-fund']);
}

// Debian tools by the command the tests run: nats-server (a real NATS), influxd (a real InfluxDB 1.x for
// the store tests), xmllint (CAP 1.2 against its XSD), espeak-ng (speech audio for broadcast speakers).
const TOOLS = [
  { command: 'nats-server', paths: ['/usr/sbin/nats-server', '/usr/bin/nats-server', '/usr/local/bin/nats-server'], apt: 'nats-server' },
  { command: 'influxd', paths: ['/usr/bin/influxd', '/usr/local/bin/influxd'], apt: 'influxdb' },
  { command: 'xmllint', paths: ['/usr/bin/xmllint'], apt: 'libxml2-utils' },
  { command: 'espeak-ng', paths: ['/usr/bin/espeak-ng'], apt: 'espeak-ng' },
];
const has = (t) => t.paths.some(existsSync) || (() => { try { execFileSync('sh', ['-c', `command -v ${t.command}`], { stdio: 'ignore' }); return true; } catch { return false; } })();
const missing = process.argv.includes('--nats') ? TOOLS.filter((t) => !has(t)) : [];
if (missing.length > 0) {
  const packages = missing.map((t) => t.apt);
  if (process.getuid?.() === 0 && existsSync('/usr/bin/apt-get')) {
    console.log(`seed: installing ${packages.join(', ')} (apt-get)…`);
    run('apt-get', ['update', '-qq']);
    run('apt-get', ['install', '-y', '-qq', ...packages]);
  } else {
    console.error(`seed: the tests need ${missing.map((t) => t.command).join(' and ')}: install them (Debian: sudo apt-get install ${packages.join(' ')})`);
    process.exit(1);
  }
}
