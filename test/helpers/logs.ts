// A real pino logger (src/observability/logger.ts) whose JSON lines are kept in memory, so a
// test can check what was logged.
import { createLogger, type Logger } from '../../src/observability/logger.ts';

/** A logger whose JSON lines are kept in `lines`, to check what failures log. */
export function capturingLogger(level = 'info'): { logger: Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger(level, { write: (line: string) => void lines.push(JSON.parse(line)) });
  return { logger, lines };
}
