/** Thrown by forward when no upstream gave a usable answer in time; cache may turn it into stale. */
import { AppError, isAppError } from '../errors.js';

export class UpstreamError extends AppError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('UPSTREAM_FAILED', message, options);
  }
}

/** Type guard for UpstreamError. */
export function isUpstreamError(err: unknown): err is UpstreamError {
  return isAppError(err, 'UPSTREAM_FAILED');
}
