// Rule states in the embedded store: a log, appended a commit at a time, whose newest row per key is
// the state. Upserting a keyed table instead (a delete and an insert against its index for every
// row, each value bound through a list) cost ~29 µs a state replaying the bench's commits, more than
// a reading's whole row; appended they cost ~8 µs. Rows a newer one has superseded are deleted (compaction) once
// the log has grown by COMPACT_AFTER rows and at least doubled since the last compaction or the open,
// in the commit that finds so: the deleting is paid once for as many rows as it scans.
import type { DuckDBAppender, DuckDBConnection } from '@duckdb/node-api';
import { transaction } from './duckdb-transaction.ts';
import { count } from './duckdb-values.ts';
import { json, lastByKey } from './rows.ts';
import type { StateRow } from './store.ts';

/** `n` numbers the commit that wrote the row: a key's row with the highest is its state. */
export const STATES_SCHEMA = 'CREATE TABLE IF NOT EXISTS rule_state_log (key VARCHAR, rule_hash VARCHAR, state JSON, n BIGINT);';

/** Each key's newest state, by key. */
export const LATEST_STATES = 'SELECT key, rule_hash, state FROM rule_state_log QUALIFY row_number() OVER (PARTITION BY key ORDER BY n DESC) = 1 ORDER BY key';

/** Rows appended before a compaction is worth its scan of the log. */
const COMPACT_AFTER = 10_000;

export class StateLog {
  /** Rows appended since the last compaction or the open, counting those of commits that then failed. */
  private grown = 0;

  private constructor(
    private readonly appender: DuckDBAppender,
    /** The number of the last commit that wrote states. */
    private last: number,
    /** Rows the last compaction (or the open) found. */
    private rows: number,
  ) {}

  /**
   * The log of the file `db` writes, moving the keyed table of files from before it (table
   * rule_state) over first, as commit 0. `appender` appends to rule_state_log.
   */
  static async open(db: DuckDBConnection, appender: DuckDBAppender): Promise<StateLog> {
    const old = await count(db, "SELECT count(*) AS n FROM information_schema.tables WHERE table_name = 'rule_state' AND table_type = 'BASE TABLE'");
    if (old > 0) {
      await transaction(db, async () => {
        await db.run('INSERT INTO rule_state_log SELECT key, rule_hash, state, 0 FROM rule_state ORDER BY key');
        await db.run('DROP TABLE rule_state');
      });
    }
    const last = await count(db, 'SELECT coalesce(max(n), 0) AS n FROM rule_state_log');
    return new StateLog(appender, last, await count(db, 'SELECT count(*) AS n FROM rule_state_log'));
  }

  /**
   * Appends the states of one commit (the last of a repeated key wins) to the appender, numbered
   * after every commit before; the caller flushes them into its transaction.
   */
  append(states: readonly StateRow[]): void {
    const n = BigInt(++this.last);
    const newest = lastByKey(states, (s) => s.key);
    for (const s of newest) {
      this.appender.appendVarchar(s.key);
      this.appender.appendVarchar(s.ruleHash);
      this.appender.appendVarchar(json(s.state));
      this.appender.appendBigInt(n);
      this.appender.endRow();
    }
    this.grown += newest.length;
  }

  /** In the commit's transaction, after its states: deletes superseded rows once they are due. */
  async compact(db: DuckDBConnection): Promise<void> {
    if (this.grown < Math.max(COMPACT_AFTER, this.rows)) return;
    await db.run(`DELETE FROM rule_state_log r USING (SELECT key, max(n) AS n FROM rule_state_log GROUP BY key) newest
      WHERE r.key = newest.key AND r.n < newest.n`);
    // Counted within the commit: should it fail, the count is off until the next compaction, which only moves that earlier.
    this.rows = await count(db, 'SELECT count(*) AS n FROM rule_state_log');
    this.grown = 0;
  }
}
