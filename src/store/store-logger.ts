/**
 * The slice of a logger the store needs. A pino `Logger` (or a child of the root) satisfies it;
 * tests pass a recording fake. The store never logs per query.
 */
export interface StoreLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/** A logger that discards everything: the default when none is injected. */
export const silentStoreLogger: StoreLogger = {
  info() {},
  warn() {},
  error() {},
};
