/**
 * The parents' rules for one device (`device_rules`, config.db v5): allow or block one catalog
 * service, or one name, for that device whatever its profile says. The typical case is a school
 * laptop whose managed filter uses an encrypted-DNS name that the bypass lists block: allow it
 * for that laptop only, without moving it to a looser profile. Rows are read back through zod.
 */
import type Database from 'better-sqlite3';
import { z } from 'zod';
import { normalizeRuleName } from '../blocklists/custom-rules.js';
import { AppError } from '../errors.js';
import type { Clock } from '../resolver/types.js';
import type { DeviceRule } from './model.js';

const rowSchema = z.object({
  device_id: z.string(),
  kind: z.enum(['allow', 'block']),
  target_type: z.enum(['service', 'name']),
  target: z.string().min(1),
  subdomains: z.union([z.literal(0), z.literal(1)]),
});

const toRule = (row: unknown): DeviceRule => {
  const r = rowSchema.parse(row);
  return { deviceId: r.device_id, kind: r.kind, targetType: r.target_type, target: r.target, subdomains: r.subdomains === 1 };
};

/** At most this many rules per device: a parent's exceptions, not a second list. */
export const MAX_RULES_PER_DEVICE = 200;

export interface DeviceRuleStore {
  /** Every rule, by device then target. */
  list(): DeviceRule[];
  forDevice(deviceId: string): DeviceRule[];
  /**
   * Adds or replaces the rule for (device, target). A name is normalized (IDN → punycode); a
   * service id must be one `isService` knows. @throws AppError VALIDATION, NOT_FOUND (no device).
   */
  set(rule: Omit<DeviceRule, 'subdomains'> & { subdomains?: boolean }, isService: (id: string) => boolean): DeviceRule;
  /** Removes the rule for (device, target); returns whether one was removed. */
  remove(deviceId: string, targetType: DeviceRule['targetType'], target: string): boolean;
}

/** Creates the store over an open, migrated config.db. */
export function createDeviceRuleStore(deps: { db: Database.Database; clock?: Clock }): DeviceRuleStore {
  const { db } = deps;
  const clock = deps.clock ?? Date.now;
  const upsert = db.prepare(
    'INSERT INTO device_rules (device_id, kind, target_type, target, subdomains, created_at) VALUES (?, ?, ?, ?, ?, ?) ' +
      'ON CONFLICT (device_id, target_type, target) DO UPDATE SET kind = excluded.kind, subdomains = excluded.subdomains',
  );
  const count = db.prepare('SELECT count(*) FROM device_rules WHERE device_id = ?').pluck();
  const target = (type: DeviceRule['targetType'], raw: string, isService: (id: string) => boolean): string => {
    if (type === 'name') return normalizeRuleName(raw);
    const id = raw.trim().toLowerCase();
    if (!isService(id)) throw new AppError('VALIDATION', `'${raw}' is not a service of the catalog (see vigie services)`);
    return id;
  };
  return {
    list: () => db.prepare('SELECT * FROM device_rules ORDER BY device_id, target_type, target').all().map(toRule),
    forDevice: (deviceId) => db.prepare('SELECT * FROM device_rules WHERE device_id = ? ORDER BY target_type, target').all(deviceId).map(toRule),
    set(rule, isService) {
      const name = target(rule.targetType, rule.target, isService);
      const subdomains = rule.targetType === 'service' ? true : (rule.subdomains ?? true);
      if ((count.get(rule.deviceId) as number) >= MAX_RULES_PER_DEVICE) throw new AppError('VALIDATION', `a device has at most ${MAX_RULES_PER_DEVICE} rules of its own`);
      try {
        upsert.run(rule.deviceId, rule.kind, rule.targetType, name, subdomains ? 1 : 0, clock());
      } catch (err) {
        if ((err as { code?: unknown }).code === 'SQLITE_CONSTRAINT_FOREIGNKEY') throw new AppError('NOT_FOUND', `no device '${rule.deviceId}'`, { cause: err });
        throw err;
      }
      return { deviceId: rule.deviceId, kind: rule.kind, targetType: rule.targetType, target: name, subdomains };
    },
    remove(deviceId, targetType, raw) {
      const name = targetType === 'name' ? normalizeRuleName(raw) : raw.trim().toLowerCase();
      return db.prepare('DELETE FROM device_rules WHERE device_id = ? AND target_type = ? AND target = ?').run(deviceId, targetType, name).changes > 0;
    },
  };
}
