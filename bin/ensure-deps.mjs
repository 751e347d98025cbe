#!/usr/bin/env node
// Runs before `npm run demo`, `npm test` and `npm run bench`, so the README's two commands work on a
// fresh machine: installs the npm packages when node_modules is missing or older than the lockfile,
// and, for tests and the benchmark, Debian's nats-server when it is absent.
import { execFileSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';

const run = (cmd, args) => execFileSync(cmd, args, { stdio: 'inherit' });
const marker = 'node_modules/.package-lock.json';
if (!existsSync(marker) || statSync(marker).mtimeMs < statSync('package-lock.json').mtimeMs) {
  console.log('seed: installing npm packages (npm ci)…');
  run('npm', ['ci', '--no-audit', '--no-fund']);
}

const needsNats = process.argv.includes('--nats');
const hasNats = () => ['/usr/sbin/nats-server', '/usr/bin/nats-server', '/usr/local/bin/nats-server'].some(existsSync) ||
  (() => { try { execFileSync('sh', ['-c', 'command -v nats-server'], { stdio: 'ignore' }); return true; } catch { return false; } })();
if (needsNats && !hasNats()) {
  if (process.getuid?.() === 0 && existsSync('/usr/bin/apt-get')) {
    console.log('seed: installing nats-server (apt-get)…');
    run('apt-get', ['update', '-qq']);
    run('apt-get', ['install', '-y', '-qq', 'nats-server']);
  } else {
    console.error('seed: the tests need nats-server: install it (Debian: sudo apt-get install nats-server)');
    process.exit(1);
  }
}
