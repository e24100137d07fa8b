/**
 * The one-time setup code: with no password set, nobody on the network may choose one unless
 * they can read Vigie's log (the machine's owner). main.ts generates the code at start, prints
 * it, and the /setup page requires it; it is consumed once the password is set. 10 characters
 * from an alphabet without look-alikes (no 0/O, 1/I/L): 31^10 ≈ 8×10^14 possibilities, behind the
 * login limiter. It is also kept in the data folder (SETUP_CODE_FILE, mode 0600, readable by the
 * service's user and root only), so `sudo vigie setup-code` can print it without the log.
 */
import { randomInt } from 'node:crypto';
import { openSync, readFileSync, renameSync, rmSync, writeSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { safeEqual } from './secret-hash.js';

/** Letters and digits that cannot be mistaken for one another (no 0/O, 1/I/L). */
export const SETUP_CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
/** Characters in a setup code. */
export const SETUP_CODE_LENGTH = 10;

/** A new random code, e.g. `K7RM2XQ9TB`. */
export function generateSetupCode(random: (max: number) => number = randomInt): string {
  let code = '';
  for (let i = 0; i < SETUP_CODE_LENGTH; i++) code += SETUP_CODE_ALPHABET[random(SETUP_CODE_ALPHABET.length)];
  return code;
}

/** The code as people type it back: case, spaces and dashes do not matter. */
export function normalizeSetupCode(input: string): string {
  return input.toUpperCase().replace(/[\s-]/g, '');
}

/** The code in two groups for the log (`K7RM2-XQ9TB`), easier to copy by hand. */
export function formatSetupCode(code: string): string {
  return `${code.slice(0, 5)}-${code.slice(5)}`;
}

/** The code the running app accepts, until consumed. */
export interface SetupCodeHolder {
  /** True while a code can be used. */
  readonly active: boolean;
  /** Constant-time comparison of what a person typed with the code (false once consumed). */
  matches(input: string): boolean;
  /** Ends the code (the password is set). */
  consume(): void;
}

/** Holds `code` (null: no code, e.g. a password already exists). */
export function createSetupCodeHolder(code: string | null): SetupCodeHolder {
  let current = code;
  return {
    get active() {
      return current !== null;
    },
    matches(input) {
      if (current === null || input.length > 100) return false;
      return safeEqual(normalizeSetupCode(input), current);
    },
    consume() {
      current = null;
    },
  };
}

/** The file in the data folder holding the current code (removed once a password exists). */
export const SETUP_CODE_FILE = 'setup-code';

/** Writes `code` to the data folder's setup-code file, mode 0600 from its creation on. */
export function saveSetupCode(dataDir: string, code: string): void {
  const file = join(dataDir, SETUP_CODE_FILE);
  const tmp = `${file}.tmp-${process.pid}`;
  rmSync(tmp, { force: true });
  const fd = openSync(tmp, 'wx', 0o600);
  try {
    writeSync(fd, `${formatSetupCode(code)}\n`);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
}

/** Removes the setup-code file (no error when it is absent). */
export function removeSetupCode(dataDir: string): void {
  rmSync(join(dataDir, SETUP_CODE_FILE), { force: true });
}

/**
 * The code in the data folder's setup-code file, formatted (`K7RM2-XQ9TB`); null when there is
 * none or it does not look like a code (a damaged file is never printed as one).
 */
export function readSetupCode(dataDir: string): string | null {
  let text: string;
  try {
    text = readFileSync(join(dataDir, SETUP_CODE_FILE), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  const code = normalizeSetupCode(text.trim());
  const valid = code.length === SETUP_CODE_LENGTH && [...code].every((c) => SETUP_CODE_ALPHABET.includes(c));
  return valid ? formatSetupCode(code) : null;
}
