/**
 * Every `/api/` route documents itself in its route config (`config: { doc }`): a summary and the
 * zod schemas of its body and query. docs/api.md is generated from the registered routes and a
 * test keeps it in step (regenerate: UPDATE_API_DOCS=1 npx vitest run tests/admin/api-docs.test.ts).
 */
import type { z } from 'zod';

/** What a route says about itself. */
export interface ApiDoc {
  /** One line: what it does, for people. */
  readonly summary: string;
  readonly body?: z.ZodType;
  readonly query?: z.ZodType;
  /** What a success returns, in words (e.g. "the device", "204, no body"). */
  readonly returns: string;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Required on every /api/ route (checked by tests/admin/api-docs.test.ts). */
    doc?: ApiDoc;
  }
}
