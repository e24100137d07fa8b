/**
 * The backup document: a versioned JSON file holding the parents' configuration (settings,
 * profiles and their rules, schedules, devices, custom rules, subscriptions; the admin password
 * hash only when asked). Everything that comes in goes through {@link parseBackup}: a damaged or
 * hostile file is refused as a whole with a message naming the field, never half-applied.
 * Sessions, API tokens, overrides (temporary), list copies and download status are not part of it.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { normalizeDomain } from '../blocklists/normalize-domain.js';
import { subscriptionUrlSchema } from '../blocklists/subscriptions/subscription-store.js';
import { parseUpstream } from '../config-upstream.js';
import { normalizeIp } from '../devices/ip-text.js';
import { normalizeMac } from '../devices/mac-address.js';
import { AppError } from '../errors.js';
import { MAX_DEVICES } from '../policy/device-store.js';
import { MAX_ALLOWED_NAMES } from '../policy/schedule.js';
import { PRESETS, profileIdSchema, SCHEDULE_MODES, WEEKDAYS } from '../policy/model.js';
import { BLOCK_MODES } from '../settings/runtime-settings.js';

/** The `format` field of every backup. */
export const BACKUP_FORMAT = 'vigie-backup';
/** The document version this build writes and reads. */
export const BACKUP_VERSION = 1;
/** Largest backup accepted (a home's configuration is a few dozen KiB). */
export const MAX_BACKUP_BYTES = 4 * 1024 * 1024;
/**
 * Devices a backup may hold. The store keeps at most MAX_DEVICES (src/policy/device-store.ts),
 * so every export restores; the margin takes backups of databases filled before that cap, and a
 * restore past the cap is trimmed (untouched devices seen longest ago) by the running server.
 */
export const MAX_BACKUP_DEVICES = 10 * MAX_DEVICES;

const ms = z.number().int().min(0).max(8_640_000_000_000_000);
const categoryId = z.string().regex(/^[a-z0-9-]{1,100}$/, { error: 'must be a category id (lower-case letters, digits, dashes)' });
const domain = z.string().max(253).refine((s) => normalizeDomain(s) === s, { error: 'must be a domain name in lower case (IDN in punycode)' });
const ipText = z.string().max(64).refine((s) => normalizeIp(s) === s, { error: 'must be an IP address in canonical form' });
const name60 = z.string().trim().min(1, { error: 'is empty' }).max(60, { error: 'is longer than 60 characters' });

const settingsSchema = z.strictObject({
  defaultProfile: profileIdSchema,
  blockMode: z.enum(BLOCK_MODES).nullable(),
  upstreams: z.array(z.string().max(100).refine((t) => parseUpstream(t).ok, { error: 'is not an upstream such as udp://9.9.9.9:53' })).min(1).max(8).nullable(),
  retentionDays: z.number().int().min(14).max(730).nullable(),
});

const profileSchema = z.strictObject({
  id: profileIdSchema,
  name: name60,
  base: z.enum(PRESETS, { error: `must be one of the presets ${PRESETS.join(', ')}` }),
  categories: z.record(categoryId, z.boolean()).refine((o) => Object.keys(o).length <= 500, { error: 'has too many categories' }),
  // Added with config.db v5; older backups have none.
  services: z.record(categoryId, z.boolean()).refine((o) => Object.keys(o).length <= 2000, { error: 'has too many services' }).default({}),
  safeSearch: z.boolean(),
  builtIn: z.boolean(),
  createdAt: ms,
});

const profileRuleSchema = z.strictObject({ profileId: profileIdSchema, name: domain, kind: z.enum(['allow', 'block']), subdomains: z.boolean() });

const scheduleSchema = z.strictObject({
  id: z.number().int().min(1).max(2 ** 31),
  profileId: profileIdSchema,
  label: z.string().max(60),
  days: z.array(z.enum(WEEKDAYS)).min(1).max(7).refine((d) => new Set(d).size === d.length, { error: 'repeats a day' }),
  start: z.number().int().min(0).max(1439),
  end: z.number().int().min(0).max(1439),
  mode: z.enum(SCHEDULE_MODES),
  categories: z.array(categoryId).max(500),
  allow: z.array(domain).max(MAX_ALLOWED_NAMES),
  enabled: z.boolean(),
});

const deviceSchema = z.strictObject({
  id: z.string().regex(/^(mac:[0-9a-f:]{17}|ip:[0-9a-f:.]{2,45})$/, { error: "must be 'mac:aa:bb:cc:dd:ee:ff' or 'ip:ADDRESS'" }),
  mac: z.string().max(17).refine((m) => normalizeMac(m) === m, { error: 'must be a MAC address aa:bb:cc:dd:ee:ff' }).nullable(),
  randomizedMac: z.boolean(),
  ip: ipText.nullable(),
  addresses: z.array(ipText).max(8),
  hostname: z.string().regex(/^[A-Za-z0-9._-]{1,253}$/, { error: 'must be a host name (letters, digits, dots, dashes)' }).nullable(),
  name: name60.nullable(),
  profileId: profileIdSchema.nullable(),
  firstSeen: ms,
  lastSeen: ms,
});

const deviceRuleSchema = z.strictObject({
  deviceId: z.string().max(60),
  kind: z.enum(['allow', 'block']),
  targetType: z.enum(['service', 'name']),
  target: z.union([domain, categoryId]),
  subdomains: z.boolean(),
});

const customRuleSchema = z.strictObject({ name: domain, kind: z.enum(['allow', 'block']), subdomains: z.boolean(), addedAt: ms });
const subscriptionSchema = z.strictObject({ url: subscriptionUrlSchema, category: categoryId, enabled: z.boolean(), addedAt: ms });

const dataObject = z.strictObject({
  settings: settingsSchema,
  profiles: z.array(profileSchema).max(500),
  profileRules: z.array(profileRuleSchema).max(50_000),
  schedules: z.array(scheduleSchema).max(10_000),
  devices: z.array(deviceSchema).max(MAX_BACKUP_DEVICES),
  deviceRules: z.array(deviceRuleSchema).max(50_000).default([]),
  customRules: z.array(customRuleSchema).max(50_000),
  subscriptions: z.array(subscriptionSchema).max(500),
  adminPasswordHash: z.string().max(500).regex(/^scrypt\$[\x21-\x7e]+$/, { error: 'is not a Vigie password hash' }).optional(),
});
const dataSchema = dataObject.superRefine(checkReferences);

/** The whole document (validated). */
export const backupSchema = z.strictObject({
  format: z.literal(BACKUP_FORMAT),
  version: z.literal(BACKUP_VERSION),
  createdAt: z.iso.datetime(),
  vigie: z.string().max(40),
  data: dataSchema,
});

/** A validated backup document. */
export type BackupDocument = z.output<typeof backupSchema>;
/** Its `data` part. */
export type BackupData = BackupDocument['data'];

type Ctx = z.RefinementCtx;

function noDuplicates<T>(ctx: Ctx, list: readonly T[], field: string, key: (item: T) => string, what: string): void {
  const seen = new Set<string>();
  list.forEach((item, i) => {
    const k = key(item);
    if (seen.has(k)) ctx.addIssue({ code: 'custom', path: [field, i], message: `repeats ${what} ${k}` });
    seen.add(k);
  });
}

/** Cross-field rules: unique keys, and every profile reference names a profile of the backup or a preset. */
function checkReferences(data: z.output<typeof dataObject>, ctx: Ctx): void {
  const known = new Set<string>([...PRESETS, ...data.profiles.map((p) => p.id)]);
  const ref = (id: string | null, path: Array<string | number>): void => {
    if (id !== null && !known.has(id)) ctx.addIssue({ code: 'custom', path, message: `names a profile '${id}' that is not in the backup` });
  };
  data.profiles.forEach((p, i) => {
    const preset = (PRESETS as readonly string[]).includes(p.id);
    if (p.builtIn !== preset) ctx.addIssue({ code: 'custom', path: ['profiles', i, 'builtIn'], message: `must be ${preset} for '${p.id}' (only the presets are built in)` });
    if (preset && p.base !== p.id) ctx.addIssue({ code: 'custom', path: ['profiles', i, 'base'], message: `must be '${p.id}': a built-in profile keeps its own preset` });
  });
  noDuplicates(ctx, data.profiles, 'profiles', (p) => p.id, 'the profile');
  noDuplicates(ctx, data.profileRules, 'profileRules', (r) => `${r.profileId} ${r.kind} ${r.name}`, 'the rule');
  noDuplicates(ctx, data.schedules, 'schedules', (s) => String(s.id), 'the schedule id');
  noDuplicates(ctx, data.devices, 'devices', (d) => d.id, 'the device');
  noDuplicates(ctx, data.customRules, 'customRules', (r) => `${r.kind} ${r.name}`, 'the rule');
  noDuplicates(ctx, data.subscriptions, 'subscriptions', (s) => s.url, 'the URL');
  ref(data.settings.defaultProfile, ['settings', 'defaultProfile']);
  data.profileRules.forEach((r, i) => ref(r.profileId, ['profileRules', i, 'profileId']));
  data.schedules.forEach((s, i) => ref(s.profileId, ['schedules', i, 'profileId']));
  data.devices.forEach((d, i) => ref(d.profileId, ['devices', i, 'profileId']));
  const devices = new Set(data.devices.map((d) => d.id));
  noDuplicates(ctx, data.deviceRules, 'deviceRules', (r) => `${r.deviceId} ${r.targetType} ${r.target}`, 'the device rule');
  data.deviceRules.forEach((r, i) => {
    if (!devices.has(r.deviceId)) ctx.addIssue({ code: 'custom', path: ['deviceRules', i, 'deviceId'], message: `names a device '${r.deviceId}' that is not in the backup` });
  });
}


/** A refused backup: `issues` name each bad field (`data.schedules.0.start: …`). */
export class BackupInvalidError extends AppError {
  constructor(message: string, readonly issues: ReadonlyArray<{ readonly path: ReadonlyArray<string | number>; readonly message: string }> = []) {
    super('VALIDATION', message);
  }
}

const refuse = (message: string): never => {
  throw new BackupInvalidError(message);
};

/**
 * Validates a parsed JSON value as a backup. Checks the envelope first so a wrong file gets a
 * plain answer ("not a Vigie backup", "made by a newer Vigie"), then every field.
 * @throws BackupInvalidError (AppError 'VALIDATION') with the first problems in its message.
 */
export function parseBackup(value: unknown): BackupDocument {
  const envelope = value as { format?: unknown; version?: unknown } | null;
  if (envelope === null || typeof envelope !== 'object' || Array.isArray(envelope) || envelope.format !== BACKUP_FORMAT) {
    refuse(`not a Vigie backup (expected "format": "${BACKUP_FORMAT}")`);
  }
  if (envelope!.version !== BACKUP_VERSION) {
    const v = envelope!.version;
    refuse(typeof v === 'number' && Number.isInteger(v) && v > BACKUP_VERSION
      ? `this backup has version ${v}, made by a newer Vigie; this one reads version ${BACKUP_VERSION}: upgrade Vigie first`
      : `unsupported backup version ${JSON.stringify(v)?.slice(0, 20)} (this Vigie reads version ${BACKUP_VERSION})`);
  }
  const parsed = backupSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((i) => ({ path: i.path.map((p) => (typeof p === 'symbol' ? String(p) : p)), message: i.message }));
  const first = issues.slice(0, 5).map((i) => `${i.path.join('.') || '(document)'}: ${i.message}`).join('; ');
  throw new BackupInvalidError(`the backup is damaged or invalid, nothing was changed: ${first}${issues.length > 5 ? ` (and ${issues.length - 5} more)` : ''}`, issues);
}

/** Parses the text of a backup file (size-checked, then JSON, then {@link parseBackup}). */
export function parseBackupText(text: string): BackupDocument {
  if (Buffer.byteLength(text, 'utf8') > MAX_BACKUP_BYTES) refuse(`the file is larger than ${MAX_BACKUP_BYTES / 1024 / 1024} MiB: not a Vigie backup`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return refuse(`not a Vigie backup: the file is not valid JSON (${(err as Error).message.slice(0, 120)})`);
  }
  return parseBackup(value);
}

/** JSON with object keys sorted at every level: the same data always gives the same text. */
export function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (v !== null && typeof v === 'object' && !Array.isArray(v)
    ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
    : v));
}

/**
 * SHA-256 of the configuration a sync compares: `data` without the password hash and without the
 * devices' `lastSeen` (it moves with every DNS query and is not a parent's choice).
 */
export function backupFingerprint(data: BackupData): string {
  const { adminPasswordHash: _omit, ...rest } = data;
  const comparable = { ...rest, devices: rest.devices.map(({ lastSeen: _seen, ...d }) => d) };
  return createHash('sha256').update(stableJson(comparable)).digest('hex');
}

/** This build's version (package.json next to src/ and dist/), '0.0.0' if unreadable. */
export function vigieVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: unknown };
    return typeof pkg.version === 'string' ? pkg.version : '0.0.0';
  } catch {
    return '0.0.0';
  }
}
