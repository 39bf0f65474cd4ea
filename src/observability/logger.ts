// JSON logs (pino). Credentials never reach a log line: known secret-bearing keys are
// redacted wherever they appear in a logged object.
import { pino, type Logger } from 'pino';

export type { Logger } from 'pino';

const REDACT = [
  'kubeconfig',
  '*.kubeconfig',
  '*.*.kubeconfig',
  'authorization',
  '*.authorization',
  '*.headers.authorization',
  'token',
  '*.token',
  'password',
  '*.password',
  'secret',
  '*.secret',
];

export function createLogger(level = 'info', destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'operator-manager' },
      redact: { paths: REDACT, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    destination,
  );
}
