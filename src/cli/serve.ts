/** `vigie serve`: load the config, start everything, stop cleanly on SIGINT/SIGTERM. */
import { parseArgs } from 'node:util';
import { loadConfig } from '../config.js';
import { chooseLogFormat, createLogger } from '../log.js';
import { startVigie, type RunningVigie } from '../main.js';

/** Runs until a signal; resolves -1 (exit code already handled) or rejects on a start failure. */
export async function runServe(args: string[]): Promise<number> {
  parseArgs({ args, options: {}, allowPositionals: false });
  const config = loadConfig();
  const logger = createLogger(config.logLevel, undefined, chooseLogFormat(config.logFormat, process.stdout.isTTY === true));
  let vigie: RunningVigie | null = null;
  let signalled: string | null = null;
  const stop = (): void => {
    logger.info({ signal: signalled }, 'stopping');
    vigie!.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'stop failed');
        process.exit(1);
      },
    );
  };
  // Handlers first: DNS answers before the admin page is up, and a signal in between must still
  // stop cleanly (flushing the blocked-attempt log) once starting is done.
  const onSignal = (signal: string): void => {
    if (signalled !== null) return;
    signalled = signal;
    if (vigie !== null) stop();
  };
  process.on('SIGINT', () => onSignal('SIGINT'));
  process.on('SIGTERM', () => onSignal('SIGTERM'));
  vigie = await startVigie(config, { logger });
  if (signalled !== null) stop();
  return -1;
}
