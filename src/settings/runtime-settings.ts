/**
 * Settings parents change from the admin page, stored in config.db (`settings`) and applied by
 * the running server without a restart. Each one, when unset, falls back to the boot
 * configuration (env / file): the admin page can override VIGIE_BLOCK_MODE and VIGIE_UPSTREAMS,
 * and set the retention of the blocked-attempt log. Read back through zod; a bad stored value
 * is ignored (the boot value applies), never a crash.
 */
import type Database from 'better-sqlite3';
import { z } from 'zod';
import { formatUpstream, parseUpstream, type Upstream } from '../config-upstream.js';
import type { Config } from '../config.js';
import { AppError } from '../errors.js';
import type { BlockMode } from '../resolver/answers.js';

/** Defaults of the settings that have no boot configuration. */
export const DEFAULT_RETENTION_DAYS = 90;
export const BLOCK_MODES = ['null', 'nxdomain', 'refused'] as const;

/** What applies now: stored values over the boot configuration. */
export interface RuntimeSettings {
  readonly blockMode: BlockMode;
  readonly upstreams: readonly Upstream[];
  /** Days blocked attempts are kept (the weekly report needs at least 14). */
  readonly retentionDays: number;
}

/** A parent's change; null resets a setting to the boot configuration / default. */
export interface RuntimeSettingsPatch {
  readonly blockMode?: BlockMode | null;
  /** Upstreams as text (`udp://1.2.3.4:53`, `9.9.9.9`, `[2001:db8::1]:53` …). */
  readonly upstreams?: readonly string[] | null;
  readonly retentionDays?: number | null;
}

/** zod schema of a patch, for the API and forms (errors name the field). */
export const runtimeSettingsPatchSchema = z.strictObject({
  blockMode: z.enum(BLOCK_MODES).nullable().optional(),
  upstreams: z.array(z.string().trim().min(1)).min(1, { error: 'needs at least one upstream' }).max(8).nullable().optional()
    .superRefine((list, ctx) => {
      for (const [i, text] of (list ?? []).entries()) {
        const parsed = parseUpstream(text);
        if (!parsed.ok) ctx.addIssue({ code: 'custom', path: [i], message: parsed.error });
      }
    }),
  retentionDays: z.number().int().min(14, { error: 'keep at least 14 days (the weekly report compares two weeks)' }).max(730).nullable().optional(),
});

const KEYS = { blockMode: 'block_mode', upstreams: 'upstreams', retentionDays: 'retention_days' } as const;

export interface RuntimeSettingsStore {
  /** The settings in force (stored over `config`). */
  current(): RuntimeSettings;
  /** Only what a parent set (null = follows the boot configuration). */
  stored(): { blockMode: BlockMode | null; upstreams: string[] | null; retentionDays: number | null };
  /** Validates and stores; throws AppError('VALIDATION') with the first problem. */
  update(patch: RuntimeSettingsPatch): RuntimeSettings;
}

/** Creates the store over an open, migrated config.db and the boot configuration. */
export function createRuntimeSettingsStore(deps: { db: Database.Database; config: Pick<Config, 'blockMode' | 'upstreams'> }): RuntimeSettingsStore {
  const { db, config } = deps;
  const read = (key: string): unknown => {
    const row = db.prepare('SELECT value FROM settings WHERE key = ?').get(key) as { value?: unknown } | undefined;
    if (typeof row?.value !== 'string') return null;
    try {
      return JSON.parse(row.value) as unknown;
    } catch {
      return null;
    }
  };
  const write = (key: string, value: unknown): void => {
    if (value === null) db.prepare('DELETE FROM settings WHERE key = ?').run(key);
    else db.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(key, JSON.stringify(value));
  };
  const stored = (): ReturnType<RuntimeSettingsStore['stored']> => {
    const mode = z.enum(BLOCK_MODES).safeParse(read(KEYS.blockMode));
    const ups = z.array(z.string()).min(1).safeParse(read(KEYS.upstreams));
    const upsOk = ups.success && ups.data.every((t) => parseUpstream(t).ok);
    const days = z.number().int().min(14).max(730).safeParse(read(KEYS.retentionDays));
    return { blockMode: mode.success ? mode.data : null, upstreams: upsOk && ups.success ? ups.data : null, retentionDays: days.success ? days.data : null };
  };
  const current = (): RuntimeSettings => {
    const s = stored();
    return {
      blockMode: s.blockMode ?? config.blockMode,
      upstreams: s.upstreams ? s.upstreams.map((t) => (parseUpstream(t) as { ok: true; value: Upstream }).value) : config.upstreams,
      retentionDays: s.retentionDays ?? DEFAULT_RETENTION_DAYS,
    };
  };
  return {
    current,
    stored,
    update(patch) {
      const parsed = runtimeSettingsPatchSchema.safeParse(patch);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw new AppError('VALIDATION', `${issue?.path.join('.') ?? 'settings'}: ${issue?.message ?? 'invalid'}`, { cause: parsed.error });
      }
      const p = parsed.data;
      db.transaction(() => {
        if (p.blockMode !== undefined) write(KEYS.blockMode, p.blockMode);
        if (p.upstreams !== undefined) write(KEYS.upstreams, p.upstreams === null ? null : p.upstreams.map((t) => formatUpstream((parseUpstream(t) as { ok: true; value: Upstream }).value)));
        if (p.retentionDays !== undefined) write(KEYS.retentionDays, p.retentionDays);
      })();
      return current();
    },
  };
}
