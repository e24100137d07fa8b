/**
 * When new devices were not recorded because too many appeared at once (forged source addresses,
 * see src/policy/device-tracker.ts), kept in config.db (`settings`, key `device_cap`) for the
 * overview page. One episode runs while refusals keep coming less than an hour apart.
 */
import type Database from 'better-sqlite3';
import { z } from 'zod';
import { readSettingJson, writeSettingJson } from './setting-json.js';

const KEY = 'device_cap';
/** Refusals this far apart start a new episode (logged again). */
export const CAP_EPISODE_GAP_MS = 60 * 60_000;

const statusSchema = z.object({ since: z.number().int(), lastAt: z.number().int(), refused: z.number().int().min(0) });

/** One episode: first and last refusal (ms) and how many new devices were not recorded. */
export type DeviceCapStatus = z.infer<typeof statusSchema>;

/** Adds `refused` at `at` to the current episode (or starts one); returns it and whether it is new. */
export function noteDevicesRefused(db: Database.Database | null, previous: DeviceCapStatus | null, refused: number, at: number): { status: DeviceCapStatus; started: boolean } {
  const started = previous === null || at - previous.lastAt >= CAP_EPISODE_GAP_MS;
  const status = started ? { since: at, lastAt: at, refused } : { since: previous.since, lastAt: at, refused: previous.refused + refused };
  if (db !== null) writeSettingJson(db, KEY, status);
  return { status, started };
}

/** The latest episode, or null. */
export function readDeviceCapStatus(db: Database.Database): DeviceCapStatus | null {
  return readSettingJson(db, KEY, statusSchema);
}
