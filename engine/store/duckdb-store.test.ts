// The embedded DuckDB store against the store port's conformance suite, each test on its own file.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before } from 'node:test';
import { openDuckDbStore } from './duckdb-store.ts';
import { storeConformance } from './store-conformance.ts';

let dir = '';
let files = 0;
before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'seed-duckdb-'));
});
after(() => fs.rmSync(dir, { recursive: true, force: true }));

storeConformance('duckdb', () => {
  const file = path.join(dir, `store-${++files}.duckdb`);
  return Promise.resolve({ open: () => openDuckDbStore(file) });
});
