/**
 * Everything the admin page stores about who may use it, in config.db: the password hash
 * (`settings` key 'admin_password'), the sessions and the API tokens. Also the small functions
 * the settings page uses (change the password, manage tokens), which take the AdminContext.
 */
import type Database from 'better-sqlite3';
import type { Clock } from '../../resolver/types.js';
import { AppError } from '../../errors.js';
import type { AdminContext } from '../context.js';
import type { GateAnswer, GateRefusal } from './password-gate.js';
import { checkNewPassword, hashPassword, passwordHashProblem, verifyPassword, type PasswordProblem, type ScryptParams } from './password.js';
import { forgetRememberedDevices } from './remembered-device.js';
import { createSessionStore, type SessionStore } from './session-store.js';
import { createTokenStore, type TokenInfo, type TokenStore } from './token-store.js';

/** `settings` key of the password hash (the value is the encoded scrypt hash, not JSON). */
export const PASSWORD_SETTING = 'admin_password';

/** The password, sessions and tokens over one config.db. */
export interface AdminStore {
  /** True once a parent chose a password (setup done). */
  hasPassword(): boolean;
  /**
   * Why the stored hash can never verify (damaged, or a cost above this version's limits), or
   * null (usable, or no password). The login page says so instead of "wrong password" forever.
   */
  storedHashProblem(): string | null;
  /** True when `password` is the admin password (false when none is set). */
  checkPassword(password: string): Promise<boolean>;
  /** Validates and stores a new password; returns the problem instead when it is refused. Sessions are left alone. */
  setPassword(password: string): Promise<Exclude<PasswordProblem, null> | null>;
  /**
   * Stores an already encoded hash (restore; tests use a cheaper scrypt cost) and forgets every
   * remembered browser. @throws AppError VALIDATION for a hash that could never verify.
   */
  setPasswordHash(encoded: string): void;
  readonly sessions: SessionStore;
  readonly tokens: TokenStore;
}

/** Creates the store over an open, migrated config.db. `scrypt` only for tests (faster hashes). */
export function createAdminStore(deps: { db: Database.Database; clock: Clock; scrypt?: ScryptParams }): AdminStore {
  const { db } = deps;
  const storedHash = (): string | null => {
    const r = db.prepare('SELECT value FROM settings WHERE key = ?').get(PASSWORD_SETTING) as { value?: unknown } | undefined;
    return typeof r?.value === 'string' && r.value.startsWith('scrypt$') ? r.value : null;
  };
  const setPasswordHash = (encoded: string): void => {
    const problem = passwordHashProblem(encoded);
    if (problem !== null) throw new AppError('VALIDATION', `unusable admin password hash: ${problem}`);
    forgetRememberedDevices(db);
    db.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(PASSWORD_SETTING, encoded);
  };
  return {
    hasPassword: () => storedHash() !== null,
    storedHashProblem() {
      const encoded = storedHash();
      return encoded === null ? null : passwordHashProblem(encoded);
    },
    async checkPassword(password) {
      const encoded = storedHash();
      return encoded !== null && verifyPassword(password, encoded);
    },
    async setPassword(password) {
      const problem = checkNewPassword(password);
      if (problem !== null) return problem;
      setPasswordHash(await hashPassword(password, deps.scrypt));
      return null;
    },
    setPasswordHash,
    sessions: createSessionStore(deps),
    tokens: createTokenStore(deps),
  };
}

/** True when the admin password is set (main.ts: print a setup code when it is not). */
export function hasAdminPassword(db: Database.Database): boolean {
  return createAdminStore({ db, clock: Date.now }).hasPassword();
}

/** Why a password change was refused. */
export type ChangePasswordProblem = 'WRONG_PASSWORD' | 'TOO_SHORT' | 'TOO_COMMON' | 'DAMAGED_HASH';

/** Runs the check of the current password (the settings route passes the login gate's). */
export type CurrentPasswordCheck = (check: () => Promise<boolean>) => Promise<GateAnswer>;

const unguarded: CurrentPasswordCheck = async (check) => ((await check()) ? { outcome: 'ok' } : { outcome: 'wrong' });

/**
 * Changes the admin password (settings page): validates `next`, checks `current` (through
 * `opts.guard`, the login limiter, on the page), stores the new one and revokes every session
 * except `keepSessionId` (the parent's own, `request.auth.sessionId`), so a child who had a
 * session elsewhere is logged out; with `revokeTokens`, every API token too.
 */
export async function changePassword(
  ctx: AdminContext, current: string, next: string,
  opts: { keepSessionId?: string; revokeTokens?: boolean; guard?: CurrentPasswordCheck } = {},
): Promise<{ ok: true; tokensRevoked: number } | { ok: false; problem: ChangePasswordProblem } | { ok: false; refused: GateRefusal }> {
  const store = createAdminStore({ db: ctx.db, clock: ctx.clock });
  const problem = checkNewPassword(next);
  if (problem !== null) return { ok: false, problem };
  if (store.storedHashProblem() !== null) return { ok: false, problem: 'DAMAGED_HASH' };
  const answer = await (opts.guard ?? unguarded)(() => store.checkPassword(current));
  if (answer.outcome === 'locked' || answer.outcome === 'busy') return { ok: false, refused: answer };
  if (answer.outcome !== 'ok') return { ok: false, problem: 'WRONG_PASSWORD' };
  await store.setPassword(next);
  store.sessions.revokeAll(opts.keepSessionId);
  return { ok: true, tokensRevoked: opts.revokeTokens ? store.tokens.revokeAll() : 0 };
}

/** Every API token (no secrets), oldest first. */
export function listTokens(ctx: AdminContext): TokenInfo[] {
  return createTokenStore(ctx).list();
}

/** Creates a token; the secret is returned once. @throws AppError VALIDATION (bad name), CONFLICT (name taken) */
export function createToken(ctx: AdminContext, name: string): TokenInfo & { readonly secret: string } {
  return createTokenStore(ctx).create(name);
}

/** Revokes a token by id or name; false when there is none. */
export function revokeToken(ctx: AdminContext, ref: string): boolean {
  return createTokenStore(ctx).revoke(ref);
}

/** Logs out every browser session but `keepSessionId`; returns how many ended. */
export function revokeSessions(ctx: AdminContext, keepSessionId?: string): number {
  return createSessionStore(ctx).revokeAll(keepSessionId);
}
