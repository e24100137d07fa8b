/**
 * The parents' policy as data: profiles, their schedule windows, devices and temporary overrides.
 * These are the shapes the stores read back (through zod) and the snapshot compiles; nothing here
 * does I/O.
 */
import { z } from 'zod';
import { PRESETS, type Preset } from '../blocklists/load-catalog.js';

/** Days as stored and typed by parents; index 0 is Monday (ISO 8601 weekday − 1). */
export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** Minutes in a week: minute-of-week 0 is Monday 00:00 local time. */
export const MINUTES_PER_WEEK = 7 * 24 * 60;

/** Profile ids: short slugs (`child`, `lea-school`). */
export const profileIdSchema = z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/, { error: 'must be 1-40 lower-case letters, digits or dashes' });

/** What a schedule window does while it is active. */
export const SCHEDULE_MODES = ['block', 'bedtime'] as const;
export type ScheduleMode = (typeof SCHEDULE_MODES)[number];

/**
 * One weekly window of a profile. `days` are the days the window STARTS on; `start`/`end` are
 * minutes after local midnight (0..1439). `end <= start` means the window crosses midnight and ends
 * on the next day at `end` (21:00-07:00); `start === end` is a whole day (24 h from `start`).
 * - mode 'block': `categories` are blocked in addition to the profile's own while active;
 * - mode 'bedtime': everything is blocked except `allow` (names, each with its subdomains).
 */
export interface ScheduleWindow {
  readonly id: number;
  readonly profileId: string;
  readonly label: string;
  readonly days: readonly Weekday[];
  readonly start: number;
  readonly end: number;
  readonly mode: ScheduleMode;
  readonly categories: readonly string[];
  readonly allow: readonly string[];
  readonly enabled: boolean;
}

/** A profile: which categories are blocked, the profile's own rules, SafeSearch, its base preset. */
export interface Profile {
  readonly id: string;
  readonly name: string;
  /**
   * The preset whose catalog defaults fill every category missing from `categories` (so a
   * category added by an upgrade gets a sensible value). Categories outside the catalog (a
   * subscription's own) default to on, except for the 'unfiltered' base.
   */
  readonly base: Preset;
  /** Explicit choices: category id → blocked. */
  readonly categories: Readonly<Record<string, boolean>>;
  /**
   * Explicit per-service choices over the categories: catalog service id → blocked (the service
   * is blocked as a whole even when its category is off) or allowed (every domain of it is allowed,
   * even when its category is on).
   */
  readonly services: Readonly<Record<string, boolean>>;
  readonly safeSearch: boolean;
  /** The four presets ship as profiles; they can be edited but not removed. */
  readonly builtIn: boolean;
}

/** A profile's own allow/block entry (allow beats block, and beats every list). */
export interface ProfileRule {
  readonly profileId: string;
  readonly name: string;
  readonly kind: 'allow' | 'block';
  readonly subdomains: boolean;
}

/**
 * A device seen on the network. `id` is stable: `mac:aa:bb:cc:dd:ee:ff` when a MAC is known
 * (EDNS0 MAC option or the neighbour table), else `ip:192.168.1.20`.
 */
export interface Device {
  readonly id: string;
  readonly mac: string | null;
  /** The MAC is locally administered (phones' private/random addresses): it may change. */
  readonly randomizedMac: boolean;
  /** Last address the device asked from. */
  readonly ip: string | null;
  /** Every address seen for it, most recent first (bounded). */
  readonly addresses: readonly string[];
  /** From reverse DNS against the router or the DHCP leases file. */
  readonly hostname: string | null;
  /** Given by a parent. */
  readonly name: string | null;
  /** null: the default profile applies. */
  readonly profileId: string | null;
  readonly firstSeen: number;
  readonly lastSeen: number;
}

/**
 * A parent's rule for one device, whatever its profile says: allow (or block) one catalog service
 * or one name (with its subdomains unless `subdomains` is false).
 */
export interface DeviceRule {
  readonly deviceId: string;
  readonly kind: 'allow' | 'block';
  readonly targetType: 'service' | 'name';
  readonly target: string;
  readonly subdomains: boolean;
}

/**
 * A temporary override of one device until `until`: 'pause' (reward time: schedules and the
 * optional groups are lifted, the protective categories stay), 'off' (everything lifted: the
 * parent chose it explicitly), 'block' (everything blocked).
 */
export interface Override {
  readonly deviceId: string;
  readonly kind: 'pause' | 'block' | 'off';
  readonly until: number;
  readonly createdAt: number;
}

export { PRESETS, type Preset };

/** The profile unknown devices get until a parent assigns them (changeable in settings). */
export const DEFAULT_PROFILE_ID = 'child';

/** 'HH:MM' (00:00..23:59, or 24:00 as an end) → minutes after midnight; null when malformed. */
export function parseClockTime(text: string): number | null {
  const m = /^([01]?\d|2[0-4]):([0-5]\d)$/.exec(text.trim());
  if (!m) return null;
  const minutes = Number(m[1]) * 60 + Number(m[2]);
  return minutes <= 24 * 60 ? minutes % (24 * 60) : null;
}

/** Minutes after midnight → 'HH:MM'. */
export function formatClockTime(minutes: number): string {
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`;
}
