/**
 * Stable error codes. Callers branch on `code`, never on the message text.
 * The `(string & {})` arm keeps the union open for modules that add their own codes
 * while still offering completion for the well-known ones.
 */
export type ErrorCode =
  | 'CONFIG_INVALID'
  | 'PORT_DENIED'
  | 'PORT_IN_USE'
  | 'UPSTREAM_FAILED'
  | 'CIDR_INVALID'
  | (string & {});

/**
 * The one application error: a stable machine-readable `code`, a human message and the
 * underlying `cause` (the standard `Error.cause`, set only when given).
 */
export class AppError extends Error {
  /** Stable identifier such as `'CONFIG_INVALID'`; safe to match on. */
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    // `cause` is passed to Error itself (ES2022) rather than redeclared here: a class field
    // would be re-initialised to undefined after super() under useDefineForClassFields.
    super(message, options && 'cause' in options ? { cause: options.cause } : undefined);
    this.name = new.target.name;
    this.code = code;
  }
}

/** True when `err` is an {@link AppError}, optionally with the given code. */
export function isAppError(err: unknown, code?: ErrorCode): err is AppError {
  return err instanceof AppError && (code === undefined || err.code === code);
}
