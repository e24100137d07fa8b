/**
 * Unpredictable 16-bit query IDs (RFC 5452 §9.2) from the CSPRNG, drawn from a refilled pool so
 * the hot path does not make a syscall per ID. Zero is never used (AdGuard GHSA-xgx4 lesson:
 * some middleboxes treat ID 0 specially).
 */
import { randomFillSync } from 'node:crypto';

/** Returns a function giving a fresh random ID in 1..65535 on each call. */
export function createRandomId(poolSize = 512): () => number {
  const pool = new Uint16Array(poolSize);
  let next = poolSize;
  return () => {
    for (;;) {
      if (next >= poolSize) {
        randomFillSync(pool);
        next = 0;
      }
      const id = pool[next++]!;
      if (id !== 0) return id;
    }
  };
}
