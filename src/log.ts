/** The one pino root logger; modules take a child (`logger.child({ module })`). */
import pino, { type Logger } from 'pino';

export type { Logger };

/** Creates the root logger writing JSON lines to `destination` (stdout by default). */
export function createLogger(level: string, destination: pino.DestinationStream = pino.destination(1)): Logger {
  return pino({ level, base: { app: 'vigie' }, timestamp: pino.stdTimeFunctions.isoTime }, destination);
}
