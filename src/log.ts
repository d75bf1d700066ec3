import pino from 'pino';

/** pino to stderr only: stdout belongs to the stdio protocol. */
export function createLogger(level: string = process.env.TASKLANE_LOG_LEVEL ?? 'info') {
  return pino({ level, base: { pid: process.pid } }, pino.destination(2));
}

/**
 * For one-shot commands, which speak to people: warnings and errors only, as short lines
 * (`tasklane: warning: …`); TASKLANE_LOG_FORMAT=json keeps pino's JSON lines.
 */
export function createCliLogger() {
  if (process.env.TASKLANE_LOG_FORMAT === 'json') return createLogger(process.env.TASKLANE_LOG_LEVEL ?? 'warn');
  const human = {
    write(line: string) {
      const entry = JSON.parse(line) as { level: number; msg: string };
      process.stderr.write(`tasklane: ${entry.level >= 50 ? 'error' : 'warning'}: ${entry.msg}\n`);
    },
  };
  return pino({ level: 'warn' }, human);
}

export type Logger = pino.Logger;
