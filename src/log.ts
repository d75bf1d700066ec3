import pino from 'pino';

/** pino to stderr only: stdout belongs to the stdio protocol. */
export function createLogger(level: string = process.env.TASKLANE_LOG_LEVEL ?? 'info') {
  return pino({ level, base: { pid: process.pid } }, pino.destination(2));
}

export type Logger = pino.Logger;
