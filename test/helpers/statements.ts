// Counting the SQL statements the embedded database runs (tests and benchmarks). The database's
// thread counts every statement it starts (a Parse or simple Query message) and the time it
// spends on them (src/persistence/embedded.ts); a counter reads the totals of every embedded
// database of this process from the moment it was made.
import { collectStatementTexts, embeddedStatementTotals, takeStatementTexts } from '../../src/persistence/embedded.ts';

export interface StatementCounter {
  /** Statements started since the counter was made, BEGIN and COMMIT included. */
  readonly statements: number;
  /** The database's own time on them, ms. */
  readonly ms: number;
  /**
   * Per statement text (first 140 characters) since the last call: how many started and the
   * time spent on them. Only for databases opened after a counter made with `byText`.
   */
  takeTexts(): Promise<Map<string, { count: number; ms: number }>>;
}

/** Starts counting every statement of every embedded database in this process. */
export function countStatements(options: { byText?: boolean } = {}): StatementCounter {
  if (options.byText) collectStatementTexts(true);
  const start = embeddedStatementTotals();
  return {
    get statements() {
      return embeddedStatementTotals().statements - start.statements;
    },
    get ms() {
      return embeddedStatementTotals().ms - start.ms;
    },
    takeTexts: takeStatementTexts,
  };
}
