// Warnings in the embedded store: appended, with no key. A primary key on the id (so that a warning
// stored twice is kept once) made each warning dearer to append as the table grew (~34 µs against
// ~24 µs with 40,000 in the table: an index insert and check per row, the index in the log and the
// checkpoint) and held an index of every warning ever in memory. Instead a read takes each id's first
// row (by `ins`): the engine's transactions never store an id twice, and a batch committed again by
// hand leaves a second row that no read returns. The event is VARCHAR holding its JSON: a JSON column
// checked each one again on insert, and made the file twice the size.
// `ins` records insertion order, which rowid does not promise once rows are ever deleted; it is
// numbered here, counting on from the file's highest (an appender cannot fill a sequence default),
// and the numbers a failed commit took are a gap, no harm to order.
import type { DuckDBAppender, DuckDBConnection } from '@duckdb/node-api';
import type { WarningEvent } from '../warning.ts';
import { appendText, count, timestamp } from './duckdb-values.ts';
import { transaction } from './duckdb-transaction.ts';

export const WARNINGS_SCHEMA = `CREATE TABLE IF NOT EXISTS warnings (
  id VARCHAR, kind VARCHAR, rule_id VARCHAR, rule_hash VARCHAR, domain VARCHAR, entity VARCHAR,
  tier VARCHAR, previous_tier VARCHAR, "at" TIMESTAMP, issued_at TIMESTAMP, summary VARCHAR, event VARCHAR,
  ins BIGINT);`;

/** Events as stored, each id once (its first row), with `filter` (a WHERE clause or nothing) applied; by time, then insertion. */
export const warningsQuery = (filter: string): string =>
  // Rows of one id agree on everything filtered on (the id is a hash of rule, entity, kind, tier and time), so filtering first keeps the same rows.
  `SELECT event FROM warnings ${filter} QUALIFY row_number() OVER (PARTITION BY id ORDER BY ins) = 1 ORDER BY "at", ins`;

export class WarningLog {
  private constructor(
    /** Appends to the warnings table; the store flushes it into each commit's transaction. */
    readonly appender: DuckDBAppender,
    /** The highest `ins` handed out. */
    private last: number,
  ) {}

  /**
   * The warnings of the file `db` writes (after WARNINGS_SCHEMA), with an appender of its own. A
   * file from before has a keyed table with a JSON column: its rows move to the appended table, in order.
   */
  static async open(db: DuckDBConnection): Promise<WarningLog> {
    const keyed = await count(db, "SELECT count(*) AS n FROM duckdb_constraints() WHERE table_name = 'warnings' AND constraint_type = 'PRIMARY KEY'");
    if (keyed > 0) {
      await transaction(db, async () => {
        await db.run('ALTER TABLE warnings RENAME TO warnings_keyed');
        await db.run(WARNINGS_SCHEMA);
        await db.run('INSERT INTO warnings SELECT * FROM warnings_keyed ORDER BY ins');
        await db.run('DROP TABLE warnings_keyed');
      });
    }
    return new WarningLog(await db.createAppender('warnings'), await count(db, 'SELECT coalesce(max(ins), 0) AS n FROM warnings'));
  }

  /** Appends a row per event to the appender; the caller flushes them into its transaction. */
  append(events: readonly WarningEvent[]): void {
    const a = this.appender;
    for (const e of events) {
      a.appendVarchar(e.id);
      a.appendVarchar(e.kind);
      a.appendVarchar(e.rule.id);
      a.appendVarchar(e.rule.hash);
      a.appendVarchar(e.domain);
      a.appendVarchar(e.entity);
      appendText(a, e.tier);
      appendText(a, e.previousTier);
      a.appendTimestamp(timestamp(e.at));
      a.appendTimestamp(timestamp(e.issuedAt));
      a.appendVarchar(e.summary);
      a.appendVarchar(JSON.stringify(e));
      a.appendBigInt(BigInt(++this.last));
      a.endRow();
    }
  }
}
