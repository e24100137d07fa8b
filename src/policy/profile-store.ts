/**
 * Profiles in config.db: the four built-in presets and the parents' own, each with its category
 * choices, SafeSearch flag and its own allow/block entries; plus which profile unknown devices
 * get. Every row is read back through zod; names of rules are normalized (IDN → punycode).
 */
import type Database from 'better-sqlite3';
import { z } from 'zod';
import { normalizeRuleName } from '../blocklists/custom-rules.js';
import { AppError } from '../errors.js';
import type { Clock } from '../resolver/types.js';
import { DEFAULT_PROFILE_ID, PRESETS, profileIdSchema, type Preset, type Profile, type ProfileRule } from './model.js';

const categoriesSchema = z.record(z.string().regex(/^[a-z0-9-]+$/), z.boolean());

/** A JSON text column holding an object of id → boolean. */
const choicesColumn = (what: string) => z.string().transform((text, ctx) => {
  try {
    return categoriesSchema.parse(JSON.parse(text));
  } catch {
    ctx.addIssue({ code: 'custom', message: `${what} is not a JSON object of booleans` });
    return z.NEVER;
  }
});

const profileRow = z.object({
  id: z.string(),
  name: z.string(),
  base: z.enum(PRESETS),
  categories: choicesColumn('categories'),
  services: choicesColumn('services'),
  safe_search: z.union([z.literal(0), z.literal(1)]),
  built_in: z.union([z.literal(0), z.literal(1)]),
});

const ruleRow = z.object({
  profile_id: z.string(),
  name: z.string().min(1),
  kind: z.enum(['allow', 'block']),
  subdomains: z.union([z.literal(0), z.literal(1)]),
});

/** What a parent may change on a profile. */
export interface ProfilePatch {
  readonly name?: string;
  readonly safeSearch?: boolean;
  /** category → blocked; null removes the explicit choice (back to the base preset's default). */
  readonly categories?: Readonly<Record<string, boolean | null>>;
  /** catalog service id → blocked (true) or allowed (false); null removes the explicit choice. */
  readonly services?: Readonly<Record<string, boolean | null>>;
}

export interface ProfileStore {
  list(): Profile[];
  get(id: string): Profile | null;
  /** Creates a profile copying `from` (a profile id; default: the base preset's profile). */
  create(input: { id: string; name: string; base?: Preset; from?: string }): Profile;
  update(id: string, patch: ProfilePatch): Profile;
  /** Removes a parent-made profile (its devices fall back to the default profile). */
  remove(id: string): void;
  rules(profileId?: string): ProfileRule[];
  addRule(rule: { profileId: string; name: string; kind: 'allow' | 'block'; subdomains: boolean }): ProfileRule;
  removeRule(profileId: string, name: string, kind?: 'allow' | 'block'): number;
  defaultProfileId(): string;
  setDefaultProfileId(id: string): void;
}

function toProfile(row: unknown): Profile {
  const r = profileRow.parse(row);
  return { id: r.id, name: r.name, base: r.base, categories: r.categories, services: r.services, safeSearch: r.safe_search === 1, builtIn: r.built_in === 1 };
}

/** `current` with `patch` applied (null removes a choice); ids are checked for shape only. */
function applyChoices(current: Readonly<Record<string, boolean>>, patch: Readonly<Record<string, boolean | null>> | undefined, what: string): Record<string, boolean> {
  const next: Record<string, boolean> = { ...current };
  for (const [id, value] of Object.entries(patch ?? {})) {
    if (!/^[a-z0-9-]+$/.test(id)) throw new AppError('VALIDATION', `'${id}' is not a ${what} id`);
    if (value === null) delete next[id];
    else next[id] = value;
  }
  return next;
}

function notFound(id: string): AppError {
  return new AppError('NOT_FOUND', `no profile '${id}'`);
}

/** Checks a profile id typed by a parent; throws AppError('VALIDATION'). */
export function checkProfileId(id: string): string {
  const parsed = profileIdSchema.safeParse(id);
  if (!parsed.success) throw new AppError('VALIDATION', `profile id '${id}' ${parsed.error.issues[0]?.message ?? 'is invalid'}`);
  return parsed.data;
}

function checkName(name: string): string {
  const trimmed = name.trim();
  if (trimmed.length === 0 || trimmed.length > 60) throw new AppError('VALIDATION', 'a profile name needs 1 to 60 characters');
  return trimmed;
}

/** Creates the store over an open, migrated config.db. */
export function createProfileStore(deps: { db: Database.Database; clock?: Clock }): ProfileStore {
  const { db } = deps;
  const clock = deps.clock ?? Date.now;
  const selectAll = db.prepare('SELECT * FROM profiles ORDER BY built_in DESC, created_at, id');
  const selectOne = db.prepare('SELECT * FROM profiles WHERE id = ?');
  const insert = db.prepare('INSERT INTO profiles (id, name, base, categories, services, safe_search, built_in, created_at) VALUES (?, ?, ?, ?, ?, ?, 0, ?)');
  const updateRow = db.prepare('UPDATE profiles SET name = ?, categories = ?, services = ?, safe_search = ? WHERE id = ?');
  const insertRule = db.prepare('INSERT INTO profile_rules (profile_id, name, kind, subdomains) VALUES (?, ?, ?, ?) ON CONFLICT (profile_id, name, kind) DO UPDATE SET subdomains = excluded.subdomains');
  const getSetting = db.prepare("SELECT value FROM settings WHERE key = 'default_profile'");
  const setSetting = db.prepare("INSERT INTO settings (key, value) VALUES ('default_profile', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value");

  const get = (id: string): Profile | null => {
    const row = selectOne.get(id);
    return row === undefined ? null : toProfile(row);
  };
  const must = (id: string): Profile => get(id) ?? (() => { throw notFound(id); })();
  const rules = (profileId?: string): ProfileRule[] => {
    const rows = profileId === undefined
      ? db.prepare('SELECT * FROM profile_rules ORDER BY profile_id, kind, name').all()
      : db.prepare('SELECT * FROM profile_rules WHERE profile_id = ? ORDER BY kind, name').all(profileId);
    return rows.map((row) => {
      const r = ruleRow.parse(row);
      return { profileId: r.profile_id, name: r.name, kind: r.kind, subdomains: r.subdomains === 1 };
    });
  };

  const defaultProfileId = (): string => {
    const row = getSetting.get() as { value?: unknown } | undefined;
    const id = typeof row?.value === 'string' ? row.value : DEFAULT_PROFILE_ID;
    return get(id) ? id : DEFAULT_PROFILE_ID;
  };
  return {
    list: () => selectAll.all().map(toProfile),
    get,
    create(input) {
      const id = checkProfileId(input.id);
      if (get(id)) throw new AppError('CONFLICT', `a profile '${id}' already exists`);
      const from = must(input.from ?? input.base ?? DEFAULT_PROFILE_ID);
      const base = input.base ?? from.base;
      db.transaction(() => {
        insert.run(id, checkName(input.name), base, JSON.stringify(from.categories), JSON.stringify(from.services), from.safeSearch ? 1 : 0, clock());
        for (const rule of rules(from.id)) insertRule.run(id, rule.name, rule.kind, rule.subdomains ? 1 : 0);
      })();
      return must(id);
    },
    update(id, patch) {
      const current = must(id);
      const categories = applyChoices(current.categories, patch.categories, 'category');
      const services = applyChoices(current.services, patch.services, 'service');
      const name = patch.name === undefined ? current.name : checkName(patch.name);
      updateRow.run(name, JSON.stringify(categories), JSON.stringify(services), (patch.safeSearch ?? current.safeSearch) ? 1 : 0, id);
      return must(id);
    },
    remove(id) {
      const profile = must(id);
      if (profile.builtIn) throw new AppError('VALIDATION', `'${id}' is a built-in profile: it can be edited, not removed`);
      if (defaultProfileId() === id) throw new AppError('VALIDATION', `'${id}' is the profile of unknown devices; choose another default first`);
      db.prepare('DELETE FROM profiles WHERE id = ?').run(id);
    },
    rules,
    addRule(rule) {
      must(rule.profileId);
      const name = normalizeRuleName(rule.name);
      insertRule.run(rule.profileId, name, rule.kind, rule.subdomains ? 1 : 0);
      return { profileId: rule.profileId, name, kind: rule.kind, subdomains: rule.subdomains };
    },
    removeRule(profileId, name, kind) {
      const normalized = normalizeRuleName(name);
      const stmt = kind
        ? db.prepare('DELETE FROM profile_rules WHERE profile_id = ? AND name = ? AND kind = ?').run(profileId, normalized, kind)
        : db.prepare('DELETE FROM profile_rules WHERE profile_id = ? AND name = ?').run(profileId, normalized);
      return stmt.changes;
    },
    defaultProfileId,
    setDefaultProfileId(id) {
      must(id);
      setSetting.run(id);
    },
  };
}
