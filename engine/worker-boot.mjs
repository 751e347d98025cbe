// Runs a TypeScript module in a worker thread: a worker does not inherit the parent's tsx loader.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.module);
