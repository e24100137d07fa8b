/**
 * The shape of a weekly report: plain, JSON-able data (it crosses a worker boundary and is
 * exported as JSON), built by buildWeeklyReport (aggregate.ts) and read by the renderers.
 * Instants are epoch ms; days and hours are local to `timeZone`.
 */

/** Title of a category in both languages (catalog.json; the id itself for categories outside it). */
export interface LocalizedTitle {
  readonly en: string;
  readonly fr: string;
}

/** This week against the previous one. */
export interface Trend {
  readonly current: number;
  readonly previous: number;
  /** Rounded change in percent; null when the previous week had none. */
  readonly percent: number | null;
}

/** Blocked attempts of one category. */
export interface CategoryCount {
  readonly category: string;
  readonly title: LocalizedTitle;
  readonly count: number;
  /** The same in the previous week. */
  readonly prev: number;
  /** Per local day, Monday first. */
  readonly byDay: readonly number[];
}

/** Blocked attempts of one service. */
export interface ServiceCount {
  readonly service: string;
  readonly category: string;
  readonly count: number;
  /** The most blocked names of the service, at most 3, most blocked first. */
  readonly names: readonly string[];
}

/** A first-ever attempt on a high-risk category. */
export interface FirstAttempt {
  readonly category: string;
  readonly title: LocalizedTitle;
  readonly name: string;
  readonly time: number;
}

/** One device's week. */
export interface DeviceWeek {
  readonly id: string;
  readonly label: string;
  /** null: the default profile; also null for devices config.db does not know. */
  readonly profileId: string | null;
  /** First seen during this week. */
  readonly newDevice: boolean;
  readonly firstSeen: number | null;
  readonly totals: {
    readonly blocked: number;
    /** Lookups answered (daily counters), blocked or not. */
    readonly queries: number;
    /** Lookups per local day, Monday first. */
    readonly queriesByDay: readonly number[];
    /** Blocked attempts against the previous week. */
    readonly trend: Trend;
  };
  /** Most blocked first; categories blocked only in the previous week are kept with count 0. */
  readonly byCategory: readonly CategoryCount[];
  /** Blocked attempts per local day, Monday first. */
  readonly byDay: readonly number[];
  /** [local weekday 0 = Monday][local hour 0-23]. */
  readonly heatmap: readonly (readonly number[])[];
  /** Top 10. */
  readonly topServices: readonly ServiceCount[];
  readonly bypass: { readonly count: number; readonly byService: readonly { readonly service: string; readonly count: number }[] };
  readonly firstEver: readonly FirstAttempt[];
}

/** A weekly report of the home. */
export interface WeeklyReport {
  /** Format version of this object. */
  readonly version: 1;
  readonly generatedAt: number;
  readonly timeZone: string;
  readonly week: { readonly id: string; readonly start: number; readonly end: number; readonly days: readonly string[]; readonly hours: number };
  readonly previousWeek: { readonly id: string; readonly start: number; readonly end: number };
  readonly home: {
    readonly blocked: number;
    readonly queries: number;
    readonly trend: Trend;
    readonly byCategory: readonly CategoryCount[];
    readonly byDay: readonly number[];
    readonly bypass: number;
    readonly firstEver: number;
  };
  /** Devices active or seen this week, most blocked first. */
  readonly devices: readonly DeviceWeek[];
  readonly newDevices: readonly { readonly id: string; readonly label: string; readonly firstSeen: number }[];
  /**
   * Floods of blocked queries this week: a device sent more than its share of what the log
   * writes, and `dropped` of its attempts were not logged (other devices' were kept). Absent in
   * reports made before floods were recorded.
   */
  readonly floods?: readonly { readonly device: string; readonly label: string; readonly first: number; readonly last: number; readonly dropped: number }[];
}

/** Categories where a first attempt is worth telling the parents about. */
export const HIGH_RISK_CATEGORIES: readonly string[] = ['anonymous-chat', 'random-video-chat', 'teen-meetup'];

/** The category of filter-bypass attempts (encrypted DNS, VPN, proxy, relay; bypass.txt and canaries.txt). */
export const BYPASS_CATEGORY = 'bypass';
