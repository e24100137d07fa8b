/**
 * The admin password: hashed with scrypt (RFC 7914) and a random 16-byte salt, stored as
 * `scrypt$N$r$p$salt$hash` (salt and hash in base64url) so the cost can be raised later without
 * invalidating stored hashes. Verification recomputes with the stored parameters and compares in
 * constant time. There is no default password: a parent chooses one at setup.
 */
import { randomBytes, scrypt as scryptCallback, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/** Shortest password accepted. */
export const MIN_PASSWORD_LENGTH = 10;

/** Default scrypt cost: N=2^15, r=8, p=1 (about 32 MiB and ~100 ms per hash). */
export const DEFAULT_SCRYPT = { N: 2 ** 15, r: 8, p: 1 } as const;

/** scrypt parameters as stored in an encoded hash. */
export interface ScryptParams {
  readonly N: number;
  readonly r: number;
  readonly p: number;
}

const KEY_LENGTH = 32;
// Upper bounds on stored parameters: a tampered hash must not make verification hog memory/CPU.
const MAX_N = 2 ** 20;
const MAX_R = 32;
const MAX_P = 16;

// The most common passwords of 10 characters or more (shorter ones fail the length rule anyway),
// English and French, compared lowercase.
const COMMON_PASSWORDS: ReadonlySet<string> = new Set([
  '1234567890', '0123456789', '1111111111', '0000000000', '123456789a', 'a123456789', '1234567891',
  'qwertyuiop', 'azertyuiop', '1q2w3e4r5t', 'password12', 'password123', 'password1234', 'motdepasse',
  'motdepasse1', 'qwerty1234', 'azerty1234', 'iloveyou12', 'administrator', '123123123123',
]);

function scrypt(password: string, salt: Buffer, params: ScryptParams): Promise<Buffer> {
  const options: ScryptOptions = { N: params.N, r: params.r, p: params.p, maxmem: 256 * params.N * params.r };
  return new Promise((resolve, reject) => {
    scryptCallback(password.normalize('NFC'), salt, KEY_LENGTH, options, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

/** Why a new password is refused, or null when it is acceptable. */
export type PasswordProblem = 'TOO_SHORT' | 'TOO_COMMON' | null;

/** Checks a new password: at least {@link MIN_PASSWORD_LENGTH} characters and not a common one. */
export function checkNewPassword(password: string): PasswordProblem {
  if ([...password].length < MIN_PASSWORD_LENGTH) return 'TOO_SHORT';
  if (COMMON_PASSWORDS.has(password.toLowerCase())) return 'TOO_COMMON';
  if (/^(.)\1+$/u.test(password)) return 'TOO_COMMON';
  return null;
}

/** Hashes `password` with a fresh salt; `params` only to make tests faster (never lower in production). */
export async function hashPassword(password: string, params: ScryptParams = DEFAULT_SCRYPT): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(password, salt, params);
  return `scrypt$${params.N}$${params.r}$${params.p}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

// scrypt needs 128·N·r bytes: the default takes 32 MiB; a hash asking for more than 256 MiB (a
// Raspberry Pi has 1 GiB) is refused like a malformed one.
const MAX_MEMORY_BYTES = 256 * 1024 * 1024;

type Decoded = { params: ScryptParams; salt: Buffer; key: Buffer };

function decode(encoded: string): Decoded | string {
  const parts = encoded.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return 'not of the form scrypt$N$r$p$salt$hash';
  const [N, r, p] = parts.slice(1, 4).map((x) => (/^\d{1,8}$/.test(x ?? '') ? Number(x) : NaN)) as [number, number, number];
  if (!(N >= 2 && (N & (N - 1)) === 0)) return `scrypt N=${parts[1]} is not a power of two`;
  if (N > MAX_N) return `scrypt N=${N} is above the largest this Vigie accepts (${MAX_N})`;
  if (!(r >= 1 && r <= MAX_R)) return `scrypt r=${parts[2]} is outside 1..${MAX_R}`;
  if (!(p >= 1 && p <= MAX_P)) return `scrypt p=${parts[3]} is outside 1..${MAX_P}`;
  if (128 * N * r > MAX_MEMORY_BYTES) return `scrypt N=${N} r=${r} needs more than ${MAX_MEMORY_BYTES / 1024 / 1024} MiB`;
  const salt = Buffer.from(parts[4] ?? '', 'base64url');
  const key = Buffer.from(parts[5] ?? '', 'base64url');
  if (salt.length < 8) return 'the salt is shorter than 8 bytes';
  if (key.length !== KEY_LENGTH) return `the hash is not ${KEY_LENGTH} bytes long`;
  return { params: { N, r, p }, salt, key };
}

/**
 * Why an encoded hash can never verify any password (malformed, or a cost above this code's
 * limits), or null when it is usable. Checked before storing one (restore) and before checking.
 */
export function passwordHashProblem(encoded: string): string | null {
  const decoded = decode(encoded);
  return typeof decoded === 'string' ? decoded : null;
}

/** True when `password` matches the encoded hash; false for a wrong password or a malformed hash. */
export async function verifyPassword(password: string, encoded: string): Promise<boolean> {
  const decoded = decode(encoded);
  if (typeof decoded === 'string') return false;
  try {
    return timingSafeEqual(await scrypt(password, decoded.salt, decoded.params), decoded.key);
  } catch {
    return false; // e.g. out of memory: a hash that cannot be computed matches nothing
  }
}
