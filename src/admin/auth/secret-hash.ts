/** Secrets (session ids, API tokens) are stored only as their SHA-256: a copy of config.db logs no one in. */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** SHA-256 of a secret, hex. */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** `bytes` random bytes as base64url (32 bytes = 256 bits by default). */
export function randomSecret(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/**
 * Compares two strings in constant time (for their length: both are hashed first, so neither
 * the content nor the length of the expected value leaks through timing).
 */
export function safeEqual(a: string, b: string): boolean {
  return timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());
}
