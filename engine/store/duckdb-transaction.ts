// One write transaction on a DuckDB connection, for the store and the tables it migrates.
import type { DuckDBConnection } from '@duckdb/node-api';

/** Run a write in one transaction; a failure rolls it back and is the error reported. */
export async function transaction(db: DuckDBConnection, work: () => Promise<void>): Promise<void> {
  await db.run('BEGIN TRANSACTION');
  try {
    await work();
    await db.run('COMMIT');
  } catch (err) {
    // If COMMIT itself failed, the transaction is already gone; the original error is the one to report.
    await db.run('ROLLBACK').catch(() => undefined);
    throw err;
  }
}
