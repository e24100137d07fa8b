/**
 * How errors become HTTP answers, for the API (JSON) and for pages: `AppError` codes map to
 * statuses, zod errors to 400 with their issues; anything else is a 500 without internals (the
 * details go to the log only).
 */
import { ZodError } from 'zod';
import { isAppError } from '../errors.js';

/** An API error body: a stable code, a message for people, and zod issues for 400s. */
export interface ApiErrorBody {
  readonly code: string;
  readonly message: string;
  readonly issues?: ReadonlyArray<{ readonly path: ReadonlyArray<string | number>; readonly message: string }>;
}

const STATUS: Record<string, number> = {
  VALIDATION: 400,
  UNAUTHORIZED: 401,
  CSRF: 403,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  SUBSCRIPTION_NOT_FOUND: 404,
  CONFLICT: 409,
  SUBSCRIPTION_EXISTS: 409,
  LOCKED: 429,
};

/** Maps an error to a status and a body safe to send. `internal` is true for 500s (log them). */
export function toHttpError(err: unknown): { status: number; body: ApiErrorBody; internal: boolean } {
  if (err instanceof ZodError) {
    return {
      status: 400,
      body: { code: 'VALIDATION', message: 'invalid input', issues: err.issues.map((i) => ({ path: i.path.map((p) => (typeof p === 'symbol' ? String(p) : p)), message: i.message })) },
      internal: false,
    };
  }
  if (isAppError(err)) {
    const status = STATUS[err.code];
    if (status !== undefined) return { status, body: { code: err.code, message: err.message }, internal: false };
  }
  const fastifyStatus = (err as { statusCode?: unknown } | null)?.statusCode;
  if (typeof fastifyStatus === 'number' && fastifyStatus >= 400 && fastifyStatus < 500) {
    const code = fastifyStatus === 413 ? 'TOO_LARGE' : fastifyStatus === 415 ? 'UNSUPPORTED_MEDIA_TYPE' : fastifyStatus === 404 ? 'NOT_FOUND' : 'BAD_REQUEST';
    return { status: fastifyStatus, body: { code, message: (err as Error).message }, internal: false };
  }
  return { status: 500, body: { code: 'INTERNAL', message: 'internal error' }, internal: true };
}
